import assert from 'node:assert/strict';
import { GatewayError, type ErrorInfo, type ErrorKind } from '../../../src/gateway/core/errors';
import { attemptsOf, failoverVerdict, runWithFailover, type AttemptEvent, type FailoverOptions } from '../../../src/gateway/routing/failover';
import { KeyPool } from '../../../src/gateway/routing/key-pool';
import type { Target, UpstreamKey } from '../../../src/gateway/routing/types';

const key = (provider: string, n: number): UpstreamKey =>
  ({ id: `k${n}`, label: `k${n}`, secret: `sk-${provider}-secret-${n}-abcdefgh` });
const OPENAI: Target = { providerId: 'openai', upstreamModel: 'gpt-4o' };
const ROUTER: Target = { providerId: 'openrouter', upstreamModel: 'openai/gpt-4o' };

/** A fake clock the attempts advance, so deadlines are deterministic. */
function setup(script: Record<string, GatewayError | Error | 'ok'>, opts: { keys?: number; clockStep?: number } = {}) {
  const pools = new Map([
    ['openai', new KeyPool([1, 2, 3].slice(0, opts.keys ?? 3).map((n) => key('openai', n)), { cooldownMs: 1000 })],
    ['openrouter', new KeyPool([key('openrouter', 1)], { cooldownMs: 1000 })],
  ]);
  let now = 1_000_000;
  const calls: string[] = [];
  const events: AttemptEvent[] = [];
  const run = (plan: Target[], extra: Partial<FailoverOptions<string>> = {}) => runWithFailover<string>(plan, {
    pools: (id) => pools.get(id),
    clock: { now: () => now },
    onAttempt: (e) => events.push(e),
    attempt: async (target, k) => {
      const name = `${target.providerId}:${k?.label ?? 'none'}`;
      calls.push(name);
      now += opts.clockStep ?? 10;
      const outcome = script[name] ?? script[target.providerId] ?? 'ok';
      if (outcome === 'ok') return `served by ${name}`;
      throw outcome;
    },
    ...extra,
  });
  return { pools, calls, events, run, advance: (ms: number) => { now += ms; }, now: () => now };
}

const err = (kind: ErrorKind, message: string, info: ErrorInfo = {}) => new GatewayError(kind, message, info);

