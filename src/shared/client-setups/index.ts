/** Ready-to-paste client setups for the gateway (pure: used by the commands and the panel alike). */
import { claudeCodeSetup } from './claude-code';
import { codexSetup } from './codex';
import { kiloSetup } from './kilo';
import type { ClientSetup, SetupInput } from './types';

export { codexSetup, CODEX_ENV_KEY, type CodexSetup } from './codex';
export { claudeCodeSetup, type ClaudeAuthVariable, type ClaudeCodeSetup } from './claude-code';
export { kiloSetup, type KiloSetup, type KiloProviderBlock, type KiloModelEntry } from './kilo';
export { rootUrl, v1Url, shellQuote } from './urls';
export { PROVIDER_ID, type ClientId, type ClientSetup, type SetupInput } from './types';

/** Every client's setup for one gateway URL, key and model, in display order. */
export function buildSetups(input: SetupInput): ClientSetup[] {
  return [
    { client: 'codex', title: 'Codex CLI', text: codexSetup(input).text },
    { client: 'claude-code', title: 'Claude Code', text: claudeCodeSetup(input).text },
    { client: 'kilo-code', title: 'Kilo Code', text: kiloSetup(input).text },
  ];
}
