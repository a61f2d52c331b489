import assert from 'node:assert/strict';
import type { ChatResponse } from '../../../../src/gateway/core/model';
import { GatewayError } from '../../../../src/gateway/core/errors';
import { openaiChat } from '../../../../src/gateway/protocols/openai-chat';

const req = { model: 'm', stream: false, messages: [] };

describe('openai-chat decodeResponse', () => {
  it('decodes content, reasoning, tool calls, finish and usage', () => {
    const res = openaiChat.decodeResponse({
      id: 'chatcmpl-1', object: 'chat.completion', created: 1700000000, model: 'gpt-x', system_fingerprint: 'fp',
      choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: 'let me check', reasoning_content: 'plan',
        tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'get', arguments: '{"q":"x"}' } }] } }],
      usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120,
        prompt_tokens_details: { cached_tokens: 60 }, completion_tokens_details: { reasoning_tokens: 5 } },
    });
    assert.deepEqual(res, {
      id: 'chatcmpl-1', model: 'gpt-x', created: 1700000000,
      content: [{ type: 'reasoning', text: 'plan' }, { type: 'text', text: 'let me check' },
        { type: 'tool-call', callId: 'call_a', name: 'get', argsJson: '{"q":"x"}' }],
      finish: { reason: 'tool-calls', raw: 'tool_calls' },
      usage: { inputTokens: 100, outputTokens: 20, cachedInputTokens: 60, reasoningTokens: 5 },
      extra: { 'openai-chat': { system_fingerprint: 'fp' } },
    });
  });

  it('maps finish reasons and DeepSeek cache fields', () => {
    const mk = (finish_reason: string | null, extra: Record<string, unknown> = {}) => openaiChat.decodeResponse({
      id: 'x', model: 'm', choices: [{ index: 0, finish_reason, message: { role: 'assistant', content: 'hi', ...extra } }],
      usage: { prompt_tokens: 10, completion_tokens: 1, total_tokens: 11, prompt_cache_hit_tokens: 4 } });
    assert.equal(mk('stop').finish.reason, 'stop');
    assert.equal(mk('length').finish.reason, 'length');
    assert.equal(mk('content_filter').finish.reason, 'content-filter');
    assert.equal(mk('function_call').finish.reason, 'tool-calls');
    assert.equal(mk('eos').finish.reason, 'other');
    assert.equal(mk(null).finish.reason, 'other');
    assert.equal(mk('stop').usage?.cachedInputTokens, 4);
    const stopWithTools = mk('stop', { tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] });
    assert.deepEqual(stopWithTools.finish, { reason: 'tool-calls', raw: 'stop' });
  });

  it('throws an upstream error for bodies without choices', () => {
    assert.throws(() => openaiChat.decodeResponse({ id: 'x', choices: [] }), (e: unknown) => GatewayError.is(e) && e.kind === 'upstream');
    assert.throws(() => openaiChat.decodeResponse('nope'), (e: unknown) => GatewayError.is(e) && e.kind === 'upstream');
  });
});

describe('openai-chat encodeResponse', () => {
  it('encodes a chat.completion with tool calls and null content', () => {
    const res: ChatResponse = {
      id: 'msg_01', model: 'claude-x', created: 5,
      content: [{ type: 'reasoning', text: 'r', signature: 's' }, { type: 'tool-call', callId: 'toolu_1', name: 'f', argsJson: '{"a":1}' }],
      finish: { reason: 'tool-calls', raw: 'tool_use' },
      usage: { inputTokens: 30, outputTokens: 7, cachedInputTokens: 10, cacheCreationInputTokens: 5 },
    };
    assert.deepEqual(openaiChat.encodeResponse(res, req), {
      id: 'chatcmpl-msg_01', object: 'chat.completion', created: 5, model: 'claude-x',
      choices: [{ index: 0, finish_reason: 'tool_calls', logprobs: null, message: { role: 'assistant', content: null,
        reasoning_content: 'r', tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] } }],
      usage: { prompt_tokens: 30, completion_tokens: 7, total_tokens: 37, prompt_tokens_details: { cached_tokens: 10 } },
    });
  });

  it('encodes plain text, keeps OpenAI raw finish words and round-trips', () => {
    const res: ChatResponse = { id: 'chatcmpl-z', model: 'm', created: 1, content: [{ type: 'text', text: 'hello' }],
      finish: { reason: 'length', raw: 'length' }, usage: { inputTokens: 1, outputTokens: 2, reasoningTokens: 1 } };
    const wire = openaiChat.encodeResponse(res, req);
    assert.equal((wire as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content, 'hello');
    assert.deepEqual(openaiChat.decodeResponse(wire), res);
    const other = openaiChat.encodeResponse({ ...res, finish: { reason: 'other', raw: 'weird' } }, req) as { choices: Array<{ finish_reason: string }> };
    assert.equal(other.choices[0]!.finish_reason, 'stop');
  });
});
