/**
 * POST /v1/completions (legacy). When the model's first target is an OpenAI or OpenAI-compatible provider, the body
 * goes to its `/completions` unchanged but for the model (every legacy feature works: batches, token prompts,
 * suffix, logprobs). Otherwise the prompt becomes one user message served by the chat pipeline in the openai-chat
 * protocol, and the chat answer is re-encoded as `text_completion` objects or chunks.
 */
import type Koa from 'koa';
import { GatewayError } from '../../core/errors';
import type { Usage } from '../../core/model';
import { isOpenAIFamily, runDirectCall } from '../../pipeline/direct-call';
import { runChat, type PipelineDeps, type Routed } from '../../pipeline/chat';
import type { Principal, UsageRecord } from '../../policy/types';
import { protocols } from '../../protocols';
import { passthroughBody, passthroughStream } from '../../protocols/openai-completions/passthrough';
import { echoPrefix, toChatBody, validateCompletionRequest } from '../../protocols/openai-completions/request';
import { encodeCompletionResponse } from '../../protocols/openai-completions/response';
import { encodeCompletionStream } from '../../protocols/openai-completions/stream';
import { usageFromJson } from '../../pipeline/usage-tap';
import type { InboundContext } from '../../protocols/types';
import { readJsonBody } from '../body';
import type { ServerContext } from '../context';
import { KEEPALIVE_COMMENT, writeSse } from '../respond';
import { inboundOf } from './chat';

type Json = Record<string, unknown>;

/** What a served request produced, in the caller's shape. */
type Served =
  | { kind: 'json'; status: number; body: string; routed: Routed; usage?: Usage }
  | { kind: 'sse'; routed: Routed; frames: AsyncGenerator<string | Buffer>; usage(): Usage | undefined; failed(): GatewayError | undefined };

/** Whether the model's first target can take `/completions` itself. */
async function servedNatively(deps: PipelineDeps, model: string): Promise<boolean> {
  let resolution = deps.resolve(model);
  if (!resolution && deps.refreshModels) { await deps.refreshModels(); resolution = deps.resolve(model); }
  const first = resolution?.targets[0];
  const provider = first ? deps.providers.get(first.providerId) : undefined;
  return provider !== undefined && isOpenAIFamily(provider);
}

async function servePassthrough(deps: PipelineDeps, body: Json, inbound: InboundContext, signal: AbortSignal): Promise<Served> {
  const stream = body.stream === true;
  const model = body.model as string;
  const { committed, routed } = await runDirectCall(deps, {
    model, inbound, signal,
    // Only OpenAI-family targets of the chain have /completions; the others are skipped (see the file comment).
    build: (p, m) => (isOpenAIFamily(p) ? { protocol: 'openai-chat', path: '/completions', body: passthroughBody(body, m), stream } : undefined),
    unsupported: () => new GatewayError('invalid_request', `No provider of '${model}' serves /completions`, { code: 'completions_not_supported', param: 'model' }),
  });
  if (committed.kind === 'json') {
    let usage: Usage | undefined;
    try { usage = usageFromJson('openai-chat', JSON.parse(committed.text) as Json); } catch { /* not JSON: passed on as-is */ }
    return { kind: 'json', status: committed.status, body: committed.text, routed, usage };
  }
  return { kind: 'sse', routed, ...passthroughStream(committed.sse, body, routed.providerId) };
}

