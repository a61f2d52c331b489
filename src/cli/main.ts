/**
 * The `switchboard` command: `serve` runs the gateway headless; `keys` and `usage` manage gateway keys and read
 * usage in the data folder. `switchboard --help` lists everything.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { validateConfig } from '../gateway/config-validate';
import { DEFAULT_PORT } from '../gateway/config';
import { serve } from './serve';
import { runKeysCommand } from './keys-command';
import { runUsageCommand } from './usage-command';
import { VERSION } from './version';

const HELP = `Switchboard ${VERSION}: a local LLM gateway.

Usage:
  switchboard serve [--config FILE] [--port N] [--host ADDR] [--data-dir DIR] [--log-level LEVEL]
  switchboard keys create|list|disable|enable|delete [options] [--data-dir DIR]
  switchboard usage [--days N] [--data-dir DIR]
  switchboard validate --config FILE
  switchboard --version | --help

Without --config, providers come from OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY/GOOGLE_API_KEY,
DEEPSEEK_API_KEY, OPENROUTER_API_KEY and a local Ollama. Default port ${DEFAULT_PORT}; data dir ~/.switchboard.`;

/** The data folder from `--data-dir`, SWITCHBOARD_DATA_DIR, or ~/.switchboard. */
export function dataDirOf(flag: string | undefined): string {
  return path.resolve(flag ?? process.env.SWITCHBOARD_DATA_DIR ?? path.join(os.homedir(), '.switchboard'));
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const out = (line: string) => process.stdout.write(line + '\n');
  const dataDirFlag = (): string | undefined => {
    const i = rest.indexOf('--data-dir');
    return i >= 0 ? rest[i + 1] : rest.find((a) => a.startsWith('--data-dir='))?.slice(11);
  };
  switch (command) {
    case undefined: case '--help': case '-h': case 'help': out(HELP); return 0;
    case '--version': case '-v': out(VERSION); return 0;
    case 'serve': {
      const { values } = parseArgs({ args: rest, options: {
        config: { type: 'string', short: 'c' }, port: { type: 'string', short: 'p' }, host: { type: 'string' },
        'data-dir': { type: 'string' }, 'log-level': { type: 'string' },
      } });
      return serve({ configFile: values.config, port: values.port, host: values.host, dataDir: dataDirOf(values['data-dir']), logLevel: values['log-level'] });
    }
    case 'keys': return runKeysCommand(rest.filter((a, i) => a !== '--data-dir' && rest[i - 1] !== '--data-dir' && !a.startsWith('--data-dir=')), { dataDir: dataDirOf(dataDirFlag()), out });
    case 'usage': return runUsageCommand(rest.filter((a, i) => a !== '--data-dir' && rest[i - 1] !== '--data-dir' && !a.startsWith('--data-dir=')), { dataDir: dataDirOf(dataDirFlag()), out });
    case 'validate': {
      const { values } = parseArgs({ args: rest, options: { config: { type: 'string', short: 'c' } } });
      if (!values.config) { out('validate needs --config FILE'); return 2; }
      const { errors } = validateConfig(JSON.parse(fs.readFileSync(values.config, 'utf8')));
      for (const e of errors) out(e);
      if (!errors.length) out('config is valid');
      return errors.length ? 1 : 0;
    }
    default: out(`Unknown command '${command}'.\n\n${HELP}`); return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => { if (code !== -1) process.exitCode = code; },
  (e: unknown) => { process.stderr.write(`switchboard: ${e instanceof Error ? e.message : String(e)}\n`); process.exitCode = 1; },
);
