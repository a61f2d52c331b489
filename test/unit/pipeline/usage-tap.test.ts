import assert from 'node:assert/strict';
import type { ProtocolId } from '../../../src/gateway/core/model';
import { createUsageTap, usageFromJson, usageFromJsonBytes } from '../../../src/gateway/pipeline/usage-tap';

/** The stream tap fed one event carrying the whole answer: how usage of whole answers was read before. */
function viaTap(protocol: ProtocolId, body: Record<string, unknown>) {
  const tap = createUsageTap(protocol);
  switch (protocol) {
    case 'openai-chat': tap.push({ data: JSON.stringify(body) }); break;
    case 'anthropic-messages': tap.push({ event: 'message_start', data: JSON.stringify({ message: body }) }); break;
    case 'openai-responses': tap.push({ event: 'response.completed', data: JSON.stringify({ response: body }) }); break;
    case 'gemini': tap.push({ data: JSON.stringify(body) }); break;
  }
  return tap.usage;
}

const ANSWERS: Array<[ProtocolId, Record<string, unknown>]> = [
  ['openai-chat', { id: 'x', choices: [{ message: { content: '"usage": {"prompt_tokens": 999}' } }], usage: { prompt_tokens: 12, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 4 }, completion_tokens_details: { reasoning_tokens: 1 } }, system_fingerprint: 'fp' }],
  ['openai-chat', { id: 'x', choices: [], usage: null }],
  ['anthropic-messages', { id: 'm', content: [{ type: 'text', text: 'hi' }], usage: { input_tokens: 5, output_tokens: 7, cache_read_input_tokens: 100, cache_creation_input_tokens: 20 } }],
  ['anthropic-messages', { id: 'm', content: [], usage: { output_tokens: 7 } }],
  ['openai-responses', { id: 'r', output: [], usage: { input_tokens: 9, output_tokens: 2, input_tokens_details: { cached_tokens: 3 }, output_tokens_details: { reasoning_tokens: 1 } }, user: null }],
  ['gemini', { candidates: [{ finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 8, candidatesTokenCount: 4, thoughtsTokenCount: 2, cachedContentTokenCount: 1 }, modelVersion: 'g' }],
];

describe('usage of whole JSON answers', () => {
  it('reads the same usage from the parsed body, from its bytes, and as the stream tap reads it', () => {
    for (const [protocol, body] of ANSWERS) {
      const expected = viaTap(protocol, body);
      assert.deepEqual(usageFromJson(protocol, body), expected, protocol);
      assert.deepEqual(usageFromJsonBytes(protocol, Buffer.from(JSON.stringify(body, null, 1))), { usage: expected }, protocol);
    }
  });

  it('asks for a full parse when the bytes do not tell', () => {
    assert.equal(usageFromJsonBytes('openai-chat', Buffer.from('{"id":"x","choices":[]}')), undefined); // no usage member
    assert.equal(usageFromJsonBytes('openai-chat', Buffer.from('<html>bad gateway</html>')), undefined);
    assert.equal(usageFromJsonBytes('openai-chat', Buffer.from('{"usage":{"prompt_tokens":1,}}')), undefined); // its value is not JSON
  });
});

describe('the stream usage tap (OpenAI chunks)', () => {
  const chunk = (o: Record<string, unknown>, space = ''): { data: string } => ({ data: JSON.stringify(o, null, space) });

  it('reads the final usage after `"usage":null` chunks, whatever the spacing', () => {
    for (const space of ['', ' ', '\t']) {
      const tap = createUsageTap('openai-chat');
      tap.push(chunk({ id: 'c', choices: [{ index: 0, delta: { content: 'hi' } }], usage: null }, space));
      tap.push(chunk({ id: 'c', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: null }, space));
      assert.equal(tap.usage, undefined, 'null usage is no usage');
      tap.push(chunk({ id: 'c', choices: [], usage: { prompt_tokens: 11, completion_tokens: 2 } }, space));
      assert.deepEqual(tap.usage, { inputTokens: 11, outputTokens: 2, cachedInputTokens: 0, reasoningTokens: 0 }, JSON.stringify(space));
    }
  });

  it('a null `usage` nested somewhere does not hide the top-level usage of the same chunk', () => {
    const tap = createUsageTap('openai-chat');
    tap.push(chunk({ id: 'c', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{}' } }] }, extra: { usage: null } }], usage: { prompt_tokens: 5, completion_tokens: 1 } }));
    assert.deepEqual(tap.usage, { inputTokens: 5, outputTokens: 1, cachedInputTokens: 0, reasoningTokens: 0 });
  });

  it('text that quotes `"usage":null` is not a member', () => {
    const tap = createUsageTap('openai-chat');
    tap.push(chunk({ id: 'c', choices: [{ index: 0, delta: { content: 'set "usage":null here' } }], usage: { prompt_tokens: 3, completion_tokens: 4 } }));
    assert.deepEqual(tap.usage, { inputTokens: 3, outputTokens: 4, cachedInputTokens: 0, reasoningTokens: 0 });
  });
});
