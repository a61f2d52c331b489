import assert from 'node:assert/strict';
import type { ModelMapping, ProviderConfig } from '../../../src/gateway/config';
import { createModelMapper, mappingProblems, parseTarget } from '../../../src/gateway/routing/model-mapper';
import { compileGlob, literalCount } from '../../../src/gateway/routing/glob';

const provider = (id: string, extra: Partial<ProviderConfig> = {}): ProviderConfig =>
  ({ id, type: 'openai-compatible', keys: [], ...extra });

const providers: ProviderConfig[] = [
  provider('openai', { models: ['gpt-4o', 'gpt-4o-mini', { id: 'shared-model' }] }),
  provider('anthropic', { type: 'anthropic', models: ['claude-sonnet-4-5'] }),
  provider('openrouter', { models: ['anthropic/claude-sonnet-4', 'shared-model'] }),
  provider('off', { enabled: false, models: ['only-off'] }),
  provider('local'),
];

const mappings: ModelMapping[] = [
  { from: 'fast', to: 'openai/gpt-4o-mini' },
  { from: 'claude-*', to: 'anthropic/*' },
  { from: 'claude-3-*', to: 'openrouter/anthropic/claude-3-haiku' },
  { from: 'gpt-4*', to: 'openrouter/openai/gpt-4-turbo' },
  { from: 'gpt-*', to: 'openai/gpt-4o' },
  { from: 'gpt-4?', to: 'openai/should-lose-tie' }, // gpt-4? and gpt-4* have 5 literals: the earlier rule wins
  { from: 'smart', to: ['anthropic/claude-opus-4', 'openrouter/anthropic/claude-opus-4', 'openai/gpt-4o'] },
  { from: 'fast', to: 'anthropic/never-used' }, // duplicate exact: the earlier one wins
  { from: 'dead', to: ['off/x', 'nope/y'] },
  { from: 'half-dead', to: ['off/x', 'openai/gpt-4o'] },
  { from: 'meta/*', to: 'openrouter/meta-llama/*' },
  { from: '*', to: 'local/default-model' },
];

const mapper = createModelMapper(mappings, providers);
const targets = (model: string): string[] | undefined =>
  mapper.resolve(model)?.targets.map((t) => `${t.providerId}/${t.upstreamModel}`);

