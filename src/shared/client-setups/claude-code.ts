/** Claude Code setup: environment variables, as shell exports and as the `env` block of ~/.claude/settings.json. */
import type { SetupInput } from './types';
import { rootUrl, shellQuote } from './urls';

/** The two ways Claude Code sends a key: Bearer (`AUTH_TOKEN`) or `x-api-key` (`API_KEY`). Set exactly one. */
export type ClaudeAuthVariable = 'ANTHROPIC_AUTH_TOKEN' | 'ANTHROPIC_API_KEY';

/** The pieces of a Claude Code setup. */
export interface ClaudeCodeSetup {
  /** Ordered env entries (base URL, the one auth variable, the model variables). */
  env: Record<string, string>;
  /** The auth variable this setup uses; the other must stay unset. */
  authVariable: ClaudeAuthVariable;
  /** `export NAME='value'` lines. */
  exports: string;
  /** `{ "env": { … } }` for ~/.claude/settings.json. */
  settingsJson: string;
  /** Everything, as copied to the clipboard. */
  text: string;
}

/** Builds the Claude Code env. `authVariable` defaults to `ANTHROPIC_AUTH_TOKEN` (Bearer). */
export function claudeCodeSetup(input: SetupInput, authVariable: ClaudeAuthVariable = 'ANTHROPIC_AUTH_TOKEN'): ClaudeCodeSetup {
  const env: Record<string, string> = {
    // Claude Code appends /v1/messages itself: a /v1 here would double it.
    ANTHROPIC_BASE_URL: rootUrl(input.baseUrl),
    [authVariable]: input.key,
    ANTHROPIC_MODEL: input.model,
    ANTHROPIC_DEFAULT_OPUS_MODEL: input.model,
    ANTHROPIC_DEFAULT_SONNET_MODEL: input.model,
    ANTHROPIC_DEFAULT_HAIKU_MODEL: input.model,
  };
  const exports = Object.entries(env).map(([k, v]) => `export ${k}=${shellQuote(v)}`).join('\n');
  const settingsJson = JSON.stringify({ env }, null, 2);
  const text = [
    '# Shell (e.g. ~/.bashrc or ~/.zshrc):',
    exports,
    '',
    '# Or the "env" block of ~/.claude/settings.json:',
    settingsJson,
  ].join('\n') + '\n';
  return { env, authVariable, exports, settingsJson, text };
}
