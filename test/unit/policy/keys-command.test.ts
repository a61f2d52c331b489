import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { parseExpiry, runKeysCommand } from '../../../src/cli/keys-command';
import { KeyStore } from '../../../src/gateway/policy/key-store';
import { allFiles, cleanupTempDirs, FakeClock, tempDataDir } from './fixtures';

describe('cli/keys-command', () => {
  let dir: string;
  let clock: FakeClock;
  let out: string[];
  let err: string[];
  const run = (...argv: string[]) => runKeysCommand(argv, { dataDir: dir, out: (l) => out.push(l), err: (l) => err.push(l), clock });
  beforeEach(() => { dir = tempDataDir(); clock = new FakeClock(); out = []; err = []; });
  afterEach(cleanupTempDirs);

  it('create → list → disable → enable → delete round trip', async () => {
    assert.equal(await run('create', '--name', 'ci', '--models', 'claude-*, gpt-4o', '--deny-models', 'claude-opus*',
      '--rpm', '10', '--rpd', '1000', '--concurrency', '2', '--quota', '500000', '--max-tokens', '8192', '--expires', '2030-01-31'), 0);
    const key = out.map((l) => l.trim()).find((l) => /^sb-[A-Za-z0-9]{40}$/.test(l));
    assert.ok(key, 'create prints the key once');
    const store = new KeyStore(dir, clock);
    const rec = store.authenticate(key)!;
    assert.deepEqual(
      [rec.name, rec.models, rec.denyModels, rec.rpm, rec.rpd, rec.concurrency, rec.quotaTokens, rec.maxTokens],
      ['ci', ['claude-*', 'gpt-4o'], ['claude-opus*'], 10, 1000, 2, 500_000, 8192]);
    assert.equal(rec.expiresAt, new Date(2030, 1, 1).getTime(), 'a bare date lasts through that local day');

    out = [];
    assert.equal(await run('list'), 0);
    assert.match(out[0]!, /^ID\s+NAME\s+STATUS\s+KEY/);
    assert.match(out[1]!, new RegExp(`${rec.id}\\s+ci\\s+active\\s+sb-…${key.slice(-4)}`));
    assert.match(out[1]!, /rpm=10 rpd=1000 conc=2 quota=500,000 max_tokens=8192/);
    assert.ok(!out.join('\n').includes(key), 'list never prints the key');

    assert.equal(await run('disable', 'ci'), 0);
    assert.equal(new KeyStore(dir, clock).get(rec.id)?.status, 'disabled');
    out = [];
    await run('list');
    assert.match(out[1]!, /\bdisabled\b/);
    assert.equal(await run('enable', rec.id), 0);
    assert.equal(new KeyStore(dir, clock).get(rec.id)?.status, 'active');
    assert.equal(await run('delete', 'ci'), 0);
    assert.equal(new KeyStore(dir, clock).list().length, 0);
    assert.equal(await run('delete', 'ci'), 1);
    assert.match(err.at(-1)!, /No gateway key/);
  });

  it('never writes the plaintext key into the data folder', async () => {
    await run('create', '--name', 'a');
    await run('list');
    const key = out.map((l) => l.trim()).find((l) => l.startsWith('sb-') && l.length === 43)!;
    for (const f of allFiles(dir)) assert.ok(!fs.readFileSync(f, 'utf8').includes(key), f);
  });

  it('honours --data-dir and reports usage errors with exit code 2', async () => {
    const other = tempDataDir();
    assert.equal(await runKeysCommand(['create', '--name', 'x', '--data-dir', other], { dataDir: dir, out: () => {} }), 0);
    assert.equal(new KeyStore(other).list().length, 1);
    assert.equal(fs.existsSync(dir), false);

    assert.equal(await run('create'), 2);
    assert.equal(await run('create', '--name', 'y', '--rpm', 'ten'), 2);
    assert.equal(await run('create', '--name', 'y', '--expires', 'someday'), 2);
    assert.equal(await run('create', '--name', 'y', '--bogus'), 2);
    assert.equal(await run('frobnicate'), 2);
    assert.equal(await run('disable'), 2);
    assert.equal(err.length, 6);
    assert.equal(await run('create', '--name', 'dup'), 0);
    assert.equal(await run('create', '--name', 'dup'), 1, 'duplicate names are refused');
    assert.equal(await run('--help'), 0);
  });

  it('parses expiry date-times as given', () => {
    assert.equal(parseExpiry('2030-01-01T10:00:00Z'), Date.UTC(2030, 0, 1, 10));
  });
});
