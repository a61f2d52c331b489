/** Builds the upstream request body for one target, once per (provider, model), reused across keys. */
import type { ChatRequest, ProtocolId } from '../core/model';
import type { InboundContext } from '../protocols/types';
import { protocols } from '../protocols';
import type { ProviderRuntime } from '../providers/runtime';
import { speaks } from '../providers/runtime';
import type { Quirk, QuirkContext } from '../providers/types';
import type { Capture } from '../inspector/inspector';
import { topLevelMembers, type Span } from './json-scan';

/** A ready upstream call. */
export interface PreparedCall {
  /** The target it was prepared for. */
  providerId: string;
  model: string;
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
  /**
   * The exact JSON text `body` was parsed from, when the server has it and `body` is unchanged since: the identity
   * path then sends the caller's own text with only `model` replaced instead of re-serializing `body`.
   */
  text?: string;
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
    providerId: provider.id, model, upstreamProtocol, identity: false, path: call.path, body: JSON.stringify(body), stream: call.stream,
    stripUsageChunk: false, headers: { ...call.headers }, streamQuirks: provider.quirks.filter((q) => q.stream || q.response),
  };
}

function prepareIdentity(caller: CallerRequest, provider: ProviderRuntime, model: string, rewrite?: BodyRewriter): PreparedCall {
  const stream = caller.canonical.stream;
  // Usage accounting needs stream usage from OpenAI upstreams; ask for it, and hide it if the caller did not.
  const stripUsageChunk = caller.protocol === 'openai-chat' && stream && !caller.canonical.includeUsage;
  let body: Record<string, unknown> | undefined;
  let text: string | undefined;
  if (rewrite && !caller.raw) {
    body = identityBody(caller, model, stripUsageChunk);
    const rewritten = rewrite(body, provider.id, model);
    if (rewritten !== body) text = JSON.stringify(rewritten);
  }
  if (text === undefined && caller.text !== undefined) text = splice(caller, model, stripUsageChunk);
  if (text === undefined) text = JSON.stringify(body ?? identityBody(caller, model, stripUsageChunk));
  return {
    providerId: provider.id, model, upstreamProtocol: caller.protocol, identity: true, path: identityPath(caller.protocol, model, stream),
    body: text, stream, stripUsageChunk, headers: {}, streamQuirks: [],
  };
}

/** The caller's body with `model` (Gemini has it in the path) and, when asked, stream usage set. */
function identityBody(caller: CallerRequest, model: string, askUsage: boolean): Record<string, unknown> {
  let body: Record<string, unknown> = caller.protocol === 'gemini' ? caller.body : { ...caller.body, model };
  if (askUsage) body = { ...body, stream_options: { ...streamOptionsOf(caller.body), include_usage: true } };
  return body;
}

const streamOptionsOf = (body: Record<string, unknown>): object =>
  (typeof body.stream_options === 'object' && body.stream_options !== null ? body.stream_options : {});

const MODEL_ONLY = ['model'];
const MODEL_AND_STREAM_OPTIONS = ['model', 'stream_options'];

/**
 * `identityBody` as text, made by editing the caller's own text: the members and values `JSON.stringify` would
 * write, in the caller's spelling (spacing, escapes, numbers). Undefined when the text cannot be edited safely
 * (see json-scan.ts); the body is then serialized.
 */
function splice(caller: CallerRequest, model: string, streamOptions: boolean): string | undefined {
  const text = caller.text!;
  const top = topLevelMembers(text, streamOptions ? MODEL_AND_STREAM_OPTIONS : MODEL_ONLY);
  // A body given a member after parsing (e.g. default instructions) no longer matches its text.
  if (!top || top.count !== memberCount(caller.body)) return undefined;
  if (caller.protocol === 'gemini') return text;
  const [modelAt, optionsAt] = top.found;
  if (!modelAt) return undefined; // every codec requires `model`, so not worth a case of its own
  const modelValue = caller.body.model === model ? undefined : JSON.stringify(model);
  if (!streamOptions) return modelValue === undefined ? text : replace(text, modelAt, modelValue);
  const options = JSON.stringify({ ...streamOptionsOf(caller.body), include_usage: true });
  if (optionsAt) {
    if (modelValue === undefined) return replace(text, optionsAt, options);
    return modelAt.start < optionsAt.start
      ? replace(replace(text, optionsAt, options), modelAt, modelValue)
      : replace(replace(text, modelAt, modelValue), optionsAt, options);
  }
  // A new member goes last, where object spread puts it; `model` comes before it, so its offsets still hold.
  const appended = `${text.slice(0, top.close)},"stream_options":${options}${text.slice(top.close)}`;
  return modelValue === undefined ? appended : replace(appended, modelAt, modelValue);
}

function memberCount(body: Record<string, unknown>): number {
  let n = 0;
  for (const k in body) if (Object.hasOwn(body, k)) n++;
  return n;
}

const replace = (text: string, at: Span, value: string): string => `${text.slice(0, at.start)}${value}${text.slice(at.end)}`;

/** The upstream path of each protocol's chat endpoint, relative to the base URL. */
export function identityPath(protocol: ProtocolId, model: string, stream: boolean): string {
  switch (protocol) {
    case 'openai-chat': return '/chat/completions';
    case 'openai-responses': return '/responses';
    case 'anthropic-messages': return '/messages';
    case 'gemini': return `/models/${encodeURIComponent(model)}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`;
  }
}
