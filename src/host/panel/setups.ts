/** Client setup texts for the panel: with a placeholder key in the state, with the real key only on the clipboard. */
import type { ModelMapping } from '../../gateway/config';
import { buildSetups } from '../../shared/client-setups';
import type { SetupClient, SetupSnippet } from '../../shared/webview-protocol';
import type { ProviderSetting } from '../config-mapping';

/** Stands in for the gateway key in every setup the webview sees; Copy puts the real key in its place. */
export const KEY_PLACEHOLDER = '<your-gateway-key>';

/** Commands (src/host/client-commands.ts) that copy a client's setup; they take `{ keyId?, model? }`. */
export const COPY_COMMANDS: Readonly<Record<SetupClient, string>> = {
  codex: 'switchboard.copyCodexSetup',
  'claude-code': 'switchboard.copyClaudeCodeSetup',
  'kilo-code': 'switchboard.copyKiloCodeSetup',
};

/** Commands (src/host/client-commands.ts) that write a client's config file, per client. */
export const CONFIGURE_COMMANDS: Readonly<Record<SetupClient, string>> = {
  codex: 'switchboard.configureCodex',
  'claude-code': 'switchboard.configureClaudeCode',
  'kilo-code': 'switchboard.configureKiloCode',
};

const isGlob = (s: string): boolean => /[*?[\]{}]/.test(s);

/** The model a setup names when the user picked none: the first exact mapping alias, else the first configured model. */
export function defaultSetupModel(mappings: readonly ModelMapping[], providers: readonly ProviderSetting[]): string {
  const alias = mappings.find((m) => !isGlob(m.from));
  if (alias) return alias.from;
  for (const p of providers) {
    const m = p.models?.[0];
    if (m !== undefined) return `${p.id}/${typeof m === 'string' ? m : m.id}`;
  }
  return 'gpt-4o';
}

/** The setups shown in the panel (no secret: the key is {@link KEY_PLACEHOLDER}). */
export function panelSetups(baseUrl: string, model: string): SetupSnippet[] {
  return buildSetups({ baseUrl, key: KEY_PLACEHOLDER, model }).map((s) => ({ client: s.client, title: s.title, text: s.text }));
}

/** The text Copy puts on the clipboard for one client. */
export function setupText(client: SetupClient, input: { baseUrl: string; key: string; model: string }): { title: string; text: string } {
  const s = buildSetups(input).find((x) => x.client === client);
  if (!s) throw new Error(`no setup for ${client}`);
  return { title: s.title, text: s.text };
}
