/**
 * The chat pipeline: map the model, try targets with failover, and turn the committed upstream answer into the
 * caller's protocol — byte for byte on the identity path, event by event when translating.
 */
import { isUtf8 } from 'node:buffer';
import type { Dispatcher } from 'undici';
import type { CancelSignal } from '../core/cancel';
import { GatewayError } from '../core/errors';
import type { StreamEvent, Usage } from '../core/model';
import { protocols } from '../protocols';
import { pipeSteps, type StreamStep } from '../core/stream';
import { encodeGeminiJsonArrayStream } from '../protocols/gemini';
import type { SseFrame } from '../sse/types';
import type { ProviderRuntime, ProviderTimeouts } from '../providers/runtime';
import { transportError } from '../transport/upstream';
import type { Clock, Logger } from '../ports';
import { runWithFailover } from '../routing/failover';
import type { KeyPool } from '../routing/key-pool';
import type { Resolution } from '../routing/types';
import { encodeSse } from '../sse/encode';
import { attemptUpstream, type Committed } from './attempt';
import { prepareCall, type BodyRewriter, type CallerRequest, type PreparedCall } from './prepare';
import { usageFromJson, usageFromJsonBytes } from './usage-tap';
import { aggregatedOutcome, replayedOutcome } from './reshape';
import { relaySse, type FramePump } from './relay';
import { allowedTargets, modelNotFound, resolveModel } from './resolve';
import type { TargetFilter } from '../policy/types';

/** What the pipeline needs from the gateway. */
export interface PipelineDeps {
  providers: ReadonlyMap<string, ProviderRuntime>;
  resolve(model: string): Resolution | undefined;
  /** Re-reads the model lists of providers that discover theirs (once, when a model is unknown). */
  refreshModels?(): Promise<void>;
  rewrite?: BodyRewriter;
  maxAttempts: number;
  deadlineMs: number;
  clock: Clock;
  logger: Logger;
  dispatcher?: Dispatcher;
}

/** Where a request went. */
export interface Routed { providerId: string; upstreamModel: string; keyLabel: string; identity: boolean }

/**
 * The pipeline's answer, ready to write. Read its fields rather than spreading it: an identity JSON answer keeps
 * `body` as a getter (decoded from `bytes` only if read), which a spread would not copy.
 */
export type ChatOutcome =
  | {
    kind: 'json'; status: number; body: string; contentType: string; routed: Routed; usage?: Usage;
    /** `body` already encoded (the upstream's own bytes on the identity path): written as is, saving a re-encode. */
    bytes?: Buffer;
  }
  | {
    kind: 'sse'; routed: Routed; frames: AsyncGenerator<string | Buffer>; usage(): Usage | undefined; failed(): GatewayError | undefined;
    /** The identity relay's push mode (see relay.ts): the same frames without a promise per chunk. */
    pump?: FramePump;
    /** Set when the caller gets a streamed JSON array instead of SSE (Gemini without `alt=sse`). */
    contentType?: string;
  };

/**
 * Runs a chat request end to end (up to the first committed byte; the frames stream the rest). `signal` is the
 * client's cancellation: an AbortSignal, or a `Cancellation` (core/cancel.ts), which costs less per request.
 * `allow` is the caller's target filter (AccessPolicy.targetFilter): denied targets are never attempted.
 */
