/** One attempt against one provider with one key: send, classify errors, and commit on the first SSE event. */
import type { Dispatcher } from 'undici';
import type { CancelSignal } from '../core/cancel';
import { GatewayError } from '../core/errors';
import type { ProtocolId } from '../core/model';
import type { SseEvent } from '../sse/types';
import { protocols } from '../protocols';
import type { ProviderRuntime } from '../providers/runtime';
import { authHeaders } from '../providers/runtime';
import type { UpstreamKey } from '../routing/types';
import { sendUpstreamReply, transportError, type UpstreamReply } from '../transport/upstream';
import { openSse, type OpenedSse } from './sse-source';
import type { CallerRequest, PreparedCall } from './prepare';

/** A committed upstream answer: either a whole body or an opened SSE stream. */
export type Committed =
  | {
    kind: 'json'; status: number; contentType: string;
    /** The body as text (decoded on first read: the identity path writes `bytes` and may never need it). */
    readonly text: string;
    /** The body as received (`text` encoded). */
    bytes: Buffer;
  }
  | { kind: 'sse'; status: number; sse: OpenedSse };

/** A committed whole answer whose text is decoded when first read (a class: a getter in an object literal is slow). */
class JsonAnswer {
  readonly kind = 'json';
  private decoded: string | undefined = undefined;
  constructor(readonly status: number, readonly contentType: string, readonly bytes: Buffer) {}
  get text(): string { return (this.decoded ??= this.bytes.toString('utf8')); }
}

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

/** Built header objects per provider (keyed by accept + secret), while the provider's config object is the same. */
const headerCache = new WeakMap<ProviderRuntime, { config: ProviderRuntime['config']; byKey: Map<string, Record<string, string>> }>();

/** The upstream request headers; the common case (no per-request headers) is built once and reused (undici only reads it). */
function upstreamHeaders(caller: CallerRequest, prepared: PreparedCall, provider: ProviderRuntime, key: UpstreamKey | undefined): Record<string, string> {
  const build = (): Record<string, string> => ({
    'content-type': 'application/json',
    accept: prepared.stream ? 'text/event-stream' : 'application/json',
    ...provider.spec.defaultHeaders,
    ...prepared.headers,
    ...forwardedHeaders(caller, prepared),
    ...provider.config.headers,
    ...(key ? authHeaders(provider.spec, key.secret) : {}),
  });
  const perRequest = prepared.upstreamProtocol === 'anthropic-messages' && caller.protocol === 'anthropic-messages';
  if (perRequest) return build();
  for (const _ in prepared.headers) return build();
  let cached = headerCache.get(provider);
  if (!cached || cached.config !== provider.config) { cached = { config: provider.config, byKey: new Map() }; headerCache.set(provider, cached); }
  const id = `${prepared.stream ? 's' : 'j'}${key ? key.secret : ''}`;
  let h = cached.byKey.get(id);
  if (!h) {
    h = build();
    if (cached.byKey.size >= 256) cached.byKey.clear();
    cached.byKey.set(id, h);
  }
  return h;
}

/** The error an upstream sent as its very first stream event (e.g. Anthropic's overloaded_error): not committed yet. */
export function firstEventError(protocol: ProtocolId, first: SseEvent | undefined): GatewayError | undefined {
  // Every decoder reads an error only from an event that says so ("error", or Responses' "response.failed", in its
  // data or its name): one without either word skips building a decoder and parsing its JSON, which every stream paid.
  if (!first || !(mayBeError(first.data) || (first.event !== undefined && mayBeError(first.event)))) return undefined;
  for (const ev of protocols[protocol].decodeStream().step(first)) if (ev.type === 'error') return ev.error;
  return undefined;
}

function mayBeError(text: string): boolean {
  return text.includes('error') || text.includes('failed');
}

/** Sends `prepared` to `provider` with `key`; throws a GatewayError for any failure before commit. */
export async function attemptUpstream(
  caller: CallerRequest, prepared: PreparedCall, provider: ProviderRuntime, key: UpstreamKey | undefined, signal: CancelSignal,
  dispatcher?: Dispatcher,
): Promise<Committed> {
  const headers = upstreamHeaders(caller, prepared, provider, key);
  caller.trace?.upstream(provider.id, provider.baseUrl + prepared.path, headers, prepared.body);
  let res: UpstreamReply;
  try {
    res = await sendUpstreamReply({
      url: provider.baseUrl, path: prepared.path, method: 'POST', headers, body: prepared.body,
      dispatcher: dispatcher ?? provider.dispatcher, signal,
      firstByteMs: prepared.stream ? provider.timeouts.firstByteStreamMs : provider.timeouts.firstByteMs,
      idleMs: provider.timeouts.idleMs, connectMs: provider.timeouts.connectMs, providerId: provider.id,
    });
  } catch (e) {
    throw retryableBeforeCommit(transportError(e, provider.id, provider.timeouts));
  }
  const contentType = String(res.headers['content-type'] ?? '');
  if (res.whole) {
    const bytes = withoutBom(res.whole);
    if (res.statusCode >= 400) {
      const text = bytes.toString('utf8');
      let parsed: unknown = text;
      try { parsed = JSON.parse(text); } catch { /* keep the text */ }
      const err = protocols[prepared.upstreamProtocol].decodeError(res.statusCode, parsed, res.headers);
      throw retryableBeforeCommit(new GatewayError(err.kind, err.message, { ...err.info, status: err.info.status ?? res.statusCode, provider: provider.id }));
    }
    return new JsonAnswer(res.statusCode, contentType, bytes);
  }
  // Some upstreams stream even when asked not to; the pipeline then aggregates (see reshape.ts).
  const body = res.body;
  try {
    const sse = await openSse(body);
    const early = firstEventError(prepared.upstreamProtocol, sse.first);
    sse.first = undefined; // checked; not kept for the stream's whole life
    if (early) {
      sse.close();
      throw new GatewayError(early.kind, early.message, { ...early.info, provider: provider.id });
    }
    return { kind: 'sse', status: res.statusCode, sse };
  } catch (e) {
    body.destroy();
    throw retryableBeforeCommit(transportError(e, provider.id, provider.timeouts));
  }
}

/** Nothing reached the client yet, so even an idle timeout (headers, then silence) may try elsewhere. */
function retryableBeforeCommit(err: GatewayError): GatewayError {
  return err.kind === 'timeout' && err.info.retryable === false ? new GatewayError('timeout', err.message, { ...err.info, retryable: true }) : err;
}

/** Like undici's text(): a UTF-8 byte order mark is not part of the body's text. */
function withoutBom(b: Buffer): Buffer {
  return b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? b.subarray(3) : b;
}
