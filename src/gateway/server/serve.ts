/**
 * The lifecycle every model endpoint shares: admit (limits, quota reservation), count in-flight, run with an abort
 * signal tied to the client's socket, answer (JSON, or SSE frame by frame), then settle the admission and account.
 */
import { Cancellation, type CancelSignal } from '../core/cancel';
import { GatewayError } from '../core/errors';
import type { ProtocolId, Usage } from '../core/model';
import type { Capture } from '../inspector/inspector';
import type { ChatOutcome } from '../pipeline/chat';
import type { EndpointKind, Principal, TargetFilter, UsageRecord } from '../policy/types';
import { refuseDeniedTargets } from '../pipeline/resolve';
import type { ServerContext } from './context';
import type { Exchange } from './exchange';
import { ANTHROPIC_PING, KEEPALIVE_COMMENT, pumpSse, sendBody, writeSse, type SseWriteOptions } from './respond';

/** What one request is and how to run it. */
export interface ServeSpec {
  endpoint: EndpointKind;
  protocol: ProtocolId;
  model: string;
  maxTokens?: number;
  stream: boolean;
  /** The inspector's capture, when it is on. */
  trace?: Capture;
  /**
   * Called once. `allow`: the caller's target filter, to hand to the pipeline (undefined: every target is open).
   */
  run(signal: CancelSignal, allow?: TargetFilter): Promise<ChatOutcome>;
}

/** Serves `spec` on `ex`; errors propagate to the model lane (which renders them) after being accounted. */
export async function serveModelRequest(sc: ServerContext, ex: Exchange, spec: ServeSpec): Promise<void> {
  const principal = ex.principal;
  const requestId = ex.requestId;
  const res = ex.res;
  const cancel = new Cancellation();
  res.once('close', () => { if (!res.writableFinished) cancel.abort(); });
  // A key's deny list covers the targets a model maps to: refused before admission, so the request consumes nothing.
  const allow = sc.access.targetFilter(principal);
  if (allow !== undefined) refuseDeniedTargets(sc.pipeline(), spec.model, allow);
  const admission = sc.access.admit(principal, { endpoint: spec.endpoint, model: spec.model, maxTokens: spec.maxTokens, requestId });
  const started = sc.clock.now();
  let outcome: ChatOutcome | undefined;
  let usage: Usage | undefined;
  let ttft: number | undefined;
  let status = 200;
  let errorCode: string | undefined;
  // A JSON answer is written after its usage record (below): a client never holds an answer a crash could unaccount.
  let answer: Extract<ChatOutcome, { kind: 'json' }> | undefined;
  sc.trackInflight(+1);
  try {
    outcome = await spec.run(cancel, allow);
    const head = answerHeaders(admission.headers, outcome.routed, requestId);
    if (spec.trace) {
      const sent = Object.fromEntries(Object.entries(res.getHeaders()).map(([k, v]) => [k, String(v)]));
      for (let i = 0; i < head.length; i += 2) sent[head[i]!] = head[i + 1]!;
      spec.trace.response(outcome.kind === 'json' ? outcome.status : 200, sent, outcome.kind === 'json' ? outcome.body : '', outcome.kind === 'sse');
    }
    if (outcome.kind === 'json') {
      for (let i = 0; i < head.length; i += 2) res.setHeader(head[i]!, head[i + 1]!);
      status = outcome.status;
      usage = outcome.usage;
      answer = outcome;
      return;
    }
    const sse = outcome;
    const sseOptions: SseWriteOptions = {
      headers: head, keepAliveMs: sc.keepAliveMs, contentType: sse.contentType,
      keepAliveFrame: spec.protocol === 'anthropic-messages' ? ANTHROPIC_PING : KEEPALIVE_COMMENT,
      onFirstWrite: () => { ttft = sc.clock.now() - started; },
    };
    // The inspector copies frames as they pass, so a traced stream is pulled frame by frame.
    if (sse.pump && !spec.trace) await pumpSse(res, sse.pump, sseOptions);
    else await writeSse(res, spec.trace ? teeFrames(sse.frames, spec.trace) : sse.frames, sseOptions);
    usage = sse.usage();
    if (spec.trace) sc.inspector.done(requestId);
    // A client that left before the end cancelled the stream, whatever the relay made of the upstream read it broke off.
    const failed = cancel.aborted ? new GatewayError('cancelled', 'client closed the stream') : sse.failed();
    if (failed) { status = failed.status; errorCode = failed.code ?? failed.kind; }
  } catch (e) {
    const err = GatewayError.is(e) ? e : undefined;
    status = err?.status ?? 500;
    errorCode = err?.code ?? err?.kind ?? 'internal';
    throw e;
  } finally {
    sc.trackInflight(-1);
    admission.settle(usage ? { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, cachedTokens: usage.cachedInputTokens, model: spec.model } : undefined);
    const record: UsageRecord = {
      time: started, requestId, endpoint: spec.endpoint, protocol: spec.protocol, keyId: principal?.keyId, keyName: principal?.keyName,
      model: spec.model, mappedModel: outcome?.routed.upstreamModel, provider: outcome?.routed.providerId,
      upstreamKey: outcome?.routed.keyLabel, status, errorCode,
      inputTokens: usage?.inputTokens ?? 0, outputTokens: usage?.outputTokens ?? 0, cachedTokens: usage?.cachedInputTokens ?? 0,
      latencyMs: sc.clock.now() - started, ttftMs: ttft, stream: spec.stream,
    };
    sc.record(record);
    if (answer) sendBody(res, status, answer.bytes ?? answer.body, withCharset(answer.contentType));
  }
}

/**
 * The limit and routing headers of an answer, as name/value pairs: a stream's go to `writeHead` in one call, which
 * validates and serializes them once (setHeader each first would validate, store and then serialize them).
 */
function answerHeaders(limits: Readonly<Record<string, string>>, routed: ChatOutcome['routed'], requestId: string): string[] {
  const head: string[] = [];
  for (const name in limits) head.push(name, limits[name]!);
  head.push('x-mapped-model', routed.upstreamModel, 'x-switchboard-provider', routed.providerId, 'x-switchboard-key', routed.keyLabel, 'x-request-id', requestId);
  return head;
}

const typeCache = new Map<string, string>();

/** JSON and text types without a charset get `; charset=utf-8` (as Koa labels them); remembered for the few types upstreams send. */
function withCharset(type: string): string {
  let known = typeCache.get(type);
  if (known === undefined) {
    known = /charset=/i.test(type) || !/json|^text\//i.test(type) ? type : `${type}; charset=utf-8`;
    if (typeCache.size < 64) typeCache.set(type, known);
  }
  return known;
}

/** Copies every frame written to the client into the inspector's capture. */
async function* teeFrames(frames: AsyncGenerator<string | Buffer>, trace: Capture): AsyncGenerator<string | Buffer> {
  for await (const f of frames) { trace.chunk(typeof f === 'string' ? f : f.toString('utf8')); yield f; }
}
