/** The official OpenAI API: Chat Completions and, natively, the Responses API. */
import type { ProviderSpec } from './types';
import { stripClaudeAttribution } from './quirks/strip-claude-attribution';
import { reasoningEffortOnlyForReasoningModels } from './quirks/reasoning-effort-models';
import { stripReasoningContent } from './quirks/strip-reasoning-content';

export const openaiSpec: ProviderSpec = {
  type: 'openai',
  label: 'OpenAI',
  protocol: 'openai-chat',
  alsoServes: ['openai-responses'],
  defaultBaseUrl: 'https://api.openai.com/v1',
  auth: 'bearer',
  quirks: [stripReasoningContent, stripClaudeAttribution, reasoningEffortOnlyForReasoningModels],
  modelsPath: '/models',
};
