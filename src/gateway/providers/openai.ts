/** The official OpenAI API: Chat Completions and, natively, the Responses API. */
import type { ProviderSpec } from './types';
import { stripReasoningContent } from './quirks/strip-reasoning-content';

export const openaiSpec: ProviderSpec = {
  type: 'openai',
  label: 'OpenAI',
  protocol: 'openai-chat',
  alsoServes: ['openai-responses'],
  defaultBaseUrl: 'https://api.openai.com/v1',
  auth: 'bearer',
  quirks: [stripReasoningContent],
  modelsPath: '/models',
};
