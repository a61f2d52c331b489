/** Where each agent keeps its config file. Paths come from an env object so tests can point HOME at a temp dir. */
import os from 'node:os';
import path from 'node:path';

/** The env variables that decide config locations. */
export interface ConfigEnv { HOME?: string; CODEX_HOME?: string; XDG_CONFIG_HOME?: string }

/** Agents whose config files Switchboard can write. */
export type ConfigClient = 'codex' | 'claude-code' | 'kilo-code';

function home(env: ConfigEnv): string {
  return env.HOME && env.HOME.trim() !== '' ? env.HOME : os.homedir();
}

/** `$CODEX_HOME/config.toml`, else `~/.codex/config.toml`; `~/.claude/settings.json`; `$XDG_CONFIG_HOME/kilo/kilo.jsonc`. */
export function configPath(client: ConfigClient, env: ConfigEnv = process.env): string {
  switch (client) {
    case 'codex':
      return path.join(env.CODEX_HOME && env.CODEX_HOME.trim() !== '' ? env.CODEX_HOME : path.join(home(env), '.codex'), 'config.toml');
    case 'claude-code':
      return path.join(home(env), '.claude', 'settings.json');
    case 'kilo-code':
      return path.join(env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.trim() !== '' ? env.XDG_CONFIG_HOME : path.join(home(env), '.config'), 'kilo', 'kilo.jsonc');
  }
}

/** The backup manifest kept next to a config file. */
export function backupPath(file: string): string {
  return `${file}.switchboard-backup.json`;
}
