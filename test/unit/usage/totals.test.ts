import assert from 'node:assert/strict';
import { pricesFromConfig } from '../../../src/gateway/usage/totals';

describe('usage/totals', () => {
  it('pricesFromConfig: provider and model first, then provider/model as the model, then a bare model (first provider wins)', () => {
    const a = { input: 1 }, b = { input: 2 }, c = { input: 3 }, slash = { input: 4 };
    const prices = pricesFromConfig({ providers: [
      { id: 'p1', type: 'openai', keys: [], models: [{ id: 'm', prices: a }, { id: 'org/x', prices: slash }, 'plain'] },
      { id: 'p2', type: 'openai', keys: [], models: [{ id: 'm', prices: b }, { id: 'only2', prices: c }] },
    ] } as never);
    assert.equal(prices('m', 'p2'), b);
    assert.equal(prices('m', 'p1'), a);
    assert.equal(prices('m'), a, 'a bare id: the first provider in config order');
    assert.equal(prices('m', 'unknown'), a, 'an unknown provider falls back to the bare id');
    assert.equal(prices('p2/m'), b);
    assert.equal(prices('p2/m', 'p1'), b, 'provider/model as the model, when the provider does not list it');
    assert.equal(prices('only2', 'p1'), c, 'a model of another provider is found by its bare id');
    assert.equal(prices('org/x', 'p1'), slash, 'model ids may contain a slash');
    assert.equal(prices('p1/org/x'), slash);
    assert.equal(prices('plain', 'p1'), undefined);
    assert.equal(prices('nothing', 'p1'), undefined);
  });
});
