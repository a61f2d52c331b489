/** The built-in provider types: the only list of them. Adding a provider type = one file + one line here. */
import type { ProviderSpec, ProviderType } from './types';
import { openaiSpec } from './openai';
import { openaiCompatibleSpec } from './openai-compatible';
import { openaiResponsesSpec } from './openai-responses';
import { anthropicSpec } from './anthropic';
import { geminiSpec } from './gemini';

/** Provider type → declaration. */
export const providerSpecs: Readonly<Record<ProviderType, ProviderSpec>> = {
  openai: openaiSpec,
  'openai-compatible': openaiCompatibleSpec,
  'openai-responses': openaiResponsesSpec,
  anthropic: anthropicSpec,
  gemini: geminiSpec,
};

/** All provider type names, for validation and UIs. */
export const PROVIDER_TYPES = Object.keys(providerSpecs) as ProviderType[];
