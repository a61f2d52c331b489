/** One attempt against one provider with one key: send, classify errors, and commit on the first SSE event. */
import type { Dispatcher } from 'undici';
import { GatewayError } from '../core/errors';
import type { ProtocolId } from '../core/model';
import type { SseEvent } from '../sse/types';
import { protocols } from '../protocols';
import type { ProviderRuntime } from '../providers/runtime';
import { authHeaders } from '../providers/runtime';
import type { UpstreamKey } from '../routing/types';
import { sendUpstream, transportError } from '../transport/upstream';
import { openSse, type OpenedSse } from './sse-source';
import type { CallerRequest, PreparedCall } from './prepare';

/** A committed upstream answer: either a whole body or an opened SSE stream. */
export type Committed =
  | { kind: 'json'; status: number; text: string; contentType: string }
  | { kind: 'sse'; status: number; sse: OpenedSse };

const ANTHROPIC_PASS_HEADERS = ['anthropic-version', 'anthropic-beta'];

/** Headers of the caller that reach the upstream: only protocol headers the upstream understands. */
function forwardedHeaders(caller: CallerRequest, prepared: PreparedCall): Record<string, string> {
  const out: Record<string, string> = {};
  if (prepared.upstreamProtocol === 'anthropic-messages' && caller.protocol === 'anthropic-messages') {
    for (const h of ANTHROPIC_PASS_HEADERS) {
      const v = caller.inbound.headers[h];
      if (typeof v === 'string') out[h] = v;
      else if (Array.isArray(v)) out[h] = v.join(',');
    }
  }
  return out;
}

/** The error an upstream sent as its very first stream event (e.g. Anthropic's overloaded_error): not committed yet. */
function firstEventError(protocol: ProtocolId, first: SseEvent | undefined): GatewayError | undefined {
  if (!first) return undefined;
  for (const ev of protocols[protocol].decodeStream().step(first)) if (ev.type === 'error') return ev.error;
  return undefined;
}

/** Sends `prepared` to `provider` with `key`; throws a GatewayError for any failure before commit. */
export async function attemptUpstream(
  caller: CallerRequest, prepared: PreparedCall, provider: ProviderRuntime, key: UpstreamKey | undefined, signal: AbortSignal,
  dispatcher?: Dispatcher,
): Promise<Committed> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: prepared.stream ? 'text/event-stream' : 'application/json',
    ...provider.spec.defaultHeaders,
    ...prepared.headers,
    ...forwardedHeaders(caller, prepared),
    ...provider.config.headers,
    ...(key ? authHeaders(provider.spec, key.secret) : {}),
  };
  caller.trace?.upstream(provider.id, provider.baseUrl + prepared.path, headers, prepared.body);
  const res = await sendUpstream({
    url: provider.baseUrl + prepared.path, method: 'POST', headers, body: prepared.body,
    dispatcher: dispatcher ?? provider.dispatcher, signal,
    firstByteMs: prepared.stream ? provider.timeouts.firstByteStreamMs : provider.timeouts.firstByteMs,
    idleMs: provider.timeouts.idleMs, providerId: provider.id,
  });
  const contentType = String(res.headers['content-type'] ?? '');
  try {
    if (res.statusCode >= 400) {
      const text = await res.body.text();
      let parsed: unknown = text;
      try { parsed = JSON.parse(text); } catch { /* keep the text */ }
      const err = protocols[prepared.upstreamProtocol].decodeError(res.statusCode, parsed, res.headers);
      throw new GatewayError(err.kind, err.message, { ...err.info, status: err.info.status ?? res.statusCode, provider: provider.id });
    }
    // Some upstreams stream even when asked not to; the pipeline then aggregates (see reshape.ts).
    if (contentType.includes('text/event-stream')) {
      const sse = await openSse(res.body as unknown as AsyncIterable<Buffer> & { destroy(e?: Error): void });
      const early = firstEventError(prepared.upstreamProtocol, sse.first);
      if (early) {
        sse.close();
        throw new GatewayError(early.kind, early.message, { ...early.info, provider: provider.id });
      }
      return { kind: 'sse', status: res.statusCode, sse };
    }
    return { kind: 'json', status: res.statusCode, text: await res.body.text(), contentType };
  } catch (e) {
    res.body.destroy();
    const err = transportError(e, provider.id, provider.timeouts);
    // Nothing reached the client yet, so even an idle timeout (headers, then silence) may try elsewhere.
    throw err.kind === 'timeout' && err.info.retryable === false ? new GatewayError('timeout', err.message, { ...err.info, retryable: true }) : err;
  }
}
