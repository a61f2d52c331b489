/**
 * The usage journal's write path: each record is on disk when record() returns (a kill -9 right after loses
 * nothing), a failed write is reported once and never thrown, and the hand-written journal line is exactly what
 * JSON.stringify would write.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { UsageRecord } from '../../../src/gateway/policy/types';
import { journalLine, UsageStore } from '../../../src/gateway/usage/usage-store';
import { usageRecord } from '../policy/fixtures';
import { usageStoreFixture } from './store-fixture';

const STORE_MODULE = path.resolve('src/gateway/usage/usage-store.ts');

describe('usage/usage-store (journal writes)', () => {
  const fx = usageStoreFixture();
  const { store, journalSeqs, rec } = fx;

  it('reports a failed journal write once per run of failures and keeps the records counted', () => {
    const s = store();
    const failures: Error[] = [];
    s.on('writeFailed', (e) => failures.push(e));
    // Pull the descriptor out from under the store: every write now fails with EBADF.
    fs.closeSync((s as unknown as { fd: number }).fd);
    rec(3, s);
    assert.equal(failures.length, 1, 'one warning, not one per record');
    assert.match(failures[0]!.message, /EBADF|bad file/i);
    assert.equal(s.keyTotal('k').requests, 3, 'still counted in memory');
    (s as unknown as { fd: number | undefined }).fd = undefined; // already closed above
  });

  it('each record is in the journal when record() returns, in seq order', () => {
    const s = store();
    const seen: string[] = [];
    s.on('record', (r) => seen.push(r.requestId));
    rec(1, s);
    assert.deepEqual(journalSeqs(), [1], 'on disk before anything else runs');
    rec(2, s);
    assert.equal(seen.length, 3);
    assert.equal(s.keyTotal('k').requests, 3);
    assert.deepEqual(journalSeqs(), [1, 2, 3]);
    assert.equal(store({ readOnly: true }).keyTotal('k').requests, 3, 'a store opened next reads them all');
  });

  it('an asynchronous snapshot taken while records arrive keeps each record exactly once', async () => {
    const s = store();
    rec(3, s);
    const done = s.flushAsync();
    rec(2, s);
    await done;
    rec(1, s);
    assert.deepEqual(journalSeqs(), [4, 5, 6]);
    assert.equal(store({ readOnly: true }).keyTotal('k').requests, 6);
  });

  it('a kill -9 right after record() loses nothing recorded', function () {
    this.timeout(60_000);
    const script = path.join(path.dirname(fx.dir), 'kill.cjs');
    fs.writeFileSync(script, `const { UsageStore } = require(${JSON.stringify(STORE_MODULE)});
      const s = new UsageStore({ dataDir: ${JSON.stringify(fx.dir)}, flushDelayMs: 0 });
      const rec = (i) => s.record({ time: Date.now(), requestId: 'r' + i, endpoint: 'chat', protocol: 'openai-chat',
        keyId: 'k', model: 'm', status: 200, inputTokens: 1, outputTokens: 1, cachedTokens: 0, latencyMs: 1, stream: false });
      rec(1); rec(2); process.kill(process.pid, 'SIGKILL');`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 50_000 });
    assert.equal(r.error, undefined);
    assert.equal(r.signal, 'SIGKILL', r.stderr);
    assert.deepEqual(journalSeqs(), [1, 2]);
    assert.equal(store({ readOnly: true }).keyTotal('k').requests, 2);
  });

  it('writes usage.json with the recent log built from the journal text: the same JSON as stringifying the state', () => {
    const s = store({ recentLimit: 3 });
    const names = ['plain', 'quote " and \\ backslash', 'emoji 😀 \u2028', 'control \u0001', 'last'];
    for (const n of names) s.record(usageRecord({ keyId: 'k', keyName: n, time: fx.clock.t, requestId: n }));
    s.flush();
    const text = fs.readFileSync(path.join(fx.dir, 'usage.json'), 'utf8');
    const saved = JSON.parse(text) as { seq: number; recent: UsageRecord[]; keys: Record<string, unknown> };
    assert.equal(saved.seq, 5);
    assert.deepEqual(saved.recent.map((r) => r.keyName), names.slice(-3), 'only the last recentLimit records, in order');
    assert.deepEqual(saved.recent, s.recent(3).reverse(), 'each record exactly as recorded');
    assert.ok(saved.keys.k);
    const reopened = store({ readOnly: true });
    assert.equal(reopened.keyTotal('k').requests, 5);
    assert.deepEqual(reopened.recent(3), s.recent(3));
  });

  describe('journalLine', () => {
    const full: UsageRecord = {
      time: 1_750_000_000_123, requestId: 'req_1', endpoint: 'chat', protocol: 'openai-chat', keyId: 'k1', keyName: 'laptop',
      model: 'gpt-4o', mappedModel: 'gpt-4o-2024-08-06', provider: 'openai', upstreamKey: 'main', status: 429,
      errorCode: 'rate_limit_rpm', inputTokens: 1234, outputTokens: 56, cachedTokens: 7, latencyMs: 812.5, ttftMs: 143,
      stream: true,
    };

    it('is the text of JSON.stringify({ seq, r }) plus a newline', () => {
      assert.equal(journalLine(42, full), JSON.stringify({ seq: 42, r: full }) + '\n');
      const bare: UsageRecord = { time: 1, requestId: 'r', endpoint: 'models', protocol: 'p', model: '', status: 200,
        inputTokens: 0, outputTokens: 0, cachedTokens: 0, latencyMs: 0, stream: false };
      assert.equal(journalLine(1, bare), JSON.stringify({ seq: 1, r: bare }) + '\n');
      // Fields present but undefined (as the server builds records) are left out, as JSON.stringify does.
      const holes = { ...bare, keyId: undefined, keyName: undefined, mappedModel: undefined, provider: undefined,
        upstreamKey: undefined, errorCode: undefined, ttftMs: undefined };
      assert.equal(journalLine(2, holes), JSON.stringify({ seq: 2, r: holes }) + '\n');
    });

    it('escapes every string JSON.stringify escapes', () => {
      const nasty = ['a"b', 'back\\slash', 'tab\there', 'nl\nx', '\u0000\u001f\u007f', 'lone \ud800 surrogate', 'tail \udfff',
        '😀 emoji', '\u2028\u2029', 'ünïcödé', '</script>', ''];
      for (const v of nasty) {
        const r = { ...full, requestId: v, model: v, keyName: v, errorCode: v };
        assert.equal(journalLine(7, r), JSON.stringify({ seq: 7, r }) + '\n', JSON.stringify(v));
      }
    });

    it('writes numbers as JSON.stringify does, non-finite ones as null', () => {
      for (const n of [0, -0, -1, 1.5, 1e21, 1e-7, 2 ** 53 + 2, Number.MAX_VALUE, NaN, Infinity, -Infinity]) {
        const r = { ...full, latencyMs: n, ttftMs: n };
        assert.equal(journalLine(1, r), JSON.stringify({ seq: 1, r }) + '\n', String(n));
      }
    });

    it('replays lines written by JSON.stringify (older versions) and by journalLine alike', () => {
      fs.mkdirSync(fx.dir, { recursive: true });
      const a = { ...full, time: fx.clock.t, keyId: 'k' };
      fs.writeFileSync(path.join(fx.dir, 'usage.log'), JSON.stringify({ seq: 1, r: a }) + '\n' + journalLine(2, a));
      const s = store({ readOnly: true });
      assert.equal(s.keyTotal('k').requests, 2);
      assert.deepEqual(s.recent(1)[0], a);
    });
  });
});
