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
    try {
      for await (const chunk of sse.chunks) {
        for (const e of chunk.events) tap.push(e);
        last = chunk.events.at(-1) ?? last;
        if (!opts.stripUsageChunk) { if (chunk.bytes.length) yield chunk.bytes; continue; }
        // Whole re-encoded events only: raw bytes may end mid-event, and mixing both would cut or repeat one.
        const kept = chunk.events.filter((e) => !isUsageOnlyChunk(e));
        if (kept.length) yield kept.map((e) => encodeSse(e)).join('');
      }
      if (opts.requireTerminal && !tap.sawTerminal) {
        throw new GatewayError('upstream', `The stream from ${opts.providerId} ended before its final event`, { provider: opts.providerId, code: 'incomplete_stream' });
      }
    } catch (e) {
      failure = opts.toError(e);
      opts.onFailure?.(failure);
      yield encodeSse(continueSequence(opts.errorFrame(failure), last));
    }
  }
  return { frames: frames(), usage: () => tap.usage, failed: () => failure };
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
