/** Builds the upstream request body for one target, once per (provider, model), reused across keys. */
import type { ChatRequest, ProtocolId } from '../core/model';
import type { InboundContext } from '../protocols/types';
import { protocols } from '../protocols';
import type { ProviderRuntime } from '../providers/runtime';
import { speaks } from '../providers/runtime';
import type { Quirk, QuirkContext } from '../providers/types';
import type { Capture } from '../inspector/inspector';

/** A ready upstream call. */
export interface PreparedCall {
  upstreamProtocol: ProtocolId;
  /** True when the caller's body goes upstream as-is (only `model` replaced) and the answer comes back byte for byte. */
  identity: boolean;
  path: string;
  body: string;
  stream: boolean;
  /** We asked an OpenAI upstream for stream usage the caller did not ask for: drop that chunk on the way back. */
  stripUsageChunk: boolean;
  headers: Record<string, string>;
  /** Quirks that observe or rewrite the decoded answer (translated path). */
  streamQuirks: Quirk[];
}

/** What the caller sent, as the pipeline sees it. */
export interface CallerRequest {
  protocol: ProtocolId;
  body: Record<string, unknown>;
  inbound: InboundContext;
  canonical: ChatRequest;
  /** Raw pass-through requested (X-Codex-Mode: raw): no quirks, no rules. */
  raw: boolean;
  /** The request inspector's capture, when it is on. */
  trace?: Capture;
}

/** Rewrites applied after translation (per-model request rules). */
export type BodyRewriter = (body: Record<string, unknown>, providerId: string, model: string) => Record<string, unknown>;

/** Prepares the call of `caller` to `provider` for `model`. */
export function prepareCall(caller: CallerRequest, provider: ProviderRuntime, model: string, rewrite?: BodyRewriter): PreparedCall {
  const upstreamProtocol = speaks(provider, caller.protocol) ? caller.protocol : provider.spec.protocol;
  const geminiJsonArray = caller.protocol === 'gemini' && caller.canonical.stream && caller.inbound.query.alt !== 'sse';
  const identity = upstreamProtocol === caller.protocol && !geminiJsonArray
    && (caller.raw || provider.quirks.every((q) => q.scope === 'translated'));
  if (identity) return prepareIdentity(caller, provider, model, rewrite);
  const ctx: QuirkContext = { providerId: provider.id, upstreamModel: model, baseUrl: provider.baseUrl };
  let req = caller.canonical;
  for (const q of provider.quirks) if (q.request) req = q.request(req, ctx);
  const call = protocols[upstreamProtocol].encodeRequest(req, model);
  let body = call.body as Record<string, unknown>;
  for (const q of provider.quirks) if (q.wireBody) body = q.wireBody(body, ctx);
  if (rewrite && !caller.raw) body = rewrite(body, provider.id, model);
  return {
    upstreamProtocol, identity: false, path: call.path, body: JSON.stringify(body), stream: call.stream,
    stripUsageChunk: false, headers: { ...call.headers }, streamQuirks: provider.quirks.filter((q) => q.stream || q.response),
  };
}

function prepareIdentity(caller: CallerRequest, provider: ProviderRuntime, model: string, rewrite?: BodyRewriter): PreparedCall {
  const stream = caller.canonical.stream;
  let body: Record<string, unknown> = caller.protocol === 'gemini' ? caller.body : { ...caller.body, model };
  let stripUsageChunk = false;
  // Usage accounting needs stream usage from OpenAI upstreams; ask for it, and hide it if the caller did not.
  if (caller.protocol === 'openai-chat' && stream && !caller.canonical.includeUsage) {
    const so = typeof body.stream_options === 'object' && body.stream_options !== null ? body.stream_options : {};
    body = { ...body, stream_options: { ...so, include_usage: true } };
    stripUsageChunk = true;
  }
  if (rewrite && !caller.raw) body = rewrite(body, provider.id, model);
  return {
    upstreamProtocol: caller.protocol, identity: true, path: identityPath(caller.protocol, model, stream),
    body: JSON.stringify(body), stream, stripUsageChunk, headers: {}, streamQuirks: [],
  };
}

/** The upstream path of each protocol's chat endpoint, relative to the base URL. */
export function identityPath(protocol: ProtocolId, model: string, stream: boolean): string {
  switch (protocol) {
    case 'openai-chat': return '/chat/completions';
    case 'openai-responses': return '/responses';
    case 'anthropic-messages': return '/messages';
    case 'gemini': return `/models/${encodeURIComponent(model)}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`;
  }
}
