/** POST /v1beta/models/{model}:{action}: Gemini generateContent, streamGenerateContent and countTokens. */
import { invalidRequest } from '../../core/errors';
import { parseModelAction } from '../../protocols/gemini/model-path';
import { protocols } from '../../protocols';
import { allowedTargets } from '../../pipeline/resolve';
import { estimateInputTokens } from '../../tokens/estimate';
import { readJsonBody } from '../body';
import type { ServerContext } from '../context';
import { inboundOf } from '../exchange';
import { sendBody } from '../respond';
import { chatHandler, type ModelHandler } from './chat';

/** Dispatches on the action after the colon; `ex.params.target` is the last path segment. */
export function geminiHandler(sc: ServerContext): ModelHandler {
  const chat = chatHandler(sc, 'gemini');
  return async (ex) => {
    ex.protocol = 'gemini';
    const target = ex.params.target ?? '';
    const parsed = parseModelAction(target);
    if (!parsed) throw invalidRequest(`Expected /v1beta/models/{model}:{action}, got '${target}'`, 'model');
    ex.params = { model: parsed.model, action: parsed.action };
    if (parsed.action === 'generateContent' || parsed.action === 'streamGenerateContent') return chat(ex);
    if (parsed.action === 'countTokens') {
      const body = await readJsonBody(ex.req, sc.config().server.bodyLimit);
      const inner = (typeof body.generateContentRequest === 'object' && body.generateContentRequest !== null ? body.generateContentRequest : body) as Record<string, unknown>;
      const inbound = { ...inboundOf(ex), params: { model: parsed.model, action: 'generateContent' } };
      const canonical = protocols.gemini.decodeRequest(inner, inbound);
      sc.access.admit(ex.principal, { endpoint: 'count_tokens', model: parsed.model }).settle();
      // Only estimated here, but a model whose every target the key's deny list covers is refused as it would be.
      const allow = sc.access.targetFilter(ex.principal);
      const resolution = allow && sc.pipeline().resolve(parsed.model);
      if (resolution) allowedTargets(parsed.model, resolution.targets, allow);
      sendBody(ex.res, 200, { totalTokens: estimateInputTokens(canonical) });
      return;
    }
    throw invalidRequest(`Unsupported Gemini action '${parsed.action}'`, 'action', 'unsupported_action');
  };
}
