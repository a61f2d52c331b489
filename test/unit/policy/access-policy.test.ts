import assert from 'node:assert/strict';
import { GatewayError } from '../../../src/gateway/core/errors';
import { createAccessPolicy, type AccessPolicy, type AdmitRequest } from '../../../src/gateway/policy/access-policy';
import { KeyStore, type CreateKeyOptions } from '../../../src/gateway/policy/key-store';
import type { Principal } from '../../../src/gateway/policy/types';
import { UsageStore } from '../../../src/gateway/usage/usage-store';
import { cleanupTempDirs, FakeClock, tempDataDir, usageRecord } from './fixtures';

/** The GatewayError `fn` throws. */
function refusal(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (e) {
    if (GatewayError.is(e)) return e;
    throw e;
  }
  assert.fail('expected a refusal');
}

describe('policy/access-policy', () => {
  let dir: string;
  let clock: FakeClock;
  let keys: KeyStore;
  let usage: UsageStore;
  let policy: AccessPolicy;

  const setup = (prices?: Parameters<typeof createAccessPolicy>[0]['prices']) => {
    policy?.close();
    usage?.close();
    keys = new KeyStore(dir, clock);
    usage = new UsageStore({ dataDir: dir, clock, flushDelayMs: 0, prices });
    policy = createAccessPolicy({ keyStore: keys, usageStore: usage, clock, config: { providers: [] }, prices });
  };
  /** Creates a key and returns its principal. */
  const principal = (opts: Partial<CreateKeyOptions> = {}): Principal => {
    const { key } = keys.create({ name: `k${keys.list().length}`, ...opts });
    return policy.authenticate(key, { requireKey: true })!;
  };
  /** A fresh principal for the stored state of `p`'s key (after an update). */
  const refreshed = (p: Principal): Principal => ({ ...p, key: keys.get(p.keyId)! });
  const chat = (over: Partial<AdmitRequest> = {}): AdmitRequest => ({ endpoint: 'chat', model: 'claude-3-5-sonnet', maxTokens: 10, ...over });

  beforeEach(() => { dir = tempDataDir(); clock = new FakeClock(); setup(); });
  afterEach(() => { policy.close(); usage.close(); cleanupTempDirs(); });

  describe('authenticate', () => {
    it('refuses missing, unknown, disabled and expired keys with the documented status and code', () => {
      const { key: disabledKey, record: d } = keys.create({ name: 'd' });
      keys.disable(d.id);
      const { key: expiredKey } = keys.create({ name: 'e', expiresAt: clock.t });
      const cases: Array<[string | undefined, number, string, string]> = [
        [undefined, 401, 'missing_api_key', 'auth'],
        ['   ', 401, 'missing_api_key', 'auth'],
        ['sb-' + 'x'.repeat(40), 401, 'invalid_api_key', 'auth'],
        ['sk-whatever', 401, 'invalid_api_key', 'auth'],
        [disabledKey, 403, 'api_key_disabled', 'permission'],
        [expiredKey, 401, 'api_key_expired', 'auth'],
      ];
      for (const [cred, status, code, kind] of cases) {
        const e = refusal(() => policy.authenticate(cred, { requireKey: true }));
        assert.equal(e.status, status, code);
        assert.equal(e.code, code);
        assert.equal(e.kind, kind);
        if (cred) assert.ok(!e.message.includes(cred), 'the message never echoes the credential');
        assert.equal(policy.authenticate(cred, { requireKey: false }), undefined, `${code} is ignored when no key is required`);
      }
    });

    it('a disabled key that has also expired is reported as disabled (first check wins)', () => {
      const { key, record } = keys.create({ name: 'both', expiresAt: clock.t - 1 });
      keys.disable(record.id);
      assert.equal(refusal(() => policy.authenticate(key, { requireKey: true })).code, 'api_key_disabled');
    });

    it('returns the principal of a valid key, also when no key is required', () => {
      const { key, record } = keys.create({ name: 'ok', expiresAt: clock.t + 1 });
      assert.equal(policy.authenticate(key, { requireKey: true })?.keyId, record.id);
      assert.equal(policy.authenticate(` ${key} `, { requireKey: false })?.keyName, 'ok');
    });
  });

  describe('admit', () => {
    it('runs the checks in order: model, max_tokens, quota, rpm, rpd, concurrency', () => {
      let p = principal({ models: ['claude-*'], maxTokens: 100, quotaTokens: 50, rpm: 1, rpd: 1, concurrency: 1 });
      const open = policy.admit(p, chat({ requestId: 'r1' })); // uses the one rpm, rpd and concurrency slot
      usage.record(usageRecord({ keyId: p.keyId, time: clock.t, inputTokens: 40, outputTokens: 20 })); // quota gone
      const before = policy.describe(p).current;

      const expect = (req: AdmitRequest, status: number, code: string) => {
        const e = refusal(() => policy.admit(p, req));
        assert.equal(e.code, code);
        assert.equal(e.status, status, code);
        if (status === 429) assert.ok(code === 'quota_exceeded' || (e.info.retryAfterMs ?? 0) > 0, `${code} carries retryAfterMs`);
      };
      expect(chat({ model: 'gpt-4o', maxTokens: 1000 }), 403, 'model_not_allowed');
      expect(chat({ maxTokens: 1000 }), 400, 'max_tokens_exceeded');
      expect(chat(), 429, 'quota_exceeded');
      keys.update(p.keyId, { quotaTokens: null }); p = refreshed(p);
      expect(chat(), 429, 'rate_limit_rpm');
      clock.advance(60_000);
      expect(chat(), 429, 'rate_limit_rpd');
      keys.update(p.keyId, { rpd: null }); p = refreshed(p);
      expect(chat(), 429, 'concurrent_limit');

      const after = policy.describe(p).current;
      assert.equal(after.inFlight, before.inFlight, 'refusals hold no concurrency');
      assert.equal(after.requestsToday, before.requestsToday, 'refusals count no RPD');
      assert.equal(after.reservedTokens, before.reservedTokens, 'refusals reserve no tokens');
      open.settle({ inputTokens: 1, outputTokens: 1 });
      assert.ok(policy.admit(p, chat()));
    });

    it('the model message names the model; deny globs win over allow globs', () => {
      const p = principal({ models: ['*'], denyModels: ['gpt-4*'] });
      const e = refusal(() => policy.admit(p, chat({ model: 'GPT-4o-mini' })));
      assert.equal(e.code, 'model_not_allowed');
      assert.match(e.message, /GPT-4o-mini/);
      assert.ok(policy.admit(p, chat({ model: 'openrouter/anthropic/claude' })));
      assert.equal(policy.allowsModel(p, 'gpt-4.1'), false);
      assert.equal(policy.allowsModel(p, 'o3'), true);
      assert.equal(policy.allowsModel(undefined, 'gpt-4.1'), true);
    });

    it('admits exactly rpm requests out of 100 concurrent ones', async () => {
      const p = principal({ rpm: 10 });
      const results = await Promise.allSettled(Array.from({ length: 100 }, async () => policy.admit(p, chat())));
      const ok = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.equal(ok.length, 10);
      assert.equal(refused.length, 90);
      assert.ok(refused.every((r) => GatewayError.is(r.reason) && r.reason.code === 'rate_limit_rpm'));
    });

    it('rpm is a sliding 60 s window with an exact Retry-After', () => {
      const p = principal({ rpm: 2 });
      policy.admit(p, chat()).settle();
      clock.advance(30_000);
      policy.admit(p, chat()).settle();
      clock.advance(29_000);
      const e = refusal(() => policy.admit(p, chat()));
      assert.equal(e.code, 'rate_limit_rpm');
      assert.equal(e.info.retryAfterMs, 1000);
      clock.advance(1000);
      assert.ok(policy.admit(p, chat()), 'the first request left the window');
      assert.equal(refusal(() => policy.admit(p, chat())).code, 'rate_limit_rpm');
    });

    it('limits concurrency and releases a slot once per settle', () => {
      const p = principal({ concurrency: 2 });
      const a = policy.admit(p, chat());
      policy.admit(p, chat());
      const e = refusal(() => policy.admit(p, chat()));
      assert.equal(e.code, 'concurrent_limit');
      assert.equal(e.status, 429);
      assert.ok((e.info.retryAfterMs ?? 0) > 0);
      a.settle();
      a.settle(); // a second settle must not free another slot
      const c = policy.admit(p, chat());
      assert.equal(refusal(() => policy.admit(p, chat())).code, 'concurrent_limit');
      c.settle();
      assert.equal(policy.describe(p).current.inFlight, 1);
    });

    it('rpd counts per local calendar day and resets at local midnight', () => {
      clock.t = new Date(2025, 0, 31, 23, 59, 0).getTime();
      const p = principal({ rpd: 2 });
      policy.admit(p, chat()).settle();
      policy.admit(p, chat()).settle();
      const e = refusal(() => policy.admit(p, chat()));
      assert.equal(e.code, 'rate_limit_rpd');
      assert.equal(e.info.retryAfterMs, 60_000, 'retry at local midnight');
      clock.t = new Date(2025, 1, 1, 0, 0, 1).getTime();
      policy.admit(p, chat()).settle();
      policy.admit(p, chat()).settle();
      assert.equal(refusal(() => policy.admit(p, chat())).code, 'rate_limit_rpd');
    });

    it('rpd survives a restart: today\'s admitted requests in the usage store count, refused ones do not', () => {
      const p = principal({ rpd: 3 });
      usage.record(usageRecord({ keyId: p.keyId, time: clock.t }));
      usage.record(usageRecord({ keyId: p.keyId, time: clock.t }));
      usage.record(usageRecord({ keyId: p.keyId, time: clock.t, status: 429, errorCode: 'rate_limit_rpd' }));
      usage.record(usageRecord({ keyId: p.keyId, time: clock.t, endpoint: 'count_tokens' }));
      usage.record(usageRecord({ keyId: p.keyId, time: clock.t - 86_400_000 }));
      policy.admit(p, chat()).settle();
      assert.equal(refusal(() => policy.admit(p, chat())).code, 'rate_limit_rpd');
    });

    it('reserves an estimate per request so parallel requests cannot run past a token quota', () => {
      setup();
      const p = principal({ quotaTokens: 10_000 });
      const a = policy.admit(p, chat({ maxTokens: undefined, inputTokens: 100, requestId: 'a' })); // holds 4196
      assert.equal(a.headers['x-ratelimit-limit-tokens'], '10000');
      assert.equal(a.headers['x-ratelimit-remaining-tokens'], String(10_000 - 4196));
      const b = policy.admit(p, chat({ maxTokens: 4000, requestId: 'b' })); // holds 4000 → 8196 held
      const c = policy.admit(p, chat({ maxTokens: 4000, requestId: 'c' })); // 8196 < 10000 → admitted
      const busy = refusal(() => policy.admit(p, chat()));
      assert.equal(busy.code, 'quota_exceeded');
      assert.equal(busy.info.retryAfterMs, 1000, 'held by open requests: retry soon');

      // a: settled before its record lands → still counted; then recorded → counted once.
      a.settle({ inputTokens: 100, outputTokens: 400 });
      assert.equal(policy.describe(p).remaining.tokens, 10_000 - 500 - 8000);
      usage.record(usageRecord({ keyId: p.keyId, requestId: 'a', time: clock.t, inputTokens: 100, outputTokens: 400 }));
      assert.equal(policy.describe(p).remaining.tokens, 10_000 - 500 - 8000);
      // b: recorded before it settles → counted once after the settle.
      usage.record(usageRecord({ keyId: p.keyId, requestId: 'b', time: clock.t, inputTokens: 50, outputTokens: 50 }));
      b.settle({ inputTokens: 50, outputTokens: 50 });
      c.settle(undefined); // failed upstream: nothing used
      const d = policy.describe(p);
      assert.equal(d.remaining.tokens, 10_000 - 600);
      assert.equal(d.current.reservedTokens, 0);
      assert.equal(d.usage.total.inputTokens + d.usage.total.outputTokens, 600);
    });

    it('an exhausted total quota refuses without Retry-After; a daily one retries at midnight', () => {
      const total = principal({ quotaTokens: 100 });
      const daily = principal({ quotaTokensPerDay: 100 });
      for (const p of [total, daily]) usage.record(usageRecord({ keyId: p.keyId, time: clock.t, inputTokens: 60, outputTokens: 40 }));
      const e1 = refusal(() => policy.admit(total, chat()));
      assert.equal(e1.code, 'quota_exceeded');
      assert.equal(e1.info.retryAfterMs, undefined);
      assert.equal(e1.retryable, false);
      const e2 = refusal(() => policy.admit(daily, chat()));
      assert.equal(e2.code, 'quota_exceeded');
      clock.t = new Date(2025, 5, 15, 23, 0, 0).getTime();
      assert.equal(refusal(() => policy.admit(daily, chat())).info.retryAfterMs, 3_600_000);
      clock.t = new Date(2025, 5, 16, 0, 0, 0).getTime();
      assert.ok(policy.admit(daily, chat()), 'a new local day has a fresh daily quota');
      assert.equal(refusal(() => policy.admit(total, chat())).code, 'quota_exceeded');
    });

    it('enforces a spend quota with the configured prices', () => {
      setup((model) => (model === 'claude-3-5-sonnet' ? { input: 3, output: 15 } : undefined));
      const p = principal({ quotaSpend: 0.01 });
      const a = policy.admit(p, chat({ maxTokens: 100, requestId: 's1' }));
      usage.record(usageRecord({ keyId: p.keyId, requestId: 's1', model: 'claude-3-5-sonnet', time: clock.t, inputTokens: 1000, outputTokens: 500 }));
      a.settle({ inputTokens: 1000, outputTokens: 500 });
      // 1000 * 3 / 1e6 + 500 * 15 / 1e6 = 0.0105 ≥ 0.01
      assert.equal(refusal(() => policy.admit(p, chat())).code, 'quota_exceeded');
      assert.ok(policy.admit(p, chat({ model: 'free-model', endpoint: 'count_tokens' })));
    });

    it('count_tokens, models and usage need no allowance but still check the model for count_tokens', () => {
      const p = principal({ rpm: 1, rpd: 1, concurrency: 1, quotaTokens: 1, maxTokens: 1, models: ['claude-*'] });
      policy.admit(p, chat({ maxTokens: 1 }));
      for (const endpoint of ['count_tokens', 'models', 'usage'] as const) {
        const a = policy.admit(p, { endpoint, model: endpoint === 'count_tokens' ? 'claude-x' : undefined, maxTokens: 999 });
        assert.deepEqual(a.headers, {});
        a.settle();
      }
      assert.ok(policy.admit(p, { endpoint: 'models', model: 'gpt-4o' }), 'the models endpoint is filtered, not refused');
      assert.equal(refusal(() => policy.admit(p, { endpoint: 'count_tokens', model: 'gpt-4o' })).code, 'model_not_allowed');
      assert.equal(policy.describe(p).current.requestsLastMinute, 1);
    });

    it('gives rate-limit headers and admits anonymous callers without limits', () => {
      const p = principal({ rpm: 5 });
      const h = policy.admit(p, chat()).headers;
      assert.equal(h['x-ratelimit-limit-requests'], '5');
      assert.equal(h['x-ratelimit-remaining-requests'], '4');
      assert.equal(h['x-ratelimit-limit-tokens'], undefined, 'no token headers without a token quota');
      const rpdOnly = principal({ rpd: 7 });
      assert.equal(policy.admit(rpdOnly, chat()).headers['x-ratelimit-remaining-requests'], '6');
      for (let i = 0; i < 50; i++) policy.admit(undefined, chat({ model: 'anything', maxTokens: 1e9 }));
    });

    it('describe tells a key its own limits, usage and remaining allowance, and never the key', () => {
      const { key } = keys.create({ name: 'me', rpm: 10, quotaTokens: 1000, models: ['claude-*'] });
      const p = policy.authenticate(key, { requireKey: true })!;
      usage.record(usageRecord({ keyId: p.keyId, keyName: 'me', model: 'claude-x', time: clock.t, inputTokens: 100, outputTokens: 50 }));
      usage.record(usageRecord({ keyId: 'key_other', model: 'claude-x', time: clock.t, inputTokens: 999, outputTokens: 999 }));
      policy.admit(p, chat({ maxTokens: 20 }));
      const d = policy.describe(p);
      assert.equal(d.key.name, 'me');
      assert.deepEqual(d.limits, { rpm: 10, quotaTokens: 1000, models: ['claude-*'] });
      assert.equal(d.usage.total.inputTokens, 100);
      assert.equal(d.usage.models['claude-x']?.outputTokens, 50);
      assert.deepEqual(d.remaining, { requestsThisMinute: 9, tokens: 1000 - 150 - 20 });
      assert.ok(!JSON.stringify(d).includes(key));
    });
  });
});
