/** Servers that speak Chat Completions with their own quirks: DeepSeek, OpenRouter, Ollama, LM Studio, vLLM… */
import type { ProviderSpec } from './types';
import { stripClaudeAttribution } from './quirks/strip-claude-attribution';
import { developerToSystem } from './quirks/developer-to-system';
import { textToolCallsQuirk } from './quirks/text-tool-calls-quirk';

export const openaiCompatibleSpec: ProviderSpec = {
  type: 'openai-compatible',
  label: 'OpenAI-compatible',
  protocol: 'openai-chat',
  defaultBaseUrl: 'http://127.0.0.1:11434/v1',
  auth: 'bearer',
  quirks: [developerToSystem, textToolCallsQuirk, stripClaudeAttribution],
  modelsPath: '/models',
};
