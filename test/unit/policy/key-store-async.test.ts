/**
 * Last-use times are written off the request path: `authenticate` only arms a timer, the write happens on the
 * thread pool, and it never overwrites a change another process made to keys.json meanwhile.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { KeyStore } from '../../../src/gateway/policy/key-store';
import { cleanupTempDirs, FakeClock, tempDataDir } from './fixtures';

describe('policy/key-store (asynchronous last-use writes)', () => {
  let dir: string;
  let clock: FakeClock;
  beforeEach(() => { dir = tempDataDir(); clock = new FakeClock(); });
  afterEach(() => cleanupTempDirs());

  const tempFiles = () => fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'));

  it('authenticate does not write; the timer writes the last-use time shortly before it is due', async () => {
    const store = new KeyStore(dir, clock);
    const { key, record } = store.create({ name: 'u' });
    clock.advance(58_500); // inside the timer's lead: it fires at once
    assert.equal(store.authenticate(key)?.lastUsedAt, clock.t);
    assert.equal(new KeyStore(dir, clock).get(record.id)?.lastUsedAt, undefined, 'nothing written synchronously');
    let seen: number | undefined;
    for (let i = 0; i < 200 && seen === undefined; i++) {
      await new Promise((r) => setTimeout(r, 10));
      seen = new KeyStore(dir, clock).get(record.id)?.lastUsedAt;
    }
    assert.equal(seen, clock.t);
    assert.equal(store.get(record.id)?.lastUsedAt, clock.t);
    assert.deepEqual(tempFiles(), []);
    store.close();
  });

  it('an asynchronous write yields to a change another process made meanwhile, and close writes the time later', async () => {
    const store = new KeyStore(dir, clock);
    const { key, record } = store.create({ name: 'u' });
    clock.advance(10);
    store.authenticate(key);
    const internal = store as unknown as { flushLastUsedAsync(): Promise<void> };
    const writing = internal.flushLastUsedAsync(); // snapshot of keys.json taken now
    const other = new KeyStore(dir, clock);
    other.create({ name: 'made-elsewhere' });
    await writing;
    const names = () => new KeyStore(dir, clock).list().map((k) => k.name).sort();
    assert.deepEqual(names(), ['made-elsewhere', 'u'], 'the concurrent change survives');
    assert.equal(new KeyStore(dir, clock).get(record.id)?.lastUsedAt, undefined, 'the stale write was dropped');
    assert.equal(store.get(record.id)?.lastUsedAt, clock.t, 'the time is still pending in memory');
    assert.deepEqual(tempFiles(), []);
    store.close();
    assert.deepEqual(names(), ['made-elsewhere', 'u']);
    assert.equal(new KeyStore(dir, clock).get(record.id)?.lastUsedAt, clock.t);
  });

  it('authenticate returns a fresh record each time: changing one does not change the next', () => {
    const store = new KeyStore(dir, clock);
    const { key } = store.create({ name: 'c', models: ['gpt-*'], rpm: 5 });
    const a = store.authenticate(key)!;
    a.rpm = 99;
    a.name = 'changed';
    const b = store.authenticate(key)!;
    assert.equal(b.rpm, 5);
    assert.equal(b.name, 'c');
    assert.deepEqual(b.models, ['gpt-*']);
    store.update(b.id, { rpm: 7 });
    assert.equal(store.authenticate(key)!.rpm, 7, 'the cached record follows updates');
    store.close();
  });
});
