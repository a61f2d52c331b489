import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KeyStore } from '../../../src/gateway/policy/key-store';
import { allFiles, cleanupTempDirs, FakeClock, tempDataDir } from './fixtures';

describe('policy/key-store', () => {
  let dir: string;
  let clock: FakeClock;
  beforeEach(() => { dir = tempDataDir(); clock = new FakeClock(); });
  afterEach(cleanupTempDirs);

  it('creates sb- keys of 40 base62 characters and authenticates them', () => {
    const store = new KeyStore(dir, clock);
    const { key, record } = store.create({ name: 'ci', rpm: 5, models: ['claude-*'] });
    assert.match(key, /^sb-[A-Za-z0-9]{40}$/);
    assert.equal(record.hint, key.slice(-4));
    assert.equal(record.status, 'active');
    assert.equal(record.createdAt, clock.t);
    assert.deepEqual(record.models, ['claude-*']);
    assert.equal((record as unknown as Record<string, unknown>).hash, undefined, 'records never expose the hash');
    assert.equal(store.authenticate(key)?.id, record.id);
    assert.equal(store.authenticate(key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A')), undefined);
    assert.equal(store.authenticate('sb-short'), undefined);
    assert.equal(store.authenticate(''), undefined);
  });

  it('stores no plaintext key, files 0600 and folder 0700', function () {
    const store = new KeyStore(dir, clock);
    const keys = [store.create({ name: 'a' }).key, store.create({ name: 'b' }).key];
    store.authenticate(keys[0]!);
    store.close();
    for (const f of allFiles(dir)) {
      const text = fs.readFileSync(f, 'utf8');
      for (const k of keys) {
        assert.ok(!text.includes(k), `${f} contains a plaintext key`);
        assert.ok(!text.includes(k.slice(3)), `${f} contains the key body`);
      }
    }
    if (process.platform === 'win32') this.skip();
    assert.equal(fs.statSync(path.join(dir, 'keys.json')).mode & 0o777, 0o600);
    assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
  });

  it('persists across instances and rejects duplicate names', () => {
    const a = new KeyStore(dir, clock);
    const { key, record } = a.create({ name: 'persist', quotaTokens: 1000, expiresAt: clock.t + 5000 });
    const b = new KeyStore(dir, clock);
    assert.deepEqual(b.get(record.id), record);
    assert.equal(b.authenticate(key)?.name, 'persist');
    assert.throws(() => b.create({ name: 'persist' }), /already exists/);
  });

  it('update, disable, enable and delete', () => {
    const store = new KeyStore(dir, clock);
    const { key, record } = store.create({ name: 'k', rpm: 3 });
    assert.equal(store.update(record.id, { rpm: null, rpd: 9, name: 'renamed' }).rpd, 9);
    assert.equal(store.get(record.id)?.rpm, undefined);
    assert.equal(store.find('renamed')?.id, record.id);
    assert.equal(store.disable(record.id).status, 'disabled');
    assert.equal(store.authenticate(key)?.status, 'disabled', 'authenticate returns disabled keys; the policy refuses them');
    assert.equal(store.enable(record.id).status, 'active');
    assert.throws(() => store.update(record.id, { rpm: -1 }), /non-negative integer/);
    assert.throws(() => store.update('key_nope', { rpm: 1 }), /no gateway key/);
    assert.equal(store.delete(record.id), true);
    assert.equal(store.delete(record.id), false);
    assert.equal(store.authenticate(key), undefined);
  });

  it('notices keys created by another process (stat at most once per second)', () => {
    const server = new KeyStore(dir, clock);
    server.create({ name: 'first' });
    const cli = new KeyStore(dir, clock);
    const { key } = cli.create({ name: 'from-cli' });
    assert.equal(server.authenticate(key)?.name, 'from-cli', 'first authenticate stats the file');
    const { key: key2 } = cli.create({ name: 'second' });
    assert.equal(server.authenticate(key2), undefined, 'within the same second the file is not re-read');
    clock.advance(1000);
    assert.equal(server.authenticate(key2)?.name, 'second');
    cli.disable(cli.find('second')!.id);
    clock.advance(1000);
    assert.equal(server.authenticate(key2)?.status, 'disabled');
  });

  it('watched (a running gateway): other processes\' changes come from a timer, not from a stat on the request path', async function () {
    this.timeout(10_000);
    const server = new KeyStore(dir, clock);
    const stop = server.watch();
    const { key, record } = server.create({ name: 'k', rpm: 5 });
    const cli = new KeyStore(dir, clock);
    try {
      const { key: made } = cli.create({ name: 'made-by-cli' });
      assert.equal(server.lookup(made)?.name, 'made-by-cli', 'an unknown key re-reads the file at once');
      cli.update(record.id, { rpm: 1 });
      clock.advance(5000);
      assert.equal(server.lookup(key)?.rpm, 5, 'a known key does not stat the file, however much time passed');
      for (let i = 0; i < 60 && server.lookup(key)?.rpm !== 1; i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(server.lookup(key)?.rpm, 1, 'the timer noticed the change within about a second');
      cli.disable(record.id);
      for (let i = 0; i < 60 && server.lookup(key)?.status !== 'disabled'; i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(server.lookup(key)?.status, 'disabled');
    } finally {
      stop();
    }
    // Unwatched again: lookups stat the file themselves, once a second of the store's clock.
    cli.update(record.id, { rpm: 2 });
    assert.equal(server.lookup(key)?.rpm, 1);
    clock.advance(1000);
    assert.equal(server.lookup(key)?.rpm, 2);
    // A stop function called after close() must not unbalance the count: the next watch still ends.
    const stopOld = server.watch();
    server.close();
    stopOld();
    server.watch()();
    cli.update(record.id, { rpm: 3 });
    clock.advance(1000);
    assert.equal(server.lookup(key)?.rpm, 3, 'unwatched again: the lookup stats the file itself');
  });

  it('mutations re-read the file first so another process\'s change is not lost', () => {
    const a = new KeyStore(dir, clock);
    const b = new KeyStore(dir, clock);
    a.create({ name: 'one' });
    b.create({ name: 'two' });
    a.create({ name: 'three' });
    assert.deepEqual(new KeyStore(dir, clock).list().map((k) => k.name), ['one', 'two', 'three']);
  });

  it('ensureDefaultKey returns the plaintext only when it creates the key', () => {
    const store = new KeyStore(dir, clock);
    const key = store.ensureDefaultKey();
    assert.ok(key && key.startsWith('sb-'));
    assert.equal(store.authenticate(key)?.name, 'default');
    assert.equal(store.ensureDefaultKey(), undefined);
    assert.equal(new KeyStore(dir, clock).ensureDefaultKey(), undefined);
    // Deleting every key is a choice; a restart must not resurrect one.
    store.delete(store.find('default')!.id);
    assert.equal(new KeyStore(dir, clock).ensureDefaultKey(), undefined);
  });

  it('records last use and writes it back at most once a minute', () => {
    const store = new KeyStore(dir, clock);
    const { key, record } = store.create({ name: 'u' });
    clock.advance(10);
    store.authenticate(key);
    assert.equal(store.get(record.id)?.lastUsedAt, clock.t);
    assert.equal(new KeyStore(dir, clock).get(record.id)?.lastUsedAt, undefined, 'not yet written');
    clock.advance(60_000);
    store.authenticate(key);
    assert.equal(new KeyStore(dir, clock).get(record.id)?.lastUsedAt, clock.t);
  });

  it('refuses to start on a corrupt keys.json instead of silently dropping keys', () => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'keys.json'), '{ not json');
    assert.throws(() => new KeyStore(dir, clock), /keys\.json is not valid JSON/);
  });
});
