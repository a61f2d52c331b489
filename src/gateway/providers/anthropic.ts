/** Anthropic Messages API. */
import type { ProviderSpec } from './types';
import { toolsFromHistory } from './quirks/tools-from-history';

/** The API version sent when the caller did not send one. */
export const ANTHROPIC_VERSION = '2023-06-01';

export const anthropicSpec: ProviderSpec = {
  type: 'anthropic',
  label: 'Anthropic',
  protocol: 'anthropic-messages',
  defaultBaseUrl: 'https://api.anthropic.com/v1',
  auth: 'x-api-key',
  defaultHeaders: { 'anthropic-version': ANTHROPIC_VERSION },
  quirks: [toolsFromHistory],
  modelsPath: '/models',
};
