/** POST /v1/embeddings: OpenAI-shape embeddings served by OpenAI-family providers (pass-through) or Gemini. */
import type Koa from 'koa';
import { GatewayError } from '../../core/errors';
import type { ProtocolId, Usage } from '../../core/model';
import { runDirectCall, type DirectResult } from '../../pipeline/direct-call';
import { buildEmbeddingsCall, embeddingsNotSupported, parseEmbeddingsRequest } from '../../embeddings/request';
import { encodeEmbeddingsAnswer } from '../../embeddings/response';
import type { Principal, UsageRecord } from '../../policy/types';
import { readJsonBody } from '../body';
import type { ServerContext } from '../context';
import { inboundOf } from './chat';

/** Handles an embeddings request: validate, admit, route with failover, convert, account. */
export function embeddingsHandler(sc: ServerContext): Koa.Middleware {
  return async (ctx) => {
    ctx.state.protocol = 'openai-chat';
    const principal = ctx.state.principal as Principal | undefined;
    const requestId = ctx.state.requestId as string;
    const body = await readJsonBody(ctx.req, sc.config().server.bodyLimit);
    const req = parseEmbeddingsRequest(body);
    const admission = sc.access.admit(principal, { endpoint: 'embeddings', model: req.model, requestId });
    const started = sc.clock.now();
    const abort = new AbortController();
    ctx.res.once('close', () => { if (!ctx.res.writableFinished) abort.abort(); });
    const protocolOf = new Map<string, ProtocolId>();
    let result: DirectResult | undefined;
    let usage: Usage | undefined;
    let status = 200;
    let errorCode: string | undefined;
    sc.trackInflight(+1);
    try {
      result = await runDirectCall(sc.pipeline(), {
        model: req.model, inbound: inboundOf(ctx), signal: abort.signal,
        build: (provider, model) => {
          const call = buildEmbeddingsCall(provider, model, req, body);
          if (call) protocolOf.set(provider.id, call.protocol);
          return call;
        },
        unsupported: () => embeddingsNotSupported(req.model),
      });
      const { committed, routed } = result;
      if (committed.kind !== 'json') throw new GatewayError('upstream', `${routed.providerId} answered an embeddings request with a stream`, { code: 'bad_upstream_response' });
      const answer = encodeEmbeddingsAnswer(protocolOf.get(routed.providerId) ?? 'openai-chat', committed.text, req, routed.upstreamModel);
      usage = answer.usage;
      status = committed.status;
      ctx.set({
        ...admission.headers,
        'x-mapped-model': routed.upstreamModel, 'x-switchboard-provider': routed.providerId, 'x-switchboard-key': routed.keyLabel, 'x-request-id': requestId,
      });
      ctx.status = committed.status;
      ctx.type = 'application/json';
      ctx.body = answer.body;
    } catch (e) {
      const err = GatewayError.is(e) ? e : undefined;
      status = err?.status ?? 500;
      errorCode = err?.code ?? err?.kind ?? 'internal';
      throw e;
    } finally {
      sc.trackInflight(-1);
      admission.settle(usage ? { inputTokens: usage.inputTokens, outputTokens: 0, model: req.model } : undefined);
      const record: UsageRecord = {
        time: started, requestId, endpoint: 'embeddings', protocol: 'openai-chat', keyId: principal?.keyId, keyName: principal?.keyName,
        model: req.model, mappedModel: result?.routed.upstreamModel, provider: result?.routed.providerId, upstreamKey: result?.routed.keyLabel,
        status, errorCode, inputTokens: usage?.inputTokens ?? 0, outputTokens: 0, cachedTokens: 0,
        latencyMs: sc.clock.now() - started, stream: false,
      };
      sc.record(record);
    }
  };
}