export async function runChat(deps: PipelineDeps, caller: CallerRequest, signal: CancelSignal, affinity?: string, allow?: TargetFilter): Promise<ChatOutcome> {
  const model = caller.canonical.model;
  const resolution = deps.resolve(model) ?? await resolveModel(deps, model);
  if (!resolution) throw modelNotFound(model);
  const targets = allow === undefined ? resolution.targets : allowedTargets(model, resolution.targets, allow);
  // Upstream bodies are built once per (provider, model) and reused across keys; one target is the common case.
  let call: PreparedCall | undefined;
  let others: Map<string, PreparedCall> | undefined;
  const result = await runWithFailover<Committed>(targets, {
    pools: (id: string): KeyPool | undefined => deps.providers.get(id)?.pool,
    maxAttempts: deps.maxAttempts,
    deadlineMs: deps.deadlineMs,
    clock: deps.clock,
    signal,
    logger: deps.logger,
    affinity,
    attempt: (target, key, attemptSignal) => {
      const provider = deps.providers.get(target.providerId);
      if (!provider) throw new GatewayError('not_found', `Unknown provider '${target.providerId}'`, { code: 'model_not_found', retryable: true });
      if (!call || call.providerId !== target.providerId || call.model !== target.upstreamModel) {
        const cacheKey = `${target.providerId}\u0000${target.upstreamModel}`;
        if (call) (others ??= new Map()).set(`${call.providerId}\u0000${call.model}`, call);
        call = others?.get(cacheKey) ?? prepareCall(caller, provider, target.upstreamModel, deps.rewrite);
      }
      return attemptUpstream(caller, call, provider, key, attemptSignal, deps.dispatcher);
    },
  });
  // The committed attempt was the last one, so `call` is the call it made.
  const { target, value: committed } = result;
  const prepared = call!;
  const route: Routed = { providerId: target.providerId, upstreamModel: target.upstreamModel, keyLabel: result.key?.label ?? 'none', identity: prepared.identity };
  const wantsStream = caller.canonical.stream;
  if (committed.kind === 'json') return wantsStream ? replayedOutcome(caller, prepared, committed, route) : jsonOutcome(caller, prepared, committed, route);
  return wantsStream ? sseOutcome(caller, prepared, committed, route, deps.logger, deps.providers.get(target.providerId)?.timeouts)
    : aggregatedOutcome(caller, prepared, committed, route);
}

function notJson(routed: Routed): GatewayError {
  return new GatewayError('upstream', `${routed.providerId} answered with a body that is not JSON`, { provider: routed.providerId, code: 'bad_upstream_response' });
}

function jsonOutcome(caller: CallerRequest, call: PreparedCall, c: Extract<Committed, { kind: 'json' }>, routed: Routed): ChatOutcome {
  if (call.identity) {
    // The bytes go to the caller as they are, so only the usage needs reading: from the top-level usage member
    // alone when the body is UTF-8 and that member is found (json-scan.ts), else by parsing the whole body. Either
    // way an answer that is not a JSON object (an HTML error page, plain text, a cut-off body) is
    // `bad_upstream_response`; one framed as an object is not validated beyond its usage, as on the SSE path.
    // Invalid UTF-8 was replaced in `text`; only bytes that decode losslessly may stand in for it.
    const utf8 = isUtf8(c.bytes);
    const read = utf8 ? usageFromJsonBytes(call.upstreamProtocol, c.bytes) : undefined;
    let usage: Usage | undefined;
    if (read) usage = read.usage;
    else {
      let parsed: unknown;
      try { parsed = JSON.parse(c.text); } catch { throw notJson(routed); }
      usage = typeof parsed === 'object' && parsed !== null ? usageFromJson(call.upstreamProtocol, parsed as Record<string, unknown>) : undefined;
    }
    const contentType = c.contentType || 'application/json';
    return utf8 ? new BytesOutcome(c, contentType, routed, usage)
      : { kind: 'json', status: c.status, body: c.text, contentType, routed, usage };
  }
  let parsed: unknown;
  try { parsed = JSON.parse(c.text); } catch { throw notJson(routed); }
  const response = protocols[call.upstreamProtocol].decodeResponse(parsed);
  for (const q of call.streamQuirks) q.response?.(response);
  const body = protocols[caller.protocol].encodeResponse(response, caller.canonical);
  return { kind: 'json', status: 200, body: JSON.stringify(body), contentType: 'application/json', routed, usage: response.usage };
}

/** An identity JSON outcome: the server writes `bytes`; `body` is decoded only if read (e.g. by the inspector). */
class BytesOutcome {
  readonly kind = 'json';
  readonly status: number;
  readonly bytes: Buffer;
  constructor(private readonly answer: Extract<Committed, { kind: 'json' }>, readonly contentType: string, readonly routed: Routed, readonly usage: Usage | undefined) {
    this.status = answer.status;
    this.bytes = answer.bytes;
  }
  get body(): string { return this.answer.text; }
}

