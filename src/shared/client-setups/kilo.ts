/** Kilo Code setup: the legacy "OpenAI Compatible" panel fields and the newer kilo.jsonc provider block. */
import { PROVIDER_ID, type SetupInput } from './types';
import { v1Url } from './urls';

/** One model entry in kilo.jsonc (opencode schema). */
export interface KiloModelEntry { name: string; limit?: { context: number; output: number } }

/** The kilo.jsonc `provider.switchboard` value. */
export interface KiloProviderBlock {
  npm: '@ai-sdk/openai-compatible';
  name: string;
  options: { baseURL: string; apiKey: string };
  models: Record<string, KiloModelEntry>;
}

/** The pieces of a Kilo Code setup. */
export interface KiloSetup {
  /** Field label → value, as typed into the legacy panel. */
  fields: Array<[string, string]>;
  /** `provider.switchboard` of kilo.jsonc. */
  provider: KiloProviderBlock;
  /** `switchboard/<model>` for kilo.jsonc `model`. */
  modelRef: string;
  /** `{ provider, model }` as JSON text. */
  jsonc: string;
  /** Everything, as copied to the clipboard. */
  text: string;
}

/** Builds both Kilo Code setups. */
export function kiloSetup(input: SetupInput): KiloSetup {
  const base = v1Url(input.baseUrl);
  const fields: Array<[string, string]> = [
    ['API Provider', 'OpenAI Compatible'],
    ['Base URL', base],
    ['API Key', input.key],
    ['Model', input.model],
  ];
  if (input.contextWindow) fields.push(['Context Window', String(input.contextWindow)]);
  if (input.maxOutputTokens) fields.push(['Max Output Tokens', String(input.maxOutputTokens)]);
  const entry: KiloModelEntry = { name: input.model };
  // opencode's limit needs both numbers; fall back to a conservative output cap when only the window is known.
  if (input.contextWindow) entry.limit = { context: input.contextWindow, output: input.maxOutputTokens ?? Math.min(8192, input.contextWindow) };
  const provider: KiloProviderBlock = {
    npm: '@ai-sdk/openai-compatible',
    name: 'Switchboard',
    options: { baseURL: base, apiKey: input.key },
    models: { [input.model]: entry },
  };
  const modelRef = `${PROVIDER_ID}/${input.model}`;
  const jsonc = JSON.stringify({ provider: { [PROVIDER_ID]: provider }, model: modelRef }, null, 2);
  const text = [
    'Kilo Code (settings panel) → API Provider "OpenAI Compatible":',
    ...fields.slice(1).map(([k, v]) => `  ${k}: ${v}`),
    '',
    'Kilo Code (newer extension and CLI) → ~/.config/kilo/kilo.jsonc:',
    jsonc,
  ].join('\n') + '\n';
  return { fields, provider, modelRef, jsonc, text };
}
