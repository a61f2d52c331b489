import assert from 'node:assert/strict';
import { compileRequestRules, parsePath } from '../../../src/gateway/rules/request-rules';

const O3 = { providerId: 'openai', upstreamModel: 'o3-mini' };
const ROUTER = { providerId: 'openrouter', upstreamModel: 'deepseek/deepseek-r1' };

describe('request rules', () => {
  const rules = compileRequestRules([
    { match: 'o3*', default: { 'reasoning.effort': 'high', temperature: 1 }, remove: ['top_p', 'missing.field'] },
    { match: 'openrouter/*', force: { 'provider.order': ['DeepSeek'], 'usage.include': true } },
    { match: 'deepseek/*', remove: ['reasoning'] },
    { match: '*', force: { 'metadata.gateway': 'switchboard' } },
  ]);

  it('sets defaults only when absent, removes fields, and reports each change', () => {
    const body = { model: 'o3-mini', top_p: 0.5, temperature: 0.2, reasoning: { summary: 'auto' } };
    const { body: out, changes } = rules.apply(body, O3);
    assert.deepEqual(out, {
      model: 'o3-mini', temperature: 0.2, reasoning: { summary: 'auto', effort: 'high' },
      metadata: { gateway: 'switchboard' },
    });
    assert.deepEqual(changes, [
      { rule: 0, op: 'remove', path: 'top_p' },
      { rule: 0, op: 'default', path: 'reasoning.effort', value: 'high' },
      { rule: 3, op: 'force', path: 'metadata.gateway', value: 'switchboard' },
    ]);
  });

  it('treats null as absent for defaults and keeps explicit values', () => {
    const { body } = rules.apply({ reasoning: { effort: 'low' }, temperature: null }, O3);
    assert.deepEqual(body.reasoning, { effort: 'low' });
    assert.equal(body.temperature, 1);
  });

  it('matches "provider/model" as well as the upstream model, with * crossing /', () => {
    const { body, changes } = rules.apply({ reasoning: { effort: 'high' }, provider: { sort: 'price' } }, ROUTER);
    assert.deepEqual(body, {
      provider: { sort: 'price', order: ['DeepSeek'] }, usage: { include: true }, metadata: { gateway: 'switchboard' },
    });
    assert.deepEqual(changes.map((c) => `${c.rule}:${c.op}:${c.path}`),
      ['1:force:provider.order', '1:force:usage.include', '2:remove:reasoning', '3:force:metadata.gateway']);
  });

  it('never mutates the input body or shares config values', () => {
    const body = { top_p: 1, reasoning: { summary: 'auto' }, messages: [{ role: 'user', content: 'hi' }] };
    const snapshot = structuredClone(body);
    const { body: out } = rules.apply(body, O3);
    assert.deepEqual(body, snapshot);
    assert.equal(out.messages, body.messages); // untouched parts are shared, not copied
    const routed = rules.apply({}, ROUTER).body as { provider: { order: string[] } };
    routed.provider.order.push('mutated');
    assert.deepEqual((rules.apply({}, ROUTER).body as { provider: { order: string[] } }).provider.order, ['DeepSeek']);
  });

  it('skips a path that runs through a non-object', () => {
    const r = compileRequestRules([{ match: '*', force: { 'reasoning.effort': 'high' } }]);
    const { body, changes } = r.apply({ reasoning: 'on' }, O3);
    assert.deepEqual(body, { reasoning: 'on' });
    assert.deepEqual(changes, [{ rule: 0, op: 'force', path: 'reasoning.effort', value: 'high', skipped: true }]);
  });

  it('returns the same body when no rule matches', () => {
    const r = compileRequestRules([{ match: 'claude-*', force: { x: 1 } }]);
    const body = { a: 1 };
    const out = r.apply(body, O3);
    assert.equal(out.body, body);
    assert.deepEqual(out.changes, []);
  });

  it('rejects paths that would reach the prototype', () => {
    assert.throws(() => parsePath('__proto__.polluted'), /invalid request rule path/);
    assert.throws(() => compileRequestRules([{ match: '*', force: { 'a..b': 1 } }]), /invalid/);
    assert.deepEqual(parsePath('a.b.c'), ['a', 'b', 'c']);
  });
});
