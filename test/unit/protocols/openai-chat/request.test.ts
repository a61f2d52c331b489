import assert from 'node:assert/strict';
import type { ChatRequest } from '../../../../src/gateway/core/model';
import { GatewayError } from '../../../../src/gateway/core/errors';
import { openaiChat } from '../../../../src/gateway/protocols/openai-chat';
import { encodeRequest } from '../../../../src/gateway/protocols/openai-chat/request';

const ctx = { params: {}, headers: {}, query: {} };
const decode = (body: Record<string, unknown>): ChatRequest => openaiChat.decodeRequest(body, ctx);
const body = (req: ChatRequest, model = 'up-model'): Record<string, unknown> =>
  openaiChat.encodeRequest(req, model).body as Record<string, unknown>;

function invalid(fn: () => unknown, param: string, code?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(GatewayError.is(e));
    assert.equal(e.kind, 'invalid_request');
    assert.equal(e.status, 400);
    assert.equal(e.info.param, param);
    if (code) assert.equal(e.code, code);
    return true;
  });
}

describe('openai-chat routing fields', () => {
  it('decodes model, stream and the larger of the two token limits (what admission and routing read)', () => {
    const req = openaiChat.decodeRequest({ model: 'm', stream: true, max_tokens: 10, max_completion_tokens: 300, messages: [{ role: 'user', content: 'x' }] }, ctx);
    assert.deepEqual([req.model, req.stream, req.maxTokens], ['m', true, 300]);
  });
});