describe('model mapper', () => {
  const table: Array<[requested: string, expected: string[] | undefined, via: string | undefined]> = [
    ['fast', ['openai/gpt-4o-mini'], 'exact'],
    ['claude-opus-4', ['anthropic/claude-opus-4'], 'wildcard'],
    ['claude-3-opus', ['openrouter/anthropic/claude-3-haiku'], 'wildcard'], // more literal characters than claude-*
    ['gpt-4o', ['openrouter/openai/gpt-4-turbo'], 'wildcard'], // gpt-4* (5) beats gpt-* (4), even though gpt-4o is listed
    ['gpt-5', ['openai/gpt-4o'], 'wildcard'],
    ['gpt-41', ['openrouter/openai/gpt-4-turbo'], 'wildcard'], // tie with gpt-4? → earlier rule
    ['smart', ['anthropic/claude-opus-4', 'openrouter/anthropic/claude-opus-4', 'openai/gpt-4o'], 'exact'],
    ['half-dead', ['openai/gpt-4o'], 'exact'], // disabled provider dropped from the chain
    ['dead', ['local/default-model'], 'default'], // rule with no usable target is passed over
    ['meta/llama-3', ['openrouter/meta-llama/meta/llama-3'], 'wildcard'], // '*' crosses '/', '*' in target = whole name
    ['claude-sonnet-4-5', ['anthropic/claude-sonnet-4-5'], 'wildcard'], // rules beat provider lists
    ['shared-model', ['openai/shared-model', 'openrouter/shared-model'], 'provider-models'],
    ['anthropic/claude-sonnet-4', ['openrouter/anthropic/claude-sonnet-4'], 'provider-models'],
    ['openrouter/mistral/mistral-large', ['openrouter/mistral/mistral-large'], 'provider-prefix'],
    ['only-off', ['local/default-model'], 'default'], // listed only by a disabled provider
    ['something-else', ['local/default-model'], 'default'],
  ];
  for (const [requested, expected, via] of table) {
    it(`${requested} → ${expected?.join(', ') ?? 'nothing'} (${via})`, () => {
      assert.deepEqual(targets(requested), expected);
      assert.equal(mapper.explain(requested).via, via);
    });
  }

  it('resolves to undefined without a default rule when nothing serves the name', () => {
    const m = createModelMapper(mappings.filter((r) => r.from !== '*'), providers);
    assert.equal(m.resolve('unknown-model'), undefined);
    assert.equal(m.resolve('off/x'), undefined); // disabled provider prefix
    assert.match(m.explain('off/x').reason, /disabled/);
    assert.equal(m.resolve('nope/x'), undefined);
  });

  it('keeps the winning rule on the resolution and explains why', () => {
    const r = mapper.resolve('claude-3-opus');
    assert.deepEqual(r?.rule, mappings[2]);
    const e = mapper.explain('claude-3-opus');
    assert.equal(e.ruleIndex, 2);
    assert.match(e.reason, /wildcard rule \(9 literal characters\) #3 "claude-3-\*"/);
    const dead = mapper.explain('dead');
    assert.deepEqual(dead.skipped.map((s) => s.ruleIndex), [8]);
  });

  it('an exact rule beats a glob even for a name that looks like a glob', () => {
    const m = createModelMapper([{ from: 'x*', to: 'openai/a' }, { from: 'x[1]', to: 'openai/b' }], providers);
    assert.equal(m.resolve('x[1]')?.targets[0]?.upstreamModel, 'b');
    assert.equal(m.resolve('x1')?.targets[0]?.upstreamModel, 'a');
  });

  it('uses discovered models for providers without a models list, and forgets the cache on change', () => {
    const m = createModelMapper([], providers);
    assert.equal(m.resolve('llama3:8b'), undefined);
    m.setDiscovered('local', ['llama3:8b']);
    assert.deepEqual(m.resolve('llama3:8b')?.targets, [{ providerId: 'local', upstreamModel: 'llama3:8b' }]);
    assert.deepEqual(m.providerModels('local'), ['llama3:8b']);
    m.setDiscovered('openai', ['ignored']); // openai has a configured list, which wins
    assert.equal(m.resolve('ignored'), undefined);
    m.setDiscovered('local', undefined);
    assert.equal(m.resolve('llama3:8b'), undefined);
    const seeded = createModelMapper([], providers, new Map([['local', ['qwen']]]));
    assert.equal(seeded.resolve('qwen')?.targets[0]?.providerId, 'local');
  });

  it('lists exact aliases in config order, without duplicates or globs', () => {
    assert.deepEqual(mapper.listAliases(), ['fast', 'smart', 'dead', 'half-dead']);
  });

  it('accepts a bare provider id as target and splits targets at the first slash', () => {
    const ids = new Set(['anthropic', 'openrouter']);
    assert.deepEqual(parseTarget('anthropic', ids), { providerId: 'anthropic', upstream: '*' });
    assert.deepEqual(parseTarget('openrouter/a/b/c', ids), { providerId: 'openrouter', upstream: 'a/b/c' });
    assert.equal(parseTarget('/x', ids), undefined);
    assert.equal(parseTarget('unknown', ids), undefined);
    const m = createModelMapper([{ from: 'sonnet', to: 'anthropic' }], providers);
    assert.deepEqual(m.resolve('sonnet')?.targets, [{ providerId: 'anthropic', upstreamModel: 'sonnet' }]);
  });

  it('reports config problems', () => {
    const problems = mappingProblems([{ from: 'a', to: ['ghost/x', 'openai/y'] }, { from: '', to: [] }, { from: 'b', to: 'bare' }], providers);
    assert.equal(problems.length, 4);
    assert.match(problems[0]!, /unknown provider "ghost"/);
    assert.match(problems.join('\n'), /"from" is empty/);
    assert.match(problems.join('\n'), /"to" is empty/);
    assert.match(problems.join('\n'), /"bare" is not/);
  });

  it('returns the same cached answer and stays bounded', () => {
    const m = createModelMapper([{ from: '*', to: 'local/*' }], providers);
    assert.equal(m.resolve('a'), m.resolve('a'));
    for (let i = 0; i < 2000; i++) m.resolve(`model-${i}`);
    assert.equal(m.resolve('model-1999')?.targets[0]?.upstreamModel, 'model-1999');
  });
});

describe('model globs', () => {
  it("'*' crosses '/' and dotted names match", () => {
    assert.equal(compileGlob('openrouter/*')('openrouter/anthropic/claude'), true);
    assert.equal(compileGlob('*-mini')('openai/gpt-4o-mini'), true);
    assert.equal(compileGlob('*')('.hidden'), true);
    assert.equal(compileGlob('gpt-4?')('gpt-4o'), true);
    assert.equal(compileGlob('gpt-4?')('gpt-4o-mini'), false);
    assert.equal(compileGlob('plain')('plainer'), false);
  });

  it('counts literal characters', () => {
    assert.equal(literalCount('*'), 0);
    assert.equal(literalCount('gpt-*'), 4);
    assert.equal(literalCount('gpt-[45]o'), 5);
    assert.equal(literalCount('{a,b}-x'), 4);
  });
});
