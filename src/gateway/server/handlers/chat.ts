/** The chat route handler shared by every inbound protocol. */
import type Koa from 'koa';
import { GatewayError } from '../../core/errors';
import type { ProtocolId, Usage } from '../../core/model';
import type { EndpointKind, UsageRecord } from '../../policy/types';
import { protocols } from '../../protocols';
import type { InboundContext } from '../../protocols/types';
import { runChat, type ChatOutcome } from '../../pipeline/chat';
import { readJsonBody } from '../body';
import { ANTHROPIC_PING, KEEPALIVE_COMMENT, writeSse } from '../respond';
import type { ServerContext } from '../context';
import type { Principal } from '../../policy/types';
import type { Capture } from '../../inspector/inspector';

const RAW_MODE = (ctx: Koa.Context) => ctx.get('x-codex-mode').toLowerCase() === 'raw' || ctx.get('x-codex-raw-passthrough').toLowerCase() === 'true';

/** Picks a key that keeps one conversation on one upstream key (warm prompt caches). */
function affinityOf(ctx: Koa.Context, body: Record<string, unknown>): string | undefined {
  const header = ctx.get('session_id') || ctx.get('x-claude-code-session-id') || ctx.get('x-session-id');
  if (header) return header;
  return typeof body.prompt_cache_key === 'string' ? body.prompt_cache_key : undefined;
}

/** Copies every frame written to the client into the inspector's capture. */
async function* teeFrames(frames: AsyncGenerator<string | Buffer>, trace: Capture): AsyncGenerator<string | Buffer> {
  for await (const f of frames) { trace.chunk(typeof f === 'string' ? f : f.toString('utf8')); yield f; }
}

/** Builds the inbound context codecs read. */
export function inboundOf(ctx: Koa.Context): InboundContext {
  return { params: (ctx as unknown as { params?: Record<string, string> }).params ?? {}, headers: ctx.headers, query: ctx.query };
}

/** Handles a chat request of `protocol`: decode, admit, route, answer, account. */
export function chatHandler(sc: ServerContext, protocol: ProtocolId, endpoint: EndpointKind = 'chat'): Koa.Middleware {
  return async (ctx) => {
    ctx.state.protocol = protocol;
    const principal = ctx.state.principal as Principal | undefined;
    let body = await readJsonBody(ctx.req, sc.config().server.bodyLimit);
    const defaultInstructions = sc.config().defaultInstructions;
    if (protocol === 'openai-responses' && defaultInstructions && !body.instructions) body = { ...body, instructions: defaultInstructions };
    const inbound = inboundOf(ctx);
    const codec = protocols[protocol];
    const canonical = codec.decodeRequest(body, inbound);
    const summary = codec.summarize(body, inbound);
    const admission = sc.access.admit(principal, { endpoint, model: canonical.model, maxTokens: summary.maxTokens, requestId: ctx.state.requestId as string });
    const started = sc.clock.now();
    const abort = new AbortController();
    ctx.res.once('close', () => { if (!ctx.res.writableFinished) abort.abort(); });
    let outcome: ChatOutcome | undefined;
    let usage: Usage | undefined;
    let ttft: number | undefined;
    let status = 200;
    let errorCode: string | undefined;
    const requestId = ctx.state.requestId as string;
    const trace = sc.inspector.begin(requestId, protocol, canonical.model, ctx.method, ctx.url, ctx.headers, sc.inspector.enabled ? JSON.stringify(body) : '');
    sc.trackInflight(+1);
    try {
      outcome = await runChat(sc.pipeline(), { protocol, body, inbound, canonical, raw: RAW_MODE(ctx), trace }, abort.signal, affinityOf(ctx, body));
      const headers: Record<string, string> = {
        ...admission.headers,
        'x-mapped-model': outcome.routed.upstreamModel,
        'x-switchboard-provider': outcome.routed.providerId,
        'x-switchboard-key': outcome.routed.keyLabel,
        'x-request-id': requestId,
      };
      trace?.response(outcome.kind === 'json' ? outcome.status : 200, headers, outcome.kind === 'json' ? outcome.body : '', outcome.kind === 'sse');
      if (outcome.kind === 'json') {
        ctx.set(headers);
        ctx.status = outcome.status;
        ctx.type = outcome.contentType;
        ctx.body = outcome.body;
        usage = outcome.usage;
        status = outcome.status;
        return;
      }
      ctx.respond = false;
      const sse = outcome;
      await writeSse(ctx.res, trace ? teeFrames(sse.frames, trace) : sse.frames, {
        headers, keepAliveMs: sc.keepAliveMs, contentType: sse.contentType,
        keepAliveFrame: protocol === 'anthropic-messages' ? ANTHROPIC_PING : KEEPALIVE_COMMENT,
        onFirstWrite: () => { ttft = sc.clock.now() - started; },
      });
      usage = sse.usage();
      if (trace) sc.inspector.done(requestId);
      const failed = sse.failed() ?? (abort.signal.aborted ? new GatewayError('cancelled', 'client closed the stream') : undefined);
      if (failed) { status = failed.status; errorCode = failed.code ?? failed.kind; }
    } catch (e) {
      const err = GatewayError.is(e) ? e : undefined;
      status = err?.status ?? 500;
      errorCode = err?.code ?? err?.kind ?? 'internal';
      throw e;
    } finally {
      sc.trackInflight(-1);
      admission.settle(usage ? { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, cachedTokens: usage.cachedInputTokens, model: canonical.model } : undefined);
      const record: UsageRecord = {
        time: started, requestId, endpoint, protocol, keyId: principal?.keyId, keyName: principal?.keyName,
        model: canonical.model, mappedModel: outcome?.routed.upstreamModel, provider: outcome?.routed.providerId,
        upstreamKey: outcome?.routed.keyLabel, status, errorCode,
        inputTokens: usage?.inputTokens ?? 0, outputTokens: usage?.outputTokens ?? 0, cachedTokens: usage?.cachedInputTokens ?? 0,
        latencyMs: sc.clock.now() - started, ttftMs: ttft, stream: canonical.stream,
      };
      sc.record(record);
    }
  };
}