describe('openai-chat decodeRequest', () => {
  it('decodes every top-level field', () => {
    const req = decode({
      model: 'gpt-x', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }],
      temperature: 0.5, top_p: 0.9, stop: 'END', presence_penalty: 0.1, frequency_penalty: 0.2, seed: 7, max_tokens: 100,
      response_format: { type: 'json_object' }, parallel_tool_calls: false, reasoning_effort: 'high', user: 'u1',
      metadata: { a: 'b' }, n: 1,
      tools: [{ type: 'function', function: { name: 'get', description: 'd', parameters: { type: 'object' }, strict: true } }],
      tool_choice: { type: 'function', function: { name: 'get' } },
    });
    assert.equal(req.model, 'gpt-x');
    assert.equal(req.stream, true);
    assert.equal(req.includeUsage, true);
    assert.equal(req.temperature, 0.5);
    assert.equal(req.topP, 0.9);
    assert.deepEqual(req.stop, ['END']);
    assert.equal(req.presencePenalty, 0.1);
    assert.equal(req.frequencyPenalty, 0.2);
    assert.equal(req.seed, 7);
    assert.equal(req.maxTokens, 100);
    assert.deepEqual(req.responseFormat, { type: 'json' });
    assert.equal(req.parallelToolCalls, false);
    assert.deepEqual(req.reasoning, { effort: 'high' });
    assert.equal(req.user, 'u1');
    assert.deepEqual(req.metadata, { a: 'b' });
    assert.equal(req.n, 1);
    assert.deepEqual(req.tools, [{ name: 'get', description: 'd', parameters: { type: 'object' }, strict: true }]);
    assert.deepEqual(req.toolChoice, { type: 'tool', name: 'get' });
    assert.equal(req.extra, undefined);
  });

  it('keeps unknown top-level fields in extra and marks max_completion_tokens', () => {
    const req = decode({ model: 'm', messages: [{ role: 'user', content: 'x' }], logprobs: true, service_tier: 'flex',
      max_completion_tokens: 50, max_tokens: 20, stream_options: { include_usage: false, include_obfuscation: false } });
    assert.equal(req.maxTokens, 50);
    assert.equal(req.includeUsage, false);
    assert.deepEqual(req.extra, { 'openai-chat': { logprobs: true, service_tier: 'flex', max_completion_tokens: true,
      stream_options: { include_obfuscation: false } } });
  });

  it('decodes json_schema response formats, stop arrays, tool_choice strings and effort none', () => {
    const req = decode({ model: 'm', messages: [{ role: 'user', content: 'x' }], stop: ['a', 'b'], tool_choice: 'required',
      reasoning_effort: 'none', response_format: { type: 'json_schema', json_schema: { name: 'out', schema: { type: 'object' }, strict: true } } });
    assert.deepEqual(req.stop, ['a', 'b']);
    assert.deepEqual(req.toolChoice, { type: 'required' });
    assert.deepEqual(req.reasoning, { enabled: false, effort: 'none' });
    assert.deepEqual(req.responseFormat, { type: 'json-schema', name: 'out', schema: { type: 'object' }, strict: true });
  });

  it('decodes system, developer and user messages with images', () => {
    const req = decode({ model: 'm', messages: [
      { role: 'system', content: 'sys' },
      { role: 'developer', content: [{ type: 'text', text: 'dev' }] },
      { role: 'user', name: 'bob', content: [
        { type: 'text', text: 'look', cache_control: { type: 'ephemeral' } },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'high' } },
        { type: 'image_url', image_url: { url: 'https://x.test/a.jpg' } },
      ] },
    ] });
    assert.deepEqual(req.messages[0], { role: 'system', parts: [{ type: 'text', text: 'sys' }] });
    assert.deepEqual(req.messages[1], { role: 'system', parts: [{ type: 'text', text: 'dev' }], extra: { 'openai-chat': { role: 'developer' } } });
    assert.deepEqual(req.messages[2], { role: 'user', extra: { 'openai-chat': { name: 'bob' } }, parts: [
      { type: 'text', text: 'look', extra: { 'anthropic-messages': { cache_control: { type: 'ephemeral' } } } },
      { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAAA' }, detail: 'high' },
      { type: 'image', source: { kind: 'url', url: 'https://x.test/a.jpg' } },
    ] });
  });

  it('decodes assistant reasoning, text and tool calls, then tool results', () => {
    const req = decode({ model: 'm', messages: [
      { role: 'user', content: 'q' },
      { role: 'assistant', content: 'calling', reasoning_content: 'think',
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get', arguments: '{"a":1}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'result' },
      { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: 'r2' }, { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,BB' } }] },
    ] });
    assert.deepEqual(req.messages[1], { role: 'assistant', parts: [
      { type: 'reasoning', text: 'think' },
      { type: 'text', text: 'calling' },
      { type: 'tool-call', callId: 'call_1', name: 'get', argsJson: '{"a":1}' },
    ] });
    assert.deepEqual(req.messages[2], { role: 'tool', parts: [{ type: 'tool-result', callId: 'call_1', content: [{ type: 'text', text: 'result' }] }] });
    assert.deepEqual(req.messages[3]!.parts[0], { type: 'tool-result', callId: 'call_2', content: [
      { type: 'text', text: 'r2' }, { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: 'BB' } }] });
  });

  it('rejects bad input with errors naming the param', () => {
    const messages = [{ role: 'user', content: 'x' }];
    invalid(() => decode({ messages }), 'model', 'missing_required_parameter');
    invalid(() => decode({ model: 5, messages }), 'model');
    invalid(() => decode({ model: 'm' }), 'messages', 'missing_required_parameter');
    invalid(() => decode({ model: 'm', messages: {} }), 'messages');
    invalid(() => decode({ model: 'm', messages: [] }), 'messages');
    invalid(() => decode({ model: 'm', messages: [{ role: 'wizard', content: 'x' }] }), 'messages[0].role');
    invalid(() => decode({ model: 'm', messages: [messages[0], { role: 'tool', content: 'x' }] }), 'messages[1].tool_call_id');
    invalid(() => decode({ model: 'm', messages: [{ role: 'user', content: 42 }] }), 'messages[0].content');
    invalid(() => decode({ model: 'm', messages: [{ role: 'user', content: [{ type: 'input_audio' }] }] }), 'messages[0].content[0].type');
    invalid(() => decode({ model: 'm', messages: [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'u' } }] }] }), 'messages[0].content[0].type');
    invalid(() => decode({ model: 'm', messages: [{ role: 'assistant', tool_calls: [{ type: 'function', function: { name: 'f' } }] }] }), 'messages[0].tool_calls[0].id');
    invalid(() => decode({ model: 'm', messages, temperature: 'hot' }), 'temperature');
    invalid(() => decode({ model: 'm', messages, stop: [1] }), 'stop');
    invalid(() => decode({ model: 'm', messages, tools: [{ type: 'web_search' }] }), 'tools[0].type');
    invalid(() => decode({ model: 'm', messages, tool_choice: 'sometimes' }), 'tool_choice');
    invalid(() => decode({ model: 'm', messages, reasoning_effort: 'extreme' }), 'reasoning_effort');
    invalid(() => decode({ model: 'm', messages, response_format: { type: 'yaml' } }), 'response_format.type');
  });
});

