/** Servers that speak only the OpenAI Responses API. */
import type { ProviderSpec } from './types';
import { stripClaudeAttribution } from './quirks/strip-claude-attribution';

export const openaiResponsesSpec: ProviderSpec = {
  type: 'openai-responses',
  label: 'OpenAI Responses',
  protocol: 'openai-responses',
  defaultBaseUrl: 'https://api.openai.com/v1',
  auth: 'bearer',
  quirks: [stripClaudeAttribution],
  modelsPath: '/models',
};
