/**
 * The official OpenAI API rejects `reasoning_effort` for models that do not reason (gpt-4o, gpt-4.1…), while
 * clients such as Claude Code send an effort on every request. Translated requests to the known non-reasoning
 * families drop it; unknown names keep it (a requestRules `remove` entry covers the rest).
 */
import type { Quirk } from '../types';

const NON_REASONING_MODELS = /^(gpt-4|gpt-3\.5|chatgpt-)/i;

export const reasoningEffortOnlyForReasoningModels: Quirk = {
  name: 'reasoning-effort-only-for-reasoning-models',
  scope: 'translated',
  wireBody(body, ctx) {
    if (!('reasoning_effort' in body) || !NON_REASONING_MODELS.test(ctx.upstreamModel)) return body;
    const { reasoning_effort: _dropped, ...rest } = body;
    return rest;
  },
};
