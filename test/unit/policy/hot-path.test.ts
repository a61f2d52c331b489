/**
 * The per-request shortcuts of the policy (shared principals, per-key plans, remembered guard and glob answers)
 * must answer exactly as the plain computations they replace, and forget what a key change makes stale.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { GatewayError } from '../../../src/gateway/core/errors';
import { createAccessPolicy, type AccessPolicy, type AdmitRequest } from '../../../src/gateway/policy/access-policy';
import { checkContentType, checkHost, isJsonContentType } from '../../../src/gateway/policy/browser-guard';
import { extractKey } from '../../../src/gateway/policy/extract-key';
import { KeyStore } from '../../../src/gateway/policy/key-store';
import { modelAllowed, modelFilter } from '../../../src/gateway/policy/model-glob';
import { UsageStore } from '../../../src/gateway/usage/usage-store';
import { cleanupTempDirs, FakeClock, tempDataDir, usageRecord } from './fixtures';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (GatewayError.is(e)) return e.code;
    throw e;
  }
  return undefined;
}

describe('policy hot path', () => {
  let dir: string;
  let clock: FakeClock;
  let keys: KeyStore;
  let usage: UsageStore;
  let policy: AccessPolicy;
  const chat = (over: Partial<AdmitRequest> = {}): AdmitRequest => ({ endpoint: 'chat', model: 'claude-3-5-sonnet', maxTokens: 10, ...over });

  beforeEach(() => {
    dir = tempDataDir();
    clock = new FakeClock();
    keys = new KeyStore(dir, clock);
    usage = new UsageStore({ dataDir: dir, clock, flushDelayMs: 0 });
    policy = createAccessPolicy({ keyStore: keys, usageStore: usage, clock, config: { providers: [] } });
  });
  afterEach(() => { policy.close(); usage.close(); keys.close(); cleanupTempDirs(); });

  describe('KeyStore.lookup', () => {
    it('shares one frozen record per version of a key; any change gives a new one', () => {
      const { key, record } = keys.create({ name: 'k', rpm: 5, models: ['gpt-*'] });
      const a = keys.lookup(key)!;
      assert.equal(keys.lookup(key), a, 'the same object for every request');
      assert.ok(Object.isFrozen(a) && Object.isFrozen(a.models));
      assert.equal((a as unknown as Record<string, unknown>).hash, undefined, 'never the hash');
      keys.update(record.id, { rpm: 7 });
      const b = keys.lookup(key)!;
      assert.notEqual(b, a);
      assert.equal(b.rpm, 7);
      keys.disable(record.id);
      assert.equal(keys.lookup(key)!.status, 'disabled');
      keys.delete(record.id);
      assert.equal(keys.lookup(key), undefined);
    });

    it('sees a change another process made within a second, as authenticate does', () => {
      const { key, record } = keys.create({ name: 'k', rpm: 5 });
      const a = keys.lookup(key)!;
      new KeyStore(dir, clock).update(record.id, { rpm: 1 });
      assert.equal(keys.lookup(key), a, 'not re-read within the second');
      clock.advance(1000);
      assert.equal(keys.lookup(key)!.rpm, 1);
    });

    it('authenticate still hands out copies carrying the latest use, and changing one changes nothing shared', () => {
      const { key } = keys.create({ name: 'k', models: ['gpt-*'] });
      clock.advance(5);
      const copy = keys.authenticate(key)!;
      assert.equal(copy.lastUsedAt, clock.t);
      copy.models!.push('x');
      copy.rpm = 1;
      assert.deepEqual(keys.lookup(key)!.models, ['gpt-*']);
      assert.equal(keys.lookup(key)!.rpm, undefined);
    });
  });

  describe('access policy', () => {
    it('hands every request of a key the same frozen principal until the key changes', () => {
      const { key, record } = keys.create({ name: 'k', rpm: 2 });
      const p = policy.authenticate(key, { requireKey: true })!;
      assert.equal(policy.authenticate(key, { requireKey: true }), p);
      assert.ok(Object.isFrozen(p));
      policy.admit(p, chat()).settle();
      keys.update(record.id, { rpm: 1 });
      const q = policy.authenticate(key, { requireKey: true })!;
      assert.notEqual(q, p);
      assert.equal(codeOf(() => policy.admit(q, chat())), 'rate_limit_rpm', 'the new limit applies at once, counters kept');
    });

    it('disable, delete and expiry apply to the very next request', () => {
      const { key, record } = keys.create({ name: 'k', expiresAt: clock.t + 1000 });
      const auth = () => codeOf(() => policy.authenticate(key, { requireKey: true }));
      assert.equal(auth(), undefined);
      clock.advance(1000);
      assert.equal(auth(), 'api_key_expired');
      keys.update(record.id, { expiresAt: null });
      assert.equal(auth(), undefined);
      keys.disable(record.id);
      assert.equal(auth(), 'api_key_disabled');
      keys.enable(record.id);
      assert.equal(auth(), undefined);
      keys.delete(record.id);
      assert.equal(auth(), 'invalid_api_key');
    });

    it('a principal built by hand from a mutable record follows changes made to it', () => {
      const { record } = keys.create({ name: 'k', models: ['claude-*'] });
      const key = keys.get(record.id)!;
      const p = { keyId: key.id, keyName: key.name, key };
      assert.ok(policy.admit(p, chat()));
      assert.equal(policy.allowsModel(p, 'gpt-4o'), false);
      key.models!.push('gpt-*');
      key.rpm = 1;
      assert.equal(policy.allowsModel(p, 'gpt-4o'), true);
      assert.equal(codeOf(() => policy.admit(p, chat({ model: 'gpt-4o' }))), 'rate_limit_rpm');
    });

    it('reports the tighter token quota in the headers; a tie goes to the total quota', () => {
      const both = (quotaTokens: number, quotaTokensPerDay: number) => {
        const { key } = keys.create({ name: `q${quotaTokens}-${quotaTokensPerDay}`, quotaTokens, quotaTokensPerDay, rpd: 9 });
        return policy.authenticate(key, { requireKey: true })!;
      };
      const daily = both(10_000, 5_000);
      usage.record(usageRecord({ keyId: daily.keyId, time: clock.t - 86_400_000, inputTokens: 100, outputTokens: 0 }));
      assert.deepEqual({ ...policy.admit(daily, chat({ maxTokens: 90 })).headers }, {
        'x-ratelimit-limit-requests': '9', 'x-ratelimit-remaining-requests': '8',
        'x-ratelimit-limit-tokens': '5000', 'x-ratelimit-remaining-tokens': '4910',
      });
      const total = both(1_000, 5_000);
      assert.equal(policy.admit(total, chat({ maxTokens: 90 })).headers['x-ratelimit-remaining-tokens'], '910');
      const tie = both(3_100, 3_000); // 100 used yesterday: 2910 left of either after this request's 90
      usage.record(usageRecord({ keyId: tie.keyId, time: clock.t - 86_400_000, inputTokens: 100, outputTokens: 0 }));
      const h = policy.admit(tie, chat({ maxTokens: 90 })).headers;
      assert.equal(h['x-ratelimit-limit-tokens'], '3100');
      assert.equal(h['x-ratelimit-remaining-tokens'], '2910');
      const onlyDaily = policy.authenticate(keys.create({ name: 'd', quotaTokensPerDay: 700 }).key, { requireKey: true })!;
      assert.deepEqual({ ...policy.admit(onlyDaily, chat({ maxTokens: 90 })).headers },
        { 'x-ratelimit-limit-tokens': '700', 'x-ratelimit-remaining-tokens': '610' });
    });

    it('settle is a method: once per admission, whichever admission of the key it is', () => {
      const { key } = keys.create({ name: 'k', concurrency: 2 });
      const p = policy.authenticate(key, { requireKey: true })!;
      const a = policy.admit(p, chat({ requestId: 'a' }));
      const b = policy.admit(p, chat({ requestId: 'b' }));
      b.settle({ inputTokens: 1, outputTokens: 1 });
      b.settle({ inputTokens: 1, outputTokens: 1 });
      assert.equal(policy.describe(p).current.inFlight, 1);
      a.settle();
      assert.equal(policy.describe(p).current.inFlight, 0);
      assert.equal(policy.describe(p).current.reservedTokens, 2, 'b\'s real usage is held until its record lands');
    });

    it('describe reports the current request as the last use', () => {
      const { key } = keys.create({ name: 'k' });
      clock.advance(1234);
      const p = policy.authenticate(key, { requireKey: true })!;
      assert.equal(policy.describe(p).key.lastUsedAt, new Date(clock.t).toISOString());
    });
  });

  describe('remembered answers', () => {
    it('checkHost forgets what it allowed when the options change, also in place', () => {
      const allowedHosts = ['gateway.lan'];
      const opts = { boundHost: '127.0.0.1', allowedHosts };
      for (let i = 0; i < 3; i++) assert.equal(checkHost('gateway.lan:4848', opts), undefined);
      assert.equal(checkHost('gateway.lan:4848', { boundHost: '127.0.0.1', allowedHosts: [] })?.code, 'forbidden_origin');
      assert.equal(checkHost('gateway.lan:4848', opts), undefined);
      allowedHosts[0] = 'other.lan';
      assert.equal(checkHost('gateway.lan:4848', opts)?.code, 'forbidden_origin');
      assert.equal(checkHost('myhost:1', { boundHost: 'myhost', allowedHosts: [] }), undefined);
      assert.equal(checkHost('myhost:1', { boundHost: 'otherhost', allowedHosts: [] })?.code, 'forbidden_origin');
      for (let i = 0; i < 100; i++) assert.equal(checkHost(`127.0.0.${i}:1`, opts), undefined, 'many values stay correct');
      assert.equal(checkHost('evil.example', opts)?.code, 'forbidden_origin');
    });

    it('isJsonContentType answers the same the second time, for many values', () => {
      const types = ['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'text/plain',
        'application/vnd.api+json', 'application/jsonp', ...Array.from({ length: 80 }, (_, i) => `application/x${i}+json`)];
      for (let round = 0; round < 3; round++) {
        for (const t of types) assert.equal(isJsonContentType(t), !['text/plain', 'application/jsonp'].includes(t), t);
      }
      assert.equal(checkContentType('POST', 'text/plain')?.code, 'forbidden_origin');
      assert.equal(checkContentType('post', 'application/json'), undefined);
    });

    it('extractKey reads Bearer values exactly as the plain regex does', () => {
      const reference = (auth: string): string | undefined => {
        const t = auth.trim();
        if (!t) return undefined;
        const m = /^bearer\s+(.+)$/i.exec(t);
        return m && m[1]!.trim() ? m[1]!.trim() : undefined;
      };
      const piece = fc.constantFrom('Bearer', 'bearer', 'BEARER', ' ', '  ', '\t', '\n', '\r', '\u2028', '\u00a0',
        'sb-abc', 'x', 'y z', '=', '');
      fc.assert(fc.property(fc.array(piece, { maxLength: 6 }), (parts) => {
        const auth = parts.join('');
        assert.equal(extractKey({ authorization: auth }), reference(auth), JSON.stringify(auth));
      }), { numRuns: 2000 });
      assert.equal(extractKey({ authorization: 'Bearer sb-key' }), 'sb-key');
      assert.equal(extractKey({ authorization: 'Bearer  sb-key' }), 'sb-key');
      assert.equal(extractKey({ authorization: 'Bearer a\nb', 'x-api-key': 'x' }), 'x');
    });

    it('modelFilter answers as modelAllowed, also after its memory fills up', () => {
      const lists: Array<[string[] | undefined, string[] | undefined]> = [
        [undefined, undefined], [['*'], undefined], [['claude-*'], ['*-haiku']], [[], ['gpt-*']], [['{o3,o4-mini}', 'openrouter/*'], []],
      ];
      const models = ['', 'claude-3-5-sonnet', 'claude-3-haiku', 'gpt-4o', 'o3', 'o4-mini', 'openrouter/x/y', 'a\nb',
        ...Array.from({ length: 300 }, (_, i) => `m${i}`)];
      for (const [allow, deny] of lists) {
        const f = modelFilter(allow, deny);
        for (let round = 0; round < 2; round++) {
          for (const m of models) assert.equal(f(m), modelAllowed(m, allow, deny), `${m} ${allow} ${deny}`);
        }
      }
    });
  });
});
