/**
 * The official OpenAI API rejects `reasoning_content` on assistant messages (a DeepSeek extension that our chat
 * encoder emits so thinking models get their reasoning back). Translated requests to OpenAI drop it.
 */
import type { Quirk } from '../types';

export const stripReasoningContent: Quirk = {
  name: 'strip-reasoning-content',
  scope: 'translated',
  wireBody(body) {
    if (!Array.isArray(body.messages)) return body;
    const messages = body.messages.map((m: unknown) => {
      if (typeof m !== 'object' || m === null || !('reasoning_content' in m)) return m;
      const { reasoning_content: _dropped, ...rest } = m as Record<string, unknown>;
      return rest;
    });
    return { ...body, messages };
  },
};
