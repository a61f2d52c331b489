import assert from 'node:assert/strict';
import { decodeUsage, encodeUsage, mergeWireUsage } from '../../../../src/gateway/protocols/anthropic-messages/usage';

describe('anthropic-messages usage', () => {
  it('decode adds cache reads and writes to input tokens', () => {
    assert.deepEqual(decodeUsage({ input_tokens: 3, output_tokens: 9, cache_read_input_tokens: 1000, cache_creation_input_tokens: 200, output_tokens_details: { thinking_tokens: 4 } }),
      { inputTokens: 1203, outputTokens: 9, cachedInputTokens: 1000, cacheCreationInputTokens: 200, reasoningTokens: 4 });
    assert.deepEqual(decodeUsage({ input_tokens: 3, output_tokens: 1, cache_read_input_tokens: null }), { inputTokens: 3, outputTokens: 1 });
    assert.deepEqual(decodeUsage(undefined), { inputTokens: 0, outputTokens: 0 });
  });

  it('encode subtracts them again and is the inverse of decode', () => {
    const wire = { input_tokens: 3, output_tokens: 9, cache_read_input_tokens: 1000, cache_creation_input_tokens: 200 };
    assert.deepEqual(encodeUsage(decodeUsage(wire)), wire);
    assert.deepEqual(encodeUsage({ inputTokens: 10, outputTokens: 2 }), { input_tokens: 10, output_tokens: 2, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
    assert.equal(encodeUsage({ inputTokens: 1, outputTokens: 0, cachedInputTokens: 5, cacheCreationInputTokens: 5 }).input_tokens, 0);
  });

  it('message_delta usage overrides message_start usage field by field, ignoring nulls', () => {
    assert.deepEqual(mergeWireUsage({ input_tokens: 10, output_tokens: 1, cache_read_input_tokens: 5 }, { output_tokens: 30, input_tokens: null }),
      { input_tokens: 10, output_tokens: 30, cache_read_input_tokens: 5 });
  });
});
