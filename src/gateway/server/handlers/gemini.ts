/** POST /v1beta/models/{model}:{action}: Gemini generateContent, streamGenerateContent and countTokens. */
import type Koa from 'koa';
import { invalidRequest } from '../../core/errors';
import { parseModelAction } from '../../protocols/gemini/model-path';
import { protocols } from '../../protocols';
import { estimateInputTokens } from '../../tokens/estimate';
import { readJsonBody } from '../body';
import type { ServerContext } from '../context';
import type { Principal } from '../../policy/types';
import { chatHandler, inboundOf } from './chat';

/** Dispatches on the action after the colon. */
export function geminiHandler(sc: ServerContext): Koa.Middleware {
  const chat = chatHandler(sc, 'gemini');
  return async (ctx, next) => {
    ctx.state.protocol = 'gemini';
    const target = (ctx as unknown as { params: { target: string } }).params.target;
    const parsed = parseModelAction(target);
    if (!parsed) throw invalidRequest(`Expected /v1beta/models/{model}:{action}, got '${target}'`, 'model');
    (ctx as unknown as { params: Record<string, string> }).params = { model: parsed.model, action: parsed.action };
    if (parsed.action === 'generateContent' || parsed.action === 'streamGenerateContent') return chat(ctx, next);
    if (parsed.action === 'countTokens') {
      const body = await readJsonBody(ctx.req, sc.config().server.bodyLimit);
      const inner = (typeof body.generateContentRequest === 'object' && body.generateContentRequest !== null ? body.generateContentRequest : body) as Record<string, unknown>;
      const inbound = { ...inboundOf(ctx), params: { model: parsed.model, action: 'generateContent' } };
      const canonical = protocols.gemini.decodeRequest(inner, inbound);
      sc.access.admit(ctx.state.principal as Principal, { endpoint: 'count_tokens', model: parsed.model }).settle();
      ctx.body = { totalTokens: estimateInputTokens(canonical) };
      return;
    }
    throw invalidRequest(`Unsupported Gemini action '${parsed.action}'`, 'action', 'unsupported_action');
  };
}