describe('runWithFailover', () => {
  it('returns the first success and reports it', async () => {
    const { run, calls, events } = setup({});
    const r = await run([OPENAI, ROUTER]);
    assert.equal(r.value, 'served by openai:k1');
    assert.equal(r.key?.label, 'k1');
    assert.deepEqual(calls, ['openai:k1']);
    assert.deepEqual(events.map((e) => e.ok), [true]);
  });

  it('tries the other keys of a target before the next target', async () => {
    const { run, calls, pools } = setup({
      'openai:k1': err('rate_limit', 'slow down', { retryAfterMs: 60_000 }),
      'openai:k2': err('overloaded', 'overloaded'),
    }, { keys: 2 });
    const r = await run([OPENAI, ROUTER]);
    assert.deepEqual(calls, ['openai:k1', 'openai:k2', 'openrouter:k1']);
    assert.equal(r.target, ROUTER);
    assert.equal(r.failures.length, 2);
    assert.equal(pools.get('openai')!.states(0)[0]!.status, 'cooling');
  });

  it('retries 409, 408, 500, 502, 503, 504, 529, timeouts and connect errors on another key', async () => {
    for (const e of [
      err('invalid_request', 'conflict', { status: 409 }), err('timeout', 'slow', { status: 408 }),
      err('internal', 'oops', { status: 500 }), err('upstream', 'bad gateway'), err('overloaded', 'x', { status: 503 }),
      err('timeout', 'gw timeout'), err('overloaded', 'overloaded'), new Error('connect ECONNREFUSED 127.0.0.1:9'),
    ]) {
      const { run, calls } = setup({ 'openai:k1': e });
      const r = await run([OPENAI]);
      assert.equal(r.value, 'served by openai:k2', e.message);
      assert.deepEqual(calls, ['openai:k1', 'openai:k2']);
    }
  });

  it('rethrows request errors at once', async () => {
    const { run, calls } = setup({ 'openai:k1': err('invalid_request', 'context_length_exceeded', { code: 'context_length_exceeded' }) });
    await assert.rejects(run([OPENAI, ROUTER]), (e: unknown) => GatewayError.is(e) && e.code === 'context_length_exceeded');
    assert.deepEqual(calls, ['openai:k1']);
  });

  it('marks a rejected key invalid and moves to the next key', async () => {
    const { run, calls, pools } = setup({ 'openai:k1': err('auth', 'bad key') });
    const r = await run([OPENAI]);
    assert.equal(r.value, 'served by openai:k2');
    assert.deepEqual(calls, ['openai:k1', 'openai:k2']);
    assert.equal(pools.get('openai')!.states(0)[0]!.status, 'invalid');
  });

  it('moves to the next target on 404 and rethrows the 404 from the last target', async () => {
    const a = setup({ openai: err('not_found', 'no such model') });
    assert.equal((await a.run([OPENAI, ROUTER])).target, ROUTER);
    assert.deepEqual(a.calls, ['openai:k1', 'openrouter:k1']);
    const b = setup({ openrouter: err('not_found', 'no such model') });
    await assert.rejects(b.run([ROUTER]), (e: unknown) => GatewayError.is(e) && e.status === 404);
  });

  it('stops after maxAttempts', async () => {
    const { run, calls } = setup({ openai: err('upstream', 'down'), openrouter: err('upstream', 'down') });
    await assert.rejects(run([OPENAI, ROUTER], { maxAttempts: 2 }), /stopped after 2 attempts/);
    assert.deepEqual(calls, ['openai:k1', 'openai:k2']);
  });

  it('starts no attempt after the deadline', async () => {
    const { run, calls } = setup({ openai: err('timeout', 'no first byte') }, { clockStep: 600 });
    await assert.rejects(run([OPENAI, ROUTER], { deadlineMs: 1000, maxAttempts: 10 }), (e: unknown) => {
      assert.ok(GatewayError.is(e));
      assert.match(e.message, /deadline of 1s passed/);
      assert.equal(attemptsOf(e)?.length, 2);
      return true;
    });
    assert.deepEqual(calls, ['openai:k1', 'openai:k2']);
  });

  it('lists every attempt when all fail, without any secret', async () => {
    const leak = (p: string, n: number) => `Incorrect API key provided: ${key(p, n).secret}`;
    const { run, events } = setup({
      'openai:k1': err('upstream', leak('openai', 1)),
      'openai:k2': err('auth', leak('openai', 2)),
      'openrouter:k1': err('overloaded', `busy ${key('openrouter', 1).secret}`),
    }, { keys: 2 });
    await assert.rejects(run([OPENAI, ROUTER]), (e: unknown) => {
      assert.ok(GatewayError.is(e));
      assert.equal(e.status, 502);
      assert.equal(e.code, 'all_upstreams_failed');
      assert.equal(e.message, 'all upstreams failed: openai/gpt-4o via key k1: 502 Incorrect API key provided: ***; '
        + 'openai/gpt-4o via key k2: 401 Incorrect API key provided: ***; openrouter/openai/gpt-4o via key k1: 529 busy ***');
      assert.deepEqual(attemptsOf(e)?.map((a) => [a.providerId, a.keyLabel, a.status]),
        [['openai', 'k1', 502], ['openai', 'k2', 401], ['openrouter', 'k1', 529]]);
      const all = JSON.stringify({ m: e.message, a: attemptsOf(e), events });
      assert.ok(!all.includes('secret'), all);
      return true;
    });
  });

  it('answers 429 with the soonest cooldown when every attempt was rate limited', async () => {
    const t = setup({ openai: err('rate_limit', 'slow', { retryAfterMs: 5000 }) }, { keys: 1, clockStep: 0 });
    await assert.rejects(t.run([OPENAI]), (e: unknown) => {
      assert.ok(GatewayError.is(e));
      assert.equal(e.status, 429);
      assert.equal(e.info.retryAfterMs, 5000);
      return true;
    });
    // Now the only key is cooling: no attempt at all, and the error says so.
    t.advance(1000);
    await assert.rejects(t.run([OPENAI]), (e: unknown) => {
      assert.ok(GatewayError.is(e));
      assert.equal(e.code, 'all_keys_cooling');
      assert.equal(e.info.retryAfterMs, 4000);
      assert.match(e.message, /^openai\/gpt-4o: no usable key \(all cooling down after rate limits; next free in 4s\)$/);
      return true;
    });
    assert.deepEqual(t.calls, ['openai:k1']);
  });

  it('says so when every key is invalid', async () => {
    const t = setup({ openai: err('auth', 'nope') }, { keys: 1 });
    await assert.rejects(t.run([OPENAI]), /all upstreams failed: openai\/gpt-4o via key k1: 401 nope/);
    await assert.rejects(t.run([OPENAI]), (e: unknown) => GatewayError.is(e) && e.code === 'no_valid_keys' && e.status === 502
      && e.message === 'openai/gpt-4o: no usable key (every key was rejected with 401/403)');
  });

  it('skips a target without usable keys and uses the next', async () => {
    const t = setup({ openai: err('auth', 'nope') }, { keys: 1 });
    await assert.rejects(t.run([OPENAI]));
    const r = await t.run([OPENAI, ROUTER]);
    assert.equal(r.target, ROUTER);
    assert.match(r.failures[0]!.error, /no usable key/);
  });

  it('calls keyless providers once with no key', async () => {
    const local: Target = { providerId: 'local', upstreamModel: 'llama' };
    const t = setup({ local: err('upstream', 'down') });
    const r = await t.run([local, OPENAI]);
    assert.deepEqual(t.calls, ['local:none', 'openai:k1']);
    assert.equal(r.failures[0]!.keyLabel, undefined);
  });

  it('keeps an affinity on one key across requests', async () => {
    const t = setup({});
    const a = await t.run([OPENAI], { affinity: 's1' });
    await t.run([OPENAI]);
    const b = await t.run([OPENAI], { affinity: 's1' });
    assert.equal(a.key?.id, b.key?.id);
  });

  it('stops at once, without blaming the key, when the client aborts', async () => {
    const controller = new AbortController();
    const t = setup({});
    await assert.rejects(runWithFailover([OPENAI, ROUTER], {
      pools: (id) => t.pools.get(id), signal: controller.signal,
      attempt: async () => { controller.abort(); throw new Error('aborted'); },
    }), (e: unknown) => GatewayError.is(e) && e.kind === 'cancelled');
    assert.equal(t.pools.get('openai')!.states(0).every((s) => s.status === 'ok' && !s.lastError), true);
  });

  it('rejects an empty plan as model_not_found', async () => {
    const t = setup({});
    await assert.rejects(t.run([]), (e: unknown) => GatewayError.is(e) && e.code === 'model_not_found');
  });

  it('classifies errors', () => {
    assert.equal(failoverVerdict(err('invalid_request', 'x', { code: 'invalid_api_key' })), 'next-key');
    assert.equal(failoverVerdict(err('invalid_request', 'x', { status: 409 })), 'next-key');
    assert.equal(failoverVerdict(err('invalid_request', 'x')), 'fatal');
    assert.equal(failoverVerdict(err('upstream', 'x', { retryable: false })), 'fatal');
    assert.equal(failoverVerdict(err('not_found', 'x')), 'next-target');
    assert.equal(failoverVerdict(err('cancelled', 'x')), 'fatal');
  });
});
