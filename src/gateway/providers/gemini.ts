/** Google Gemini API (generateContent). */
import type { ProviderSpec } from './types';
import { stripClaudeAttribution } from './quirks/strip-claude-attribution';
import { geminiThoughtSignatures } from './quirks/gemini-thought-signatures';
import { stripGeminiSchema } from './quirks/strip-gemini-schema';

export const geminiSpec: ProviderSpec = {
  type: 'gemini',
  label: 'Google Gemini',
  protocol: 'gemini',
  defaultBaseUrl: 'https://generativelanguage.googleapis.com/v1beta',
  auth: 'x-goog-api-key',
  quirks: [stripGeminiSchema, geminiThoughtSignatures, stripClaudeAttribution],
  modelsPath: '/models',
};
