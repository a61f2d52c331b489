import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { UsageRecord } from '../../../src/gateway/policy/types';
import { pricesFromConfig } from '../../../src/gateway/usage/totals';
import { usageRecord } from '../policy/fixtures';
import { usageStoreFixture } from './store-fixture';

describe('usage/usage-store', () => {
  const fx = usageStoreFixture();
  const { store } = fx;

  it('aggregates per key × model × local day, per key and overall, and emits record', () => {
    const s = store();
    const seen: UsageRecord[] = [];
    s.on('record', (r) => seen.push(r));
    const yesterday = fx.clock.t - 86_400_000;
    s.record(usageRecord({ keyId: 'k1', keyName: 'one', model: 'a', time: fx.clock.t, inputTokens: 10, outputTokens: 1, cachedTokens: 4 }));
    s.record(usageRecord({ keyId: 'k1', model: 'a', time: fx.clock.t, status: 500, errorCode: 'upstream', inputTokens: 0, outputTokens: 0 }));
    s.record(usageRecord({ keyId: 'k1', model: 'b', time: yesterday, inputTokens: 5, outputTokens: 5 }));
    s.record(usageRecord({ model: 'a', time: fx.clock.t, inputTokens: 1, outputTokens: 1 }));
    assert.equal(seen.length, 4);

    const k1 = s.forKey('k1');
    assert.equal(k1.keyName, 'one');
    assert.deepEqual([k1.total.requests, k1.total.errors, k1.total.inputTokens, k1.total.outputTokens, k1.total.cachedTokens], [3, 1, 15, 6, 4]);
    assert.equal(k1.today.requests, 2);
    assert.equal(k1.models.b?.inputTokens, 5);
    assert.equal(s.keyDay('k1', Object.keys(k1.days).sort()[0]!).requests, 1);

    const sum = s.summary({ days: 2 });
    assert.equal(sum.days.length, 2);
    assert.equal(sum.totals.requests, 4);
    assert.equal(sum.byKey['-']?.requests, 1, 'requests without a key are aggregated under -');
    assert.equal(sum.byModel.a?.requests, 3);
    assert.equal(sum.rows.length, 3);
    assert.equal(s.summary({ days: 1 }).totals.requests, 3);
    assert.deepEqual(s.byKey().map((k) => k.keyId), ['k1']);
    assert.deepEqual(s.recent(2).map((r) => r.model), ['a', 'b'], 'newest first');
  });

  it('prices costs from config, cached input at its own price', () => {
    const prices = pricesFromConfig({ providers: [{ id: 'p', type: 'openai', keys: [], models: [
      { id: 'm', prices: { input: 2, output: 10, cachedInput: 0.5 } }, 'plain'] }] } as never);
    const s = store({ prices });
    s.record(usageRecord({ keyId: 'k', model: 'alias', mappedModel: 'm', provider: 'p', inputTokens: 1_000_000, cachedTokens: 500_000, outputTokens: 100_000 }));
    s.record(usageRecord({ keyId: 'k', model: 'plain', inputTokens: 1_000_000, outputTokens: 0 }));
    assert.equal(s.keyTotal('k').cost, 0.5 * 2 + 0.5 * 0.5 + 0.1 * 10);
  });

  it('persists across instances after close, with files 0600', function () {
    const a = store();
    a.record(usageRecord({ keyId: 'k', time: fx.clock.t, inputTokens: 7, outputTokens: 3 }));
    a.close();
    const b = store();
    assert.equal(b.keyTotal('k').inputTokens, 7);
    assert.equal(b.recent(10).length, 1);
    assert.equal(fs.readFileSync(path.join(fx.dir, 'usage.log'), 'utf8'), '', 'the journal is compacted into usage.json');
    if (process.platform === 'win32') this.skip();
    assert.equal(fs.statSync(path.join(fx.dir, 'usage.json')).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.join(fx.dir, 'usage.log')).mode & 0o777, 0o600);
  });

  it('replays the journal after a crash (no flush), including a torn last line', () => {
    const a = store();
    for (let i = 0; i < 5; i++) a.record(usageRecord({ keyId: 'k', time: fx.clock.t, inputTokens: 1, outputTokens: 1 }));
    // Simulated kill -9: no flush or close; a half-written line at the end.
    fs.appendFileSync(path.join(fx.dir, 'usage.log'), '{"seq":6,"r":{"time":');
    assert.equal(fs.existsSync(path.join(fx.dir, 'usage.json')), false);
    const b = store();
    assert.equal(b.keyTotal('k').requests, 5);
    b.record(usageRecord({ keyId: 'k', time: fx.clock.t }));
    const c = store({ readOnly: true });
    assert.equal(c.keyTotal('k').requests, 6, 'the next record is not glued onto the torn line');
  });

  it('never counts a record twice when a crash hits between writing usage.json and truncating the journal', () => {
    const a = store();
    a.record(usageRecord({ keyId: 'k', time: fx.clock.t }));
    a.record(usageRecord({ keyId: 'k', time: fx.clock.t }));
    const journal = fs.readFileSync(path.join(fx.dir, 'usage.log'), 'utf8');
    a.flush();
    fs.writeFileSync(path.join(fx.dir, 'usage.log'), journal); // as if the truncate never happened
    a.record(usageRecord({ keyId: 'k', time: fx.clock.t }));
    // The journal now holds seq 1 and 2 (already in usage.json) and 3.
    assert.deepEqual(fs.readFileSync(path.join(fx.dir, 'usage.log'), 'utf8').split('\n').filter(Boolean)
      .map((l) => (JSON.parse(l) as { seq: number }).seq), [1, 2, 3]);
    const b = store({ readOnly: true });
    assert.equal(b.keyTotal('k').requests, 3);
  });

  it('debounces usage.json writes', async () => {
    const s = store({ flushDelayMs: 20 });
    s.record(usageRecord({ keyId: 'k', time: fx.clock.t }));
    assert.equal(fs.existsSync(path.join(fx.dir, 'usage.json')), false, 'not written synchronously');
    for (let i = 0; i < 100 && !fs.existsSync(path.join(fx.dir, 'usage.json')); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(store({ readOnly: true }).keyTotal('k').requests, 1);
    assert.equal(fs.readFileSync(path.join(fx.dir, 'usage.log'), 'utf8'), '');
  });

  it('keeps a bounded recent log', () => {
    const s = store({ recentLimit: 3 });
    for (let i = 0; i < 10; i++) s.record(usageRecord({ requestId: `r${i}`, time: fx.clock.t }));
    assert.deepEqual(s.recent(100).slice(0, 3).map((r) => r.requestId), ['r9', 'r8', 'r7']);
    s.close();
    assert.equal(store({ readOnly: true }).recent(100).length, 3);
  });

  it('a read-only store writes nothing', () => {
    const s = store({ readOnly: true });
    s.flush();
    assert.equal(fs.existsSync(fx.dir), false);
  });
});
