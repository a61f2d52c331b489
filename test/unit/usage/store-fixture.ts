/** The usage-store test fixture: a fresh data folder and fake clock per test, and every store opened closed after it. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageStore, type UsageStoreOptions } from '../../../src/gateway/usage/usage-store';
import { cleanupTempDirs, FakeClock, tempDataDir, usageRecord } from '../policy/fixtures';

/** Registers beforeEach/afterEach hooks in the calling `describe`; read `dir` and `clock` inside tests only. */
export function usageStoreFixture() {
  const open: UsageStore[] = [];
  const f = {
    dir: '',
    clock: new FakeClock(),
    /** A store on this test's folder (no timed rewrites unless `flushDelayMs` is given). */
    store(extra: Partial<UsageStoreOptions> = {}): UsageStore {
      const s = new UsageStore({ dataDir: f.dir, clock: f.clock, flushDelayMs: 0, ...extra });
      open.push(s);
      return s;
    },
    /** The sequence numbers in usage.log, in file order. */
    journalSeqs: (): number[] => fs.readFileSync(path.join(f.dir, 'usage.log'), 'utf8').split('\n').filter(Boolean)
      .map((l) => (JSON.parse(l) as { seq: number }).seq),
    /** Records `n` requests of key `k` at the clock's time. */
    rec(n: number, s: UsageStore): void { for (let i = 0; i < n; i++) s.record(usageRecord({ keyId: 'k', time: f.clock.t })); },
  };
  beforeEach(() => { f.dir = tempDataDir(); f.clock = new FakeClock(); });
  afterEach(() => {
    for (const s of open.splice(0)) { try { s.close(); } catch { /* already closed */ } }
    cleanupTempDirs();
  });
  return f;
}