function sseOutcome(
  caller: CallerRequest, call: PreparedCall, c: Extract<Committed, { kind: 'sse' }>, routed: Routed, logger: Logger, timeouts?: ProviderTimeouts,
): ChatOutcome {
  const inbound = protocols[caller.protocol];
  const toError = streamFailure(routed, timeouts);
  if (!call.identity) return translatedOutcome(caller, call, c, routed, logger, toError);
  // Apart from translation on purpose: the relay's closures live as long as the stream, and must not keep the
  // request (`caller`, `call`) alive with them.
  const relayed = relaySse(c.sse, {
    protocol: call.upstreamProtocol, providerId: routed.providerId, stripUsageChunk: call.stripUsageChunk, requireTerminal: true,
    toError, errorFrame: (err) => inbound.encodeError(err).frame,
    onFailure: (err) => logger.warn('upstream stream failed', { provider: routed.providerId, error: err.message }),
  });
  return { kind: 'sse', routed, ...relayed };
}

/** What a broken upstream stream is reported as. */
function streamFailure(routed: Routed, timeouts: ProviderTimeouts | undefined): (e: unknown) => GatewayError {
  return (e) => (GatewayError.is(e) ? e
    // undici's "Body Timeout Error" means the upstream went silent for idleMs: say so, with the limit.
    : (e as { code?: unknown } | null)?.code === 'UND_ERR_BODY_TIMEOUT' ? transportError(e, routed.providerId, timeouts)
    : new GatewayError('upstream', `The stream from ${routed.providerId} broke: ${e instanceof Error ? e.message : String(e)}`, { provider: routed.providerId, code: 'stream_interrupted' }));
}

/** A stream decoded from the upstream's protocol and encoded in the caller's, event by event. */
function translatedOutcome(
  caller: CallerRequest, call: PreparedCall, c: Extract<Committed, { kind: 'sse' }>, routed: Routed, logger: Logger, toError: (e: unknown) => GatewayError,
): ChatOutcome {
  let usage: Usage | undefined;
  let failure: GatewayError | undefined;
  const inbound = protocols[caller.protocol];
  const jsonArray = caller.protocol === 'gemini' && caller.inbound.query.alt !== 'sse';

  async function* translatedFrames(): AsyncGenerator<string | Buffer> {
    let decode = protocols[call.upstreamProtocol].decodeStream();
    for (const q of call.streamQuirks) { const s = q.stream?.(caller.canonical); if (s) decode = pipeSteps(decode, s); }
    const encode: StreamStep<StreamEvent, string> = jsonArray ? encodeGeminiJsonArrayStream() : mapFrames(inbound.encodeStream(caller.canonical));
    const observe = (events: StreamEvent[]): string => {
      let out = '';
      for (const ev of events) {
        if (ev.type === 'finish' && ev.usage) usage = ev.usage;
        else if ((ev.type === 'usage' || ev.type === 'start') && ev.usage) usage = { inputTokens: 0, outputTokens: 0, ...usage, ...ev.usage };
        else if (ev.type === 'error') failure = ev.error;
        for (const f of encode.step(ev)) out += f;
      }
      return out;
    };
    try {
      for await (const chunk of c.sse.chunks) {
        let out = '';
        for (const e of chunk.events) out += observe(decode.step(e));
        if (out) yield out;
      }
      let tail = observe(decode.finish());
      for (const f of encode.finish()) tail += f;
      if (tail) yield tail;
    } catch (e) {
      failure = toError(e);
      logger.warn('upstream stream failed', { provider: routed.providerId, error: failure.message });
      let tail = observe([{ type: 'error', error: failure }]);
      for (const f of encode.finish()) tail += f;
      yield tail;
    }
  }

  return {
    kind: 'sse', routed, contentType: jsonArray ? 'application/json; charset=utf-8' : undefined,
    frames: translatedFrames(),
    usage: () => usage,
    failed: () => failure,
  };
}

/** Wraps a frame encoder so it yields SSE text. */
function mapFrames(s: StreamStep<StreamEvent, SseFrame>): StreamStep<StreamEvent, string> {
  return { step: (e) => s.step(e).map(encodeSse), finish: () => s.finish().map(encodeSse) };
}
