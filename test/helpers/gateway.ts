/** Starts a real gateway (Koa on real loopback sockets, port 0) for integration tests. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createGateway, type Gateway } from '../../src/gateway';
import { validateConfig } from '../../src/gateway/config-validate';
import type { GatewayConfigInput } from '../../src/gateway/config';
import type { Logger } from '../../src/gateway/ports';

/** A gateway under test with one gateway key. */
export interface TestGateway {
  gateway: Gateway;
  /** e.g. http://127.0.0.1:12345 */
  url: string;
  /** A valid gateway key (plaintext). */
  key: string;
  dataDir: string;
  /** Every log line written, for redaction checks. */
  logs: string[];
  close(): Promise<void>;
}

/** A logger that keeps every line. */
export function memoryLogger(lines: string[]): Logger {
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => { lines.push(`${level} ${message} ${fields ? JSON.stringify(fields) : ''}`); };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** Starts a gateway from `input` (port forced to 0) with a fresh data folder and a default key. */
export async function startGateway(input: GatewayConfigInput, opts: { keepAliveMs?: number; dataDir?: string } = {}): Promise<TestGateway> {
  const { config, errors } = validateConfig({ ...input, logLevel: input.logLevel ?? 'debug', server: { port: 0, ...input.server } });
  if (!config) throw new Error(`bad test config: ${errors.join('; ')}`);
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'sb-test-'));
  const logs: string[] = [];
  const gateway = createGateway({ config, dataDir, logger: memoryLogger(logs), keepAliveMs: opts.keepAliveMs });
  const key = gateway.keys.create({ name: 'test' }).key;
  await gateway.start();
  return {
    gateway, url: gateway.baseUrl, key, dataDir, logs,
    close: async () => { await gateway.stop(100); },
  };
}

/** Collects an async iterable into an array. */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
