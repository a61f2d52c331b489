/**
 * The identity path of legacy completions: the caller's body goes to an OpenAI-family `/completions` with only the
 * model replaced (plus `stream_options.include_usage`, so usage can be accounted), and the stream comes back byte
 * for byte when the caller asked for usage (else without the usage-only chunk it did not ask for; see relay.ts).
 */
import { GatewayError } from '../../core/errors';
import type { OpenedSse } from '../../pipeline/sse-source';
import { relaySse, type Relayed } from '../../pipeline/relay';
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

/** Streams an opened upstream SSE body back to a caller of `body`. */
export function passthroughStream(sse: OpenedSse, body: Json, providerId: string): Relayed {
  return relaySse(sse, {
    protocol: 'openai-chat', providerId, stripUsageChunk: !wantsStreamUsage(body), requireTerminal: true,
    toError: (e) => (GatewayError.is(e) ? e
      : new GatewayError('upstream', `The stream from ${providerId} broke: ${e instanceof Error ? e.message : String(e)}`, { provider: providerId, code: 'stream_interrupted' })),
    errorFrame: (err) => encodeError(err).frame,
  });
}
