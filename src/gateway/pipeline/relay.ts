/**
 * The identity path of a stream: the upstream's bytes go to the caller as they come (or, when the gateway added a
 * usage request the caller did not make, whole events without that usage chunk), with a tap that reads usage.
 * Used by chat pass-through and legacy completions pass-through.
 */
import { GatewayError } from '../core/errors';
import type { ProtocolId, Usage } from '../core/model';
import { encodeSse } from '../sse/encode';
import type { SseEvent, SseFrame } from '../sse/types';
import type { OpenedSse, PipeControl, SseChunk } from './sse-source';
import { createUsageTap, isUsageOnlyChunk, type UsageTap } from './usage-tap';

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

/** Where pumped frames go (the server's response). */
export interface FrameSink {
  /** One frame; false: the caller is slow, wait for `resume()`. */
  write(frame: string | Buffer): boolean;
  /** The stream ended (after its last frame, an error frame if it broke). */
  end(): void;
}

/** Starts pushing a stream's frames to `sink`; the control resumes it after back-pressure or stops it. */
export type FramePump = (sink: FrameSink) => PipeControl;

/**
 * A relayed stream: frames to write, and what was learnt once they are written. `pump`, when set, writes the same
 * frames by push instead (no promise per chunk); use one or the other.
 */
export interface Relayed {
  frames: AsyncGenerator<string | Buffer>;
  pump?: FramePump;
  usage(): Usage | undefined;
  failed(): GatewayError | undefined;
}

/** Relays `sse` to the caller; a broken stream ends with a well-formed error frame. */
export function relaySse(sse: OpenedSse, opts: RelayOptions): Relayed {
  const state = new RelayState(opts);
  async function* frames(): AsyncGenerator<string | Buffer> {
    try {
      for (;;) {
        const chunk = await sse.next();
        if (!chunk) break;
        const out = state.frameOf(chunk);
        if (out.length) yield out;
      }
      state.ended();
    } catch (e) {
      yield state.failed(e);
    } finally {
      // Leaving early (the client went away) must not leave the upstream half-read; a no-op after the end.
      sse.close();
    }
  }
  const pipe = sse.pipe;
  const pump: FramePump | undefined = pipe && ((sink) => pipe({
    chunk: (c) => { const out = state.frameOf(c); return out.length ? sink.write(out) : true; },
    end: () => {
      try { state.ended(); } catch (e) { sink.write(state.failed(e)); }
      sink.end();
    },
    fail: (e) => { sink.write(state.failed(e)); sink.end(); },
  }));
  return { frames: frames(), pump, usage: () => state.tap.usage, failed: () => state.failure };
}

/** What the relay learns from a stream's chunks, whichever way they are written. */
class RelayState {
  readonly tap: UsageTap;
  failure: GatewayError | undefined = undefined;
  private last: SseEvent | undefined = undefined;
  /** The bytes so far ended where an event ended, so the next chunk's bytes start with a whole event. */
  private aligned = true;

  constructor(private readonly opts: RelayOptions) {
    this.tap = createUsageTap(opts.protocol);
  }

  /** What of `chunk` goes to the caller ('' or an empty buffer: nothing). */
  frameOf(chunk: SseChunk): string | Buffer {
    const events = chunk.events;
    for (let i = 0; i < events.length; i++) this.tap.push(events[i]!);
    if (events.length) this.last = events[events.length - 1];
    if (!this.opts.stripUsageChunk) return chunk.bytes;
    // Raw bytes only when they hold whole events and none is the usage chunk; else whole events re-encoded, as
    // raw bytes may end mid-event and mixing both would cut or repeat one.
    const whole = this.aligned && endsEvent(chunk.bytes);
    this.aligned = endsEvent(chunk.bytes);
    if (whole && !events.some(isUsageOnlyChunk)) return chunk.bytes;
    let out = '';
    for (const e of events) if (!isUsageOnlyChunk(e)) out += encodeSse(e);
    return out;
  }

  /** The stream ended; throws when it ended before its protocol's final event and that counts as broken. */
  ended(): void {
    const opts = this.opts;
    if (opts.requireTerminal && !this.tap.sawTerminal) {
      throw new GatewayError('upstream', `The stream from ${opts.providerId} ended before its final event`, { provider: opts.providerId, code: 'incomplete_stream' });
    }
  }

  /** Records the stream's failure; the error frame that ends it for the caller. */
  failed(e: unknown): string {
    const failure = this.failure = this.opts.toError(e);
    this.opts.onFailure?.(failure);
    return encodeSse(continueSequence(this.opts.errorFrame(failure), this.last));
  }
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
