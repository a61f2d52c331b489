/** Shared helpers for policy and usage unit tests. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { UsageRecord } from '../../../src/gateway/policy/types';

/** A clock the test moves by hand. */
export class FakeClock {
  constructor(public t: number = new Date(2025, 5, 15, 12, 0, 0).getTime()) {}
  now(): number { return this.t; }
  advance(ms: number): void { this.t += ms; }
}

const made: string[] = [];

/** A fresh temp folder (removed by `cleanupTempDirs`). The data folder itself is a not-yet-existing child. */
export function tempDataDir(): string {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-policy-'));
  made.push(base);
  return path.join(base, 'data');
}

/** Removes every folder `tempDataDir` made. */
export function cleanupTempDirs(): void {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

let n = 0;
/** A usage record with sensible defaults. */
export function usageRecord(over: Partial<UsageRecord> = {}): UsageRecord {
  return {
    time: Date.now(), requestId: `req_${++n}`, endpoint: 'chat', protocol: 'openai-chat', model: 'gpt-4o',
    status: 200, inputTokens: 10, outputTokens: 5, cachedTokens: 0, latencyMs: 100, stream: false, ...over,
  };
}

/** Every file under `dir`, recursively. */
export function allFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...allFiles(p)); else out.push(p);
  }
  return out;
}
