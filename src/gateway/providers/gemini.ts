/** Google Gemini API (generateContent). */
import type { ProviderSpec } from './types';

export const geminiSpec: ProviderSpec = {
  type: 'gemini',
  label: 'Google Gemini',
  protocol: 'gemini',
  defaultBaseUrl: 'https://generativelanguage.googleapis.com/v1beta',
  auth: 'x-goog-api-key',
  quirks: [],
  modelsPath: '/models',
};
