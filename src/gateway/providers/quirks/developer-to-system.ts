/** Many OpenAI-compatible servers (Ollama, vLLM, older LM Studio) reject the `developer` role; send `system`. */
import type { Quirk } from '../types';

export const developerToSystem: Quirk = {
  name: 'developer-to-system',
  scope: 'translated',
  wireBody(body) {
    if (!Array.isArray(body.messages)) return body;
    const messages = body.messages.map((m: unknown) =>
      typeof m === 'object' && m !== null && (m as { role?: unknown }).role === 'developer' ? { ...(m as object), role: 'system' } : m);
    return { ...body, messages };
  },
};
