/** POST /v1/embeddings: OpenAI-shape embeddings served by OpenAI-family providers (pass-through) or Gemini. */
import { GatewayError } from '../../core/errors';
import type { ProtocolId } from '../../core/model';
import { runDirectCall, type DirectResult } from '../../pipeline/direct-call';
import { buildEmbeddingsCall, embeddingsNotSupported, parseEmbeddingsRequest } from '../../embeddings/request';
import { encodeEmbeddingsAnswer } from '../../embeddings/response';
import { readJsonBody } from '../body';
import type { ServerContext } from '../context';
import { inboundOf } from '../exchange';
import { serveModelRequest } from '../serve';
import type { ModelHandler } from './chat';

/** Handles an embeddings request: validate, admit, route with failover, convert, account. */
export function embeddingsHandler(sc: ServerContext): ModelHandler {
  return async (ex) => {
    ex.protocol = 'openai-chat';
    const body = await readJsonBody(ex.req, sc.config().server.bodyLimit);
    const req = parseEmbeddingsRequest(body);
    await serveModelRequest(sc, ex, {
      endpoint: 'embeddings', protocol: 'openai-chat', model: req.model, stream: false,
      run: async (signal, allow) => {
        const protocolOf = new Map<string, ProtocolId>();
        const { committed, routed }: DirectResult = await runDirectCall(sc.pipeline(), {
          model: req.model, inbound: inboundOf(ex), signal, allow,
          build: (provider, model) => {
            const call = buildEmbeddingsCall(provider, model, req, body);
            if (call) protocolOf.set(provider.id, call.protocol);
            return call;
          },
          unsupported: () => embeddingsNotSupported(req.model),
        });
        if (committed.kind !== 'json') throw new GatewayError('upstream', `${routed.providerId} answered an embeddings request with a stream`, { code: 'bad_upstream_response' });
        const answer = encodeEmbeddingsAnswer(protocolOf.get(routed.providerId) ?? 'openai-chat', committed.text, req, routed.upstreamModel);
        return { kind: 'json', status: committed.status, body: answer.body, contentType: 'application/json', routed, usage: answer.usage };
      },
    });
  };
}