describe('openai-chat encodeRequest', () => {
  const base: ChatRequest = { model: 'alias', stream: false, messages: [{ role: 'user', parts: [{ type: 'text', text: 'hi' }] }] };

  it('encodes top-level fields and the upstream model', () => {
    const call = openaiChat.encodeRequest({
      ...base, stream: true, maxTokens: 99, temperature: 0, topP: 1, stop: ['x'], presencePenalty: 0.5, frequencyPenalty: 0.25,
      seed: 3, n: 1, responseFormat: { type: 'json-schema', name: 's', schema: { type: 'object' }, strict: true },
      tools: [{ name: 't', parameters: { type: 'object' }, description: 'desc' }], toolChoice: { type: 'tool', name: 't' },
      parallelToolCalls: true, reasoning: { effort: 'low' }, user: 'u', metadata: { k: 'v' },
    }, 'real-model');
    assert.equal(call.path, '/chat/completions');
    assert.equal(call.stream, true);
    assert.deepEqual(call.body, {
      model: 'real-model', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true },
      max_tokens: 99, temperature: 0, top_p: 1, stop: ['x'], presence_penalty: 0.5, frequency_penalty: 0.25, seed: 3, n: 1,
      response_format: { type: 'json_schema', json_schema: { name: 's', schema: { type: 'object' }, strict: true } },
      tools: [{ type: 'function', function: { name: 't', description: 'desc', parameters: { type: 'object' } } }],
      tool_choice: { type: 'function', function: { name: 't' } }, parallel_tool_calls: true, reasoning_effort: 'low',
      user: 'u', metadata: { k: 'v' },
    });
  });

  it('re-applies openai-chat extras and uses max_completion_tokens when the caller did', () => {
    const req = decode({ model: 'm', messages: [{ role: 'user', content: 'x' }], max_completion_tokens: 40, logprobs: true,
      stream: true, stream_options: { include_usage: false, include_obfuscation: false } });
    const out = body({ ...req, maxTokens: 30 });
    assert.equal(out.max_completion_tokens, 30);
    assert.equal(out.max_tokens, undefined);
    assert.equal(out.logprobs, true);
    assert.deepEqual(out.stream_options, { include_obfuscation: false, include_usage: true });
  });

  it('keeps system messages in place, restores developer role and joins system text', () => {
    const out = body({ ...base, messages: [
      { role: 'system', parts: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b', extra: { 'anthropic-messages': { cache_control: {} } } }] },
      { role: 'user', parts: [{ type: 'text', text: 'q' }] },
      { role: 'system', parts: [{ type: 'text', text: 'late' }], extra: { 'openai-chat': { role: 'developer' } } },
    ] });
    assert.deepEqual(out.messages, [
      { role: 'system', content: 'a\n\nb' }, { role: 'user', content: 'q' }, { role: 'developer', content: 'late' },
    ]);
  });

  it('encodes assistant tool calls with reasoning_content, and tool results with images after the run', () => {
    const out = body({ ...base, messages: [
      { role: 'user', parts: [{ type: 'text', text: 'q' }, { type: 'image', source: { kind: 'url', url: 'http://i' }, detail: 'low' }] },
      { role: 'assistant', parts: [
        { type: 'reasoning', text: 'hmm', signature: 'sig' },
        { type: 'tool-call', callId: 'c1', name: 'shot', argsJson: '' },
        { type: 'tool-call', callId: 'c2', name: 'read', argsJson: '{"p":1}' },
      ] },
      { role: 'tool', parts: [{ type: 'tool-result', callId: 'c1', content: [
        { type: 'text', text: 'took it' }, { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'QQ' } }] }] },
      { role: 'tool', parts: [{ type: 'tool-result', callId: 'c2', content: [{ type: 'text', text: 'file' }] }] },
      { role: 'assistant', parts: [{ type: 'text', text: 'done' }] },
    ] });
    assert.deepEqual(out.messages, [
      { role: 'user', content: [{ type: 'text', text: 'q' }, { type: 'image_url', image_url: { url: 'http://i', detail: 'low' } }] },
      { role: 'assistant', content: null, reasoning_content: 'hmm', tool_calls: [
        { id: 'c1', type: 'function', function: { name: 'shot', arguments: '{}' } },
        { id: 'c2', type: 'function', function: { name: 'read', arguments: '{"p":1}' } },
      ] },
      { role: 'tool', tool_call_id: 'c1', content: 'took it' },
      { role: 'tool', tool_call_id: 'c2', content: 'file' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,QQ' } }] },
      { role: 'assistant', content: 'done' },
    ]);
  });

  it('omits reasoning_content when asked to', () => {
    const call = encodeRequest({ ...base, messages: [{ role: 'assistant', parts: [{ type: 'reasoning', text: 'r' }, { type: 'text', text: 't' }] }] },
      'm', { reasoningContent: false });
    assert.deepEqual((call.body as { messages: unknown }).messages, [{ role: 'assistant', content: 't' }]);
  });

  it('splits Anthropic-style user turns holding tool results and text', () => {
    const out = body({ ...base, messages: [{ role: 'user', parts: [
      { type: 'tool-result', callId: 'c9', content: [{ type: 'text', text: 'ok' }] }, { type: 'text', text: 'next' }] }] });
    assert.deepEqual(out.messages, [{ role: 'tool', tool_call_id: 'c9', content: 'ok' }, { role: 'user', content: 'next' }]);
  });

  it('round-trips a decoded request', () => {
    const wire = { model: 'm', messages: [
      { role: 'developer', content: 'be nice' }, { role: 'user', content: 'hi' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'c', content: 'r' },
    ], temperature: 1, tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }],
    tool_choice: 'auto', logit_bias: { '1': 2 } };
    assert.deepEqual(body(decode(wire), 'm'), wire);
  });
});
