/**
 * The identity path of legacy completions: the caller's body goes to an OpenAI-family `/completions` with only the
 * model replaced (plus `stream_options.include_usage`, so usage can be accounted), and the stream comes back byte
 * for byte when the caller asked for usage (else event by event, without the usage-only chunk it did not ask for).
 */
import { GatewayError } from '../../core/errors';
import type { Usage } from '../../core/model';
import type { OpenedSse } from '../../pipeline/sse-source';
import { createUsageTap, isUsageOnlyChunk } from '../../pipeline/usage-tap';
import { encodeSse } from '../../sse/encode';
import type { SseEvent } from '../../sse/types';
import { encodeError } from '../openai-chat/errors';
import { wantsStreamUsage } from './request';

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The upstream body for `model`; asks for stream usage when the caller did not. */
export function passthroughBody(body: Json, model: string): Json {
  const out: Json = { ...body, model };
  if (body.stream === true && !wantsStreamUsage(body)) {
    out.stream_options = { ...(isRecord(body.stream_options) ? body.stream_options : {}), include_usage: true };
  }
  return out;
}

/** A streamed pass-through answer: frames to write, and what was learnt once they are written. */
export interface PassthroughStream {
  frames: AsyncGenerator<string | Buffer>;
  usage(): Usage | undefined;
  failed(): GatewayError | undefined;
}

/** Streams an opened upstream SSE body back to a caller of `body`. */
export function passthroughStream(sse: OpenedSse, body: Json, providerId: string): PassthroughStream {
  const strip = !wantsStreamUsage(body);
  const tap = createUsageTap('openai-chat');
  let failure: GatewayError | undefined;
  async function* frames(): AsyncGenerator<string | Buffer> {
    try {
      for await (const chunk of sse.chunks) {
        for (const e of chunk.events) tap.push(e);
        if (!strip) { if (chunk.bytes.length) yield chunk.bytes; continue; }
        // Re-encoded whole events only: mixing raw bytes (which may end mid-event) with re-encoded events would
        // duplicate or cut an event.
        const kept = chunk.events.filter((e) => !isUsageOnlyChunk(e));
        if (kept.length) yield kept.map((e) => encodeSse(e)).join('');
      }
    } catch (e) {
      failure = GatewayError.is(e) ? e
        : new GatewayError('upstream', `The stream from ${providerId} broke: ${e instanceof Error ? e.message : String(e)}`, { provider: providerId, code: 'stream_interrupted' });
      yield encodeSse(encodeError(failure).frame);
    }
  }
  return { frames: frames(), usage: () => tap.usage, failed: () => failure };
}
