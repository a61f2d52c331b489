import assert from 'node:assert/strict';
import { GatewayError } from '../../../src/gateway/core/errors';
import { KeyPool, resolveKeys, missingKeyVars } from '../../../src/gateway/routing/key-pool';
import { keyHint, maskSecrets } from '../../../src/gateway/routing/upstream-keys';
import type { UpstreamKey } from '../../../src/gateway/routing/types';

const SECRETS = ['sk-alpha-000000000001', 'sk-bravo-000000000002', 'sk-charlie-0000000003'];
const keys: UpstreamKey[] = SECRETS.map((secret, i) => ({ id: `key-${i + 1}`, label: `key-${i + 1}`, secret }));
const fail = (kind: ConstructorParameters<typeof GatewayError>[0], message = 'boom', info = {}) =>
  ({ ok: false as const, error: new GatewayError(kind, message, info) });
const labels = (pool: KeyPool, model: string, now: number, n: number, affinity?: string): string[] =>
  Array.from({ length: n }, () => pool.acquire(model, now, affinity)?.label ?? '-');

describe('KeyPool', () => {
  it('hands out keys round robin', () => {
    const pool = new KeyPool(keys);
    assert.deepEqual(labels(pool, 'm', 0, 4), ['key-1', 'key-2', 'key-3', 'key-1']);
  });

  it('cools a key down per (key, model) and brings it back after the cooldown', () => {
    const pool = new KeyPool(keys, { cooldownMs: 1000 });
    pool.report(keys[0]!, 'gpt-4o', fail('rate_limit'), 0);
    assert.deepEqual(labels(pool, 'gpt-4o', 500, 3), ['key-2', 'key-3', 'key-2']);
    // The same key still serves other models.
    assert.ok(labels(pool, 'gpt-4o-mini', 500, 3).includes('key-1'));
    assert.ok(labels(pool, 'gpt-4o', 1000, 3).includes('key-1'));
  });

  it('honours the retry hint from the upstream', () => {
    const pool = new KeyPool(keys, { cooldownMs: 1000 });
    pool.report(keys[1]!, 'm', fail('rate_limit', 'slow down', { retryAfterMs: 7000 }), 100);
    const state = pool.states(200).find((s) => s.id === 'key-2')!;
    assert.equal(state.status, 'cooling');
    assert.deepEqual(state.cooldowns, [{ model: 'm', until: 7100 }]);
    assert.equal(pool.states(7100).find((s) => s.id === 'key-2')!.status, 'ok');
  });

  it('doubles the default cooldown per consecutive 429 up to the cap, and a success resets it', () => {
    const pool = new KeyPool([keys[0]!], { cooldownMs: 1000, maxCooldownMs: 3000 });
    const until = (now: number) => pool.states(now)[0]!.cooldowns[0]?.until;
    pool.report(keys[0]!, 'm', fail('rate_limit'), 0);
    assert.equal(until(0), 1000);
    pool.report(keys[0]!, 'm', fail('rate_limit'), 1000);
    assert.equal(until(1000), 3000);
    pool.report(keys[0]!, 'm', fail('rate_limit'), 3000);
    assert.equal(until(3000), 6000); // 4000 capped at 3000
    pool.report(keys[0]!, 'm', { ok: true }, 6000);
    pool.report(keys[0]!, 'm', fail('rate_limit'), 7000);
    assert.equal(until(7000), 8000);
  });

  it('treats a 429 status as a rate limit whatever the kind', () => {
    const pool = new KeyPool([keys[0]!], { cooldownMs: 1000 });
    pool.report(keys[0]!, 'm', fail('upstream', 'too many', { status: 429 }), 0);
    assert.equal(pool.acquire('m', 10), undefined);
  });

  for (const [name, outcome] of [
    ['401', fail('auth', 'bad key')],
    ['403', fail('permission', 'forbidden')],
    ['invalid_api_key code', fail('invalid_request', 'API key not valid', { code: 'invalid_api_key', status: 400 })],
  ] as const) {
    it(`marks a key invalid on ${name} until reset`, () => {
      const pool = new KeyPool(keys);
      pool.report(keys[0]!, 'm', outcome, 0);
      assert.deepEqual(labels(pool, 'other-model', 0, 4), ['key-2', 'key-3', 'key-2', 'key-3']);
      assert.equal(pool.states(0)[0]!.status, 'invalid');
      pool.reset('key-1');
      assert.equal(pool.states(0)[0]!.status, 'ok');
    });
  }

  it('ignores request errors', () => {
    const pool = new KeyPool(keys);
    pool.report(keys[0]!, 'm', fail('invalid_request', 'context_length_exceeded'), 0);
    assert.deepEqual(pool.states(0)[0], { id: 'key-1', label: 'key-1', hint: '…0001', status: 'ok', cooldowns: [] });
  });

  it('cools a key for a 503 retry hint without counting a strike', () => {
    const pool = new KeyPool([keys[0]!], { cooldownMs: 1000 });
    pool.report(keys[0]!, 'm', fail('overloaded', 'busy', { retryAfterMs: 500 }), 0);
    assert.equal(pool.acquire('m', 499), undefined);
    assert.equal(pool.acquire('m', 500)?.id, 'key-1');
    pool.report(keys[0]!, 'm', fail('upstream', 'bad gateway'), 600);
    assert.equal(pool.acquire('m', 600)?.id, 'key-1');
  });

  it('returns no key when all are cooling, and says when one frees up', () => {
    const pool = new KeyPool(keys.slice(0, 2), { cooldownMs: 1000 });
    pool.report(keys[0]!, 'm', fail('rate_limit', 'x', { retryAfterMs: 5000 }), 0);
    pool.report(keys[1]!, 'm', fail('rate_limit', 'x', { retryAfterMs: 2000 }), 0);
    assert.equal(pool.acquire('m', 100), undefined);
    assert.equal(pool.soonestAvailable('m', 100), 2000);
    assert.equal(pool.soonestAvailable('other', 100), 100);
    pool.report(keys[1]!, 'm', fail('auth'), 0);
    assert.equal(pool.soonestAvailable('m', 100), 5000);
    pool.report(keys[0]!, 'm', fail('auth'), 0);
    assert.equal(pool.soonestAvailable('m', 100), undefined);
  });

  it('skips excluded keys', () => {
    const pool = new KeyPool(keys);
    assert.equal(pool.acquire('m', 0, undefined, new Set(['key-1', 'key-2']))?.id, 'key-3');
    assert.equal(pool.acquire('m', 0, undefined, new Set(['key-1', 'key-2', 'key-3'])), undefined);
  });

  it('keeps an affinity on its key while healthy, then switches and sticks to the new one', () => {
    const pool = new KeyPool(keys, { cooldownMs: 1000 });
    const first = pool.acquire('m', 0, 'session-a')!;
    pool.acquire('m', 0); // other traffic moves the cursor
    assert.deepEqual(labels(pool, 'm', 0, 3, 'session-a'), [first.label, first.label, first.label]);
    const other = pool.acquire('m', 0, 'session-b')!;
    assert.notEqual(other.id, first.id);
    pool.report(first, 'm', fail('rate_limit'), 0);
    const moved = pool.acquire('m', 10, 'session-a')!;
    assert.notEqual(moved.id, first.id);
    assert.deepEqual(labels(pool, 'm', 5000, 3, 'session-a'), [moved.label, moved.label, moved.label]);
  });

  it('bounds the affinity map (least recently used goes first)', () => {
    const pool = new KeyPool(keys, { affinityLimit: 2 });
    const a = pool.acquire('m', 0, 'a')!; // key-1
    pool.acquire('m', 0, 'b'); // key-2
    pool.acquire('m', 0, 'a'); // touch a
    pool.acquire('m', 0, 'c'); // key-3; evicts b
    assert.equal(pool.acquire('m', 0, 'a')!.id, a.id);
    assert.equal(pool.acquire('m', 0, 'b')!.id, 'key-1'); // b forgotten: plain round robin
  });

  it('never shows a secret: hints are last four, errors are masked', () => {
    const pool = new KeyPool(keys);
    pool.report(keys[0]!, 'm', fail('auth', `Incorrect API key provided: ${SECRETS[0]} (also ${SECRETS[1]})`), 0);
    const states = pool.states(0);
    const json = JSON.stringify(states);
    for (const s of SECRETS) assert.ok(!json.includes(s));
    assert.equal(states[0]!.hint, '…0001');
    assert.equal(states[0]!.lastError, '401 Incorrect API key provided: *** (also ***)');
  });

  it('keeps state across replaceKeys only for keys whose secret is unchanged', () => {
    const pool = new KeyPool(keys);
    pool.report(keys[0]!, 'm', fail('auth'), 0);
    pool.report(keys[1]!, 'm', fail('auth'), 0);
    pool.replaceKeys([keys[0]!, { ...keys[1]!, secret: 'sk-new-secret-0000000' }]);
    assert.deepEqual(pool.states(0).map((s) => s.status), ['invalid', 'ok']);
    // A report for a replaced secret is dropped.
    pool.report(keys[1]!, 'm', fail('auth'), 0);
    assert.equal(pool.states(0)[1]!.status, 'ok');
  });
});

describe('resolveKeys', () => {
  it('labels literals by position, env keys by variable, and keeps explicit labels', () => {
    const env = { OPENAI_KEY: ' sk-from-env\n', EMPTY: '' };
    const out = resolveKeys(['sk-literal', 'env:OPENAI_KEY', { label: 'team', key: 'sk-team' }, 'env:MISSING',
      'env:EMPTY', { label: 'team', key: 'env:OPENAI_KEY' }, '  '], env);
    assert.deepEqual(out, [
      { id: 'key-1', label: 'key-1', secret: 'sk-literal' },
      { id: 'OPENAI_KEY', label: 'OPENAI_KEY', secret: 'sk-from-env' },
      { id: 'team', label: 'team', secret: 'sk-team' },
      { id: 'team-2', label: 'team-2', secret: 'sk-from-env' },
    ]);
    assert.deepEqual(missingKeyVars(['env:MISSING', 'env:EMPTY', 'env:OPENAI_KEY', 'x'], env), ['MISSING', 'EMPTY']);
  });

  it('hides short secrets entirely in hints and masks overlapping secrets', () => {
    assert.equal(keyHint('short'), '…');
    assert.equal(maskSecrets('abcdef and abc', ['abc', 'abcdef']), '*** and ***');
  });
});
