/** Codex CLI setup: a custom `[model_providers.switchboard]` on the Responses wire API, keyed by an env variable. */
import { PROVIDER_ID, type SetupInput } from './types';
import { shellQuote, tomlString, v1Url } from './urls';

/** The env variable Codex reads the gateway key from (`env_key`). */
export const CODEX_ENV_KEY = 'SWITCHBOARD_API_KEY';

/** The pieces of a Codex setup; the config writer places them in separate marked blocks. */
export interface CodexSetup {
  /** Root-level keys (`model_provider`, `model`): must precede every table in config.toml. */
  rootToml: string;
  /** The `[model_providers.switchboard]` table. */
  providerToml: string;
  /** `export SWITCHBOARD_API_KEY='…'`. */
  exportLine: string;
  envKey: string;
  /** Everything, as copied to the clipboard. */
  text: string;
}

/** Builds the Codex config.toml fragment and the key export. */
export function codexSetup(input: SetupInput): CodexSetup {
  const rootToml = [
    `model_provider = ${tomlString(PROVIDER_ID)}`,
    `model = ${tomlString(input.model)}`,
  ].join('\n');
  const lines = [
    `[model_providers.${PROVIDER_ID}]`,
    `name = "Switchboard"`,
    // Codex appends /responses to base_url; "chat" was removed from Codex, so responses is the only wire API.
    `base_url = ${tomlString(v1Url(input.baseUrl))}`,
    `wire_api = "responses"`,
    `env_key = ${tomlString(CODEX_ENV_KEY)}`,
    // The gateway speaks SSE only; without this Codex may try a WebSocket upgrade first.
    `supports_websockets = false`,
  ];
  const providerToml = lines.join('\n');
  const exportLine = `export ${CODEX_ENV_KEY}=${shellQuote(input.key)}`;
  const text = [
    '# ~/.codex/config.toml (or $CODEX_HOME/config.toml): root keys go above any [table]',
    rootToml,
    '',
    providerToml,
    '',
    '# In the shell that runs codex (e.g. ~/.bashrc or ~/.zshrc):',
    `# ${exportLine}`,
  ].join('\n') + '\n';
  return { rootToml, providerToml, exportLine, envKey: CODEX_ENV_KEY, text };
}
