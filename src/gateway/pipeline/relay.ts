/**
 * The identity path of a stream: the upstream's bytes go to the caller as they come (or, when the gateway added a
 * usage request the caller did not make, whole events without that usage chunk), with a tap that reads usage.
 * Used by chat pass-through and legacy completions pass-through.
 */
import { GatewayError } from '../core/errors';
import type { ProtocolId, Usage } from '../core/model';
import { encodeSse } from '../sse/encode';
import type { SseEvent, SseFrame } from '../sse/types';
import type { OpenedSse } from './sse-source';
import { createUsageTap, isUsageOnlyChunk } from './usage-tap';

/** How to relay one stream. */
export interface RelayOptions {
  protocol: ProtocolId;
  providerId: string;
  /** Drop OpenAI's usage-only chunk (the caller did not ask for it). */
  stripUsageChunk: boolean;
  /** A stream that ends without its protocol's final event is a failure (else it just ends). */
  requireTerminal: boolean;
  /** Turns a thrown value into the failure to report (e.g. idle timeouts with their limit). */
  toError(e: unknown): GatewayError;
  /** The error frame in the caller's protocol. */
  errorFrame(err: GatewayError): SseFrame;
  onFailure?(err: GatewayError): void;
}

/** A relayed stream: frames to write, and what was learnt once they are written. */
export interface Relayed { frames: AsyncGenerator<string | Buffer>; usage(): Usage | undefined; failed(): GatewayError | undefined }

/** Relays `sse` to the caller; a broken stream ends with a well-formed error frame. */
export function relaySse(sse: OpenedSse, opts: RelayOptions): Relayed {
  const tap = createUsageTap(opts.protocol);
  let failure: GatewayError | undefined;
  async function* frames(): AsyncGenerator<string | Buffer> {
    let last: SseEvent | undefined;
    // The bytes so far ended where an event ended, so the next chunk's bytes start with a whole event.
    let aligned = true;
    try {
      for (;;) {
        const chunk = await sse.next();
        if (!chunk) break;
        const events = chunk.events;
        for (let i = 0; i < events.length; i++) tap.push(events[i]!);
        if (events.length) last = events[events.length - 1];
        if (!opts.stripUsageChunk) { if (chunk.bytes.length) yield chunk.bytes; continue; }
        // Raw bytes only when they hold whole events and none is the usage chunk; else whole events re-encoded, as
        // raw bytes may end mid-event and mixing both would cut or repeat one.
        const whole = aligned && endsEvent(chunk.bytes);
        aligned = endsEvent(chunk.bytes);
        if (whole && !events.some(isUsageOnlyChunk)) { yield chunk.bytes; continue; }
        let out = '';
        for (const e of events) if (!isUsageOnlyChunk(e)) out += encodeSse(e);
        if (out) yield out;
      }
      if (opts.requireTerminal && !tap.sawTerminal) {
        throw new GatewayError('upstream', `The stream from ${opts.providerId} ended before its final event`, { provider: opts.providerId, code: 'incomplete_stream' });
      }
    } catch (e) {
      failure = opts.toError(e);
      opts.onFailure?.(failure);
      yield encodeSse(continueSequence(opts.errorFrame(failure), last));
    } finally {
      // Leaving early (the client went away) must not leave the upstream half-read; a no-op after the end.
      sse.close();
    }
  }
  return { frames: frames(), usage: () => tap.usage, failed: () => failure };
}

/** Whether `bytes` end with the blank line that ends an SSE event ("\n\n", or "\r\n\r\n"). */
function endsEvent(bytes: Buffer): boolean {
  const n = bytes.length;
  if (n < 2 || bytes[n - 1] !== 0x0a) return false;
  return bytes[n - 2] === 0x0a || (n >= 4 && bytes[n - 2] === 0x0d && bytes[n - 3] === 0x0a && bytes[n - 4] === 0x0d);
}

/** A Responses error frame must continue the stream's `sequence_number`s (the codec's standalone frame says 0). */
function continueSequence(frame: SseFrame, last: SseEvent | undefined): SseFrame {
  const seq = last && /"sequence_number":(\d+)/.exec(last.data);
  if (!seq || 'comment' in frame || !frame.data.includes('"sequence_number"')) return frame;
  try {
    const data = JSON.parse(frame.data) as Record<string, unknown>;
    return { ...frame, data: JSON.stringify({ ...data, sequence_number: Number(seq[1]) + 1 }) };
  } catch { return frame; }
}
