/**
 * Deny lists cover the targets a model maps to: the glob-level target filter, the policy's per-key filter (absent
 * for keys without a deny list) and the pipeline's target selection that refuses when nothing is left.
 */
import assert from 'node:assert/strict';
import { GatewayError } from '../../../src/gateway/core/errors';
import { allowedTargets } from '../../../src/gateway/pipeline/resolve';
import { createAccessPolicy, type AccessPolicy } from '../../../src/gateway/policy/access-policy';
import { KeyStore } from '../../../src/gateway/policy/key-store';
import { targetFilter } from '../../../src/gateway/policy/model-glob';
import type { Principal } from '../../../src/gateway/policy/types';
import { UsageStore } from '../../../src/gateway/usage/usage-store';
import { cleanupTempDirs, FakeClock, tempDataDir } from './fixtures';

const t = (providerId: string, upstreamModel: string) => ({ providerId, upstreamModel });

describe('policy: deny lists cover mapped targets', () => {
  describe('targetFilter (globs)', () => {
    it('denies a target whose upstream model or provider/model matches, case-insensitively', () => {
      const allow = targetFilter(['gpt-4o*', 'ob/*', 'an/claude-opus-*']);
      assert.equal(allow(t('oa', 'gpt-4o')), false);
      assert.equal(allow(t('oa', 'GPT-4o-mini')), false);
      assert.equal(allow(t('oa', 'gpt-3.5-turbo')), true);
      assert.equal(allow(t('ob', 'llama-3')), false);
      assert.equal(allow(t('OB', 'anything/with/slashes')), false);
      assert.equal(allow(t('an', 'claude-opus-4')), false);
      assert.equal(allow(t('an', 'claude-sonnet-4')), true);
      // `*` crosses `/`: an upstream id with slashes is matched whole, and under its provider.
      assert.equal(targetFilter(['*claude*'])(t('openrouter', 'anthropic/claude-3')), false);
      assert.equal(targetFilter(['openrouter/anthropic/*'])(t('openrouter', 'anthropic/claude-3')), false);
      assert.equal(targetFilter(['anthropic/*'])(t('openrouter', 'anthropic/claude-3')), false);
      assert.equal(targetFilter(['anthropic/*'])(t('openrouter', 'openai/gpt-4o')), true);
    });

    it('answers the same when asked again (remembered answers)', () => {
      const allow = targetFilter(['gpt-4o*']);
      for (let i = 0; i < 3; i++) {
        assert.equal(allow(t('oa', 'gpt-4o')), false);
        assert.equal(allow(t('oa', 'o3')), true);
      }
      // The memo key keeps provider and model apart.
      const f = targetFilter(['a/b/c']);
      assert.equal(f(t('a', 'b/c')), false);
      assert.equal(f(t('a/b', 'c')), false);
      assert.equal(f(t('ab', 'c')), true);
    });
  });

  describe('AccessPolicy.targetFilter', () => {
    let dir: string;
    let keys: KeyStore;
    let usage: UsageStore;
    let policy: AccessPolicy;
    const principal = (opts: { models?: string[]; denyModels?: string[] } = {}): Principal =>
      policy.authenticate(keys.create({ name: `k${keys.list().length}`, ...opts }).key, { requireKey: true })!;

    beforeEach(() => {
      dir = tempDataDir();
      const clock = new FakeClock();
      keys = new KeyStore(dir, clock);
      usage = new UsageStore({ dataDir: dir, clock, flushDelayMs: 0 });
      policy = createAccessPolicy({ keyStore: keys, usageStore: usage, clock, config: { providers: [] } });
    });
    afterEach(() => { policy.close(); usage.close(); keys.close(); cleanupTempDirs(); });

    it('is absent without a caller, without a deny list, with an empty one, and for an allow list alone', () => {
      assert.equal(policy.targetFilter(undefined), undefined);
      assert.equal(policy.targetFilter(principal()), undefined);
      assert.equal(policy.targetFilter(principal({ denyModels: [] })), undefined);
      assert.equal(policy.targetFilter(principal({ models: ['cheap'] })), undefined);
    });

    it('is the key plan\'s filter: one function per version of the key, following updates', () => {
      const { key, record } = keys.create({ name: 'd', denyModels: ['gpt-4o*'] });
      const p = policy.authenticate(key, { requireKey: true })!;
      const f = policy.targetFilter(p)!;
      assert.equal(policy.targetFilter(p), f, 'shared between requests');
      assert.equal(f(t('oa', 'gpt-4o')), false);
      assert.equal(f(t('ob', 'llama-3')), true);
      keys.update(record.id, { denyModels: ['ob/*'] });
      const g = policy.targetFilter(policy.authenticate(key, { requireKey: true })!)!;
      assert.equal(g(t('oa', 'gpt-4o')), true);
      assert.equal(g(t('ob', 'llama-3')), false);
      keys.update(record.id, { denyModels: [] });
      assert.equal(policy.targetFilter(policy.authenticate(key, { requireKey: true })!), undefined);
    });

    it('leaves admit checking names only (an alias to a denied model is admitted by name)', () => {
      const p = principal({ denyModels: ['gpt-4o*'] });
      assert.ok(policy.admit(p, { endpoint: 'chat', model: 'cheap' }));
      assert.throws(() => policy.admit(p, { endpoint: 'chat', model: 'gpt-4o' }), (e: unknown) => GatewayError.is(e) && e.code === 'model_not_allowed');
    });
  });

  describe('allowedTargets', () => {
    const chain = [t('oa', 'gpt-4o'), t('ob', 'llama-3')];

    it('keeps the targets as they are when nothing is filtered or nothing is denied', () => {
      assert.equal(allowedTargets('chain', chain, undefined), chain);
      assert.equal(allowedTargets('chain', chain, targetFilter(['o1*'])), chain);
    });

    it('drops denied targets, keeping the order', () => {
      assert.deepEqual(allowedTargets('chain', chain, targetFilter(['gpt-4o*'])), [t('ob', 'llama-3')]);
      assert.deepEqual(allowedTargets('chain', [...chain, t('oc', 'x')], targetFilter(['ob/*'])), [t('oa', 'gpt-4o'), t('oc', 'x')]);
    });

    it('refuses with 403 model_not_allowed naming the model asked for when every target is denied', () => {
      assert.throws(() => allowedTargets('chain', chain, targetFilter(['gpt-4o*', 'llama*'])), (e: unknown) => {
        assert.ok(GatewayError.is(e));
        assert.equal(e.status, 403);
        assert.equal(e.code, 'model_not_allowed');
        assert.equal(e.info.param, 'model');
        assert.match(e.message, /"chain"/);
        return true;
      });
    });
  });
});
