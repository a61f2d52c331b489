/** `switchboard serve`: loads (or builds) the config, starts the gateway, prints where it is, stops cleanly on signals. */
import fs from 'node:fs';
import { assertAuthModeAllowed } from '../gateway/policy/auth-mode';
import { validateConfig } from '../gateway/config-validate';
import type { GatewayConfigInput } from '../gateway/config';
import { createGateway } from '../gateway';
import { resolveKeys } from '../gateway/routing/key-pool';
import { consoleLogger } from './console-logger';
import { defaultConfig } from './default-config';
import { VERSION } from './version';
import path from 'node:path';
import { writeFileAtomic } from '../gateway/policy/atomic-file';

/** Headless users have no SecretStorage: the first key's plaintext is kept in a 0600 file in the data folder. */
function saveDefaultKey(dataDir: string, key: string): string {
  const file = path.join(dataDir, 'default-key.txt');
  writeFileAtomic(file, key + '\n');
  return file;
}

/** Options from the command line. */
export interface ServeOptions { configFile?: string; port?: string; host?: string; dataDir: string; logLevel?: string }

/** Runs the server until SIGINT/SIGTERM. Returns -1 (keep the process alive) or an exit code on failure. */
export async function serve(opts: ServeOptions): Promise<number> {
  const input: GatewayConfigInput = opts.configFile
    ? (JSON.parse(fs.readFileSync(opts.configFile, 'utf8')) as GatewayConfigInput)
    : await defaultConfig(process.env);
  input.server = { ...input.server };
  if (opts.port !== undefined) input.server.port = Number(opts.port);
  if (opts.host !== undefined) input.server.host = opts.host;
  if (opts.logLevel !== undefined) input.logLevel = opts.logLevel as GatewayConfigInput['logLevel'];
  const { config, errors } = validateConfig(input);
  if (!config) {
    process.stderr.write(`switchboard: invalid config${opts.configFile ? ` in ${opts.configFile}` : ''}:\n${errors.map((e) => `  ${e}`).join('\n')}\n`);
    return 1;
  }
  assertAuthModeAllowed(config.server);
  // The config does not change while the CLI runs: resolve the secrets to scrub from log lines once.
  const secrets = config.providers.flatMap((p) => resolveKeys(p.keys, process.env).map((k) => k.secret));
  const logger = consoleLogger(config.logLevel, () => secrets);
  const gateway = createGateway({ config, dataDir: opts.dataDir, logger, version: VERSION });
  try {
    await gateway.start();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    process.stderr.write(code === 'EADDRINUSE'
      ? `switchboard: port ${config.server.port} is in use; pass --port N (0 picks a free port)\n`
      : `switchboard: could not start: ${e instanceof Error ? e.message : String(e)}\n`);
    await gateway.stop(0);
    return 1;
  }
  const print = (line: string) => process.stdout.write(line + '\n');
  print(`Switchboard ${VERSION} listening on ${gateway.baseUrl}`);
  print(`  OpenAI base URL:    ${gateway.baseUrl}/v1`);
  print(`  Anthropic base URL: ${gateway.baseUrl}`);
  print(config.providers.length
    ? `  Providers: ${config.providers.map((p) => `${p.id} (${p.type})`).join(', ')}`
    : '  Providers: none found (set OPENAI_API_KEY, ANTHROPIC_API_KEY, … or pass --config FILE)');
  const fresh = config.server.authMode === 'off' ? undefined : gateway.keys.ensureDefaultKey();
  if (fresh) {
    const file = saveDefaultKey(opts.dataDir, fresh);
    print(`  Gateway key (shown once; kept for you in ${file}, readable by you only): ${fresh}`);
  }
  else print(`  Gateway keys: ${config.server.authMode === 'off' ? 'not required' : `see 'switchboard keys list' (data dir ${opts.dataDir})`}`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`received ${signal}, shutting down`);
    void gateway.stop(5000).finally(() => process.exit(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  return -1;
}