async function serveTranslated(deps: PipelineDeps, body: Json, inbound: InboundContext, signal: AbortSignal): Promise<Served> {
  const chatBody = toChatBody(body);
  const canonical = protocols['openai-chat'].decodeRequest(chatBody, inbound);
  const outcome = await runChat(deps, { protocol: 'openai-chat', body: chatBody, inbound, canonical, raw: false }, signal);
  const prefix = echoPrefix(body);
  if (outcome.kind === 'json') {
    let chat: unknown;
    try { chat = JSON.parse(outcome.body); } catch {
      throw new GatewayError('upstream', `${outcome.routed.providerId} answered with a body that is not JSON`, { code: 'bad_upstream_response' });
    }
    return { kind: 'json', status: outcome.status, body: JSON.stringify(encodeCompletionResponse(chat, prefix)), routed: outcome.routed, usage: outcome.usage };
  }
  const encoder = encodeCompletionStream(prefix);
  const chat = outcome;
  async function* frames(): AsyncGenerator<string> {
    for await (const f of chat.frames) { const out = encoder.push(f); if (out) yield out; }
    const tail = encoder.finish();
    if (tail) yield tail;
  }
  return { kind: 'sse', routed: outcome.routed, frames: frames(), usage: outcome.usage, failed: outcome.failed };
}

/** Handles a legacy completions request: validate, admit, serve (pass-through or translated), account. */
export function completionsHandler(sc: ServerContext): Koa.Middleware {
  return async (ctx) => {
    ctx.state.protocol = 'openai-chat';
    const principal = ctx.state.principal as Principal | undefined;
    const requestId = ctx.state.requestId as string;
    const body = await readJsonBody(ctx.req, sc.config().server.bodyLimit);
    validateCompletionRequest(body);
    const model = body.model as string;
    const stream = body.stream === true;
    const maxTokens = typeof body.max_tokens === 'number' ? body.max_tokens : undefined;
    const admission = sc.access.admit(principal, { endpoint: 'completions', model, maxTokens, requestId });
    const started = sc.clock.now();
    const abort = new AbortController();
    ctx.res.once('close', () => { if (!ctx.res.writableFinished) abort.abort(); });
    let served: Served | undefined;
    let usage: Usage | undefined;
    let ttft: number | undefined;
    let status = 200;
    let errorCode: string | undefined;
    sc.trackInflight(+1);
    try {
      const deps = sc.pipeline();
      const inbound = inboundOf(ctx);
      served = (await servedNatively(deps, model))
        ? await servePassthrough(deps, body, inbound, abort.signal)
        : await serveTranslated(deps, body, inbound, abort.signal);
      const headers: Record<string, string> = {
        ...admission.headers,
        'x-mapped-model': served.routed.upstreamModel, 'x-switchboard-provider': served.routed.providerId,
        'x-switchboard-key': served.routed.keyLabel, 'x-request-id': requestId,
      };
      if (served.kind === 'json') {
        ctx.set(headers);
        ctx.status = served.status;
        ctx.type = 'application/json';
        ctx.body = served.body;
        usage = served.usage;
        status = served.status;
        return;
      }
      ctx.respond = false;
      const sse = served;
      await writeSse(ctx.res, sse.frames, {
        headers, keepAliveMs: sc.keepAliveMs, keepAliveFrame: KEEPALIVE_COMMENT,
        onFirstWrite: () => { ttft = sc.clock.now() - started; },
      });
      usage = sse.usage();
      const failed = sse.failed() ?? (abort.signal.aborted ? new GatewayError('cancelled', 'client closed the stream') : undefined);
      if (failed) { status = failed.status; errorCode = failed.code ?? failed.kind; }
    } catch (e) {
      const err = GatewayError.is(e) ? e : undefined;
      status = err?.status ?? 500;
      errorCode = err?.code ?? err?.kind ?? 'internal';
      throw e;
    } finally {
      sc.trackInflight(-1);
      admission.settle(usage ? { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, cachedTokens: usage.cachedInputTokens, model } : undefined);
      const record: UsageRecord = {
        time: started, requestId, endpoint: 'completions', protocol: 'openai-chat', keyId: principal?.keyId, keyName: principal?.keyName,
        model, mappedModel: served?.routed.upstreamModel, provider: served?.routed.providerId, upstreamKey: served?.routed.keyLabel,
        status, errorCode, inputTokens: usage?.inputTokens ?? 0, outputTokens: usage?.outputTokens ?? 0, cachedTokens: usage?.cachedInputTokens ?? 0,
        latencyMs: sc.clock.now() - started, ttftMs: ttft, stream,
      };
      sc.record(record);
    }
  };
}
