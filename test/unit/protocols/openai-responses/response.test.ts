import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { openaiResponses } from '../../../../src/gateway/protocols/openai-responses';
import type { ChatRequest, ChatResponse, ReasoningPart } from '../../../../src/gateway/core/model';
import { fakeOutput } from '../../../helpers/fake-responses';
import { startFakeServer, writeJson } from '../../../helpers/fake-server';

const req: ChatRequest = { model: 'client', messages: [{ role: 'system', parts: [{ type: 'text', text: 'sys' }] }, { role: 'user', parts: [{ type: 'text', text: 'q' }] }], stream: false, maxTokens: 100,
  tools: [{ name: 'lookup', parameters: { type: 'object' } }], reasoning: { effort: 'low' } };

describe('openai-responses response', () => {
  it('decodes an upstream body: reasoning blob, text, calls, usage, status', () => {
    const body = { id: 'resp_1', model: 'gpt', created_at: 7, status: 'completed', output: [
      { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'hm' }], encrypted_content: 'gAAAAAxyz' },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'hi', annotations: [] }, { type: 'refusal', refusal: 'no' }] },
      { type: 'function_call', call_id: 'c1', name: 'get', namespace: 'crm', arguments: '{"id":1}' },
      { type: 'web_search_call', id: 'ws' },
    ], usage: { input_tokens: 10, input_tokens_details: { cached_tokens: 2 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 1 }, total_tokens: 15 } };
    const res = openaiResponses.decodeResponse(body);
    assert.equal(res.id, 'resp_1'); assert.equal(res.created, 7);
    assert.deepEqual(res.finish, { reason: 'tool-calls', raw: 'completed' });
    assert.deepEqual(res.usage, { inputTokens: 10, outputTokens: 5, cachedInputTokens: 2, reasoningTokens: 1 });
    const r = res.content[0] as ReasoningPart;
    assert.equal(r.text, 'hm'); assert.equal(r.signature, 'gAAAAAxyz');
    assert.deepEqual(res.content.slice(1, 3), [{ type: 'text', text: 'hi' }, { type: 'text', text: 'no', extra: { 'openai-responses': { refusal: true } } }]);
    assert.deepEqual(res.content[3], { type: 'tool-call', callId: 'c1', name: 'crm__get', argsJson: '{"id":1}', extra: { 'openai-responses': { namespace: 'crm', name: 'get' } } });
    assert.equal(openaiResponses.decodeResponse({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [] }).finish.reason, 'length');
  });

  it('decodes the fake upstream\'s body', () => {
    const body = { model: 'm', input: 'hello', reasoning: { effort: 'low' } };
    const res = openaiResponses.decodeResponse({ id: 'resp_f', status: 'completed', model: 'm', output: fakeOutput(body) });
    assert.deepEqual(res.content.map((p) => p.type), ['reasoning', 'text']);
  });

  it('encodes a response the official SDK parses, with echo fields', async () => {
    const res: ChatResponse = { id: 'msg_01', model: 'claude', created: 9, content: [
      { type: 'reasoning', text: 'think', signature: 'Esig' }, { type: 'text', text: 'A' }, { type: 'text', text: 'B' },
      { type: 'tool-call', callId: 'toolu_1', name: 'lookup', argsJson: '{}' },
    ], finish: { reason: 'tool-calls' }, usage: { inputTokens: 3, outputTokens: 4 } };
    const wire = openaiResponses.encodeResponse(res, req) as Record<string, any>;
    assert.equal(wire.object, 'response'); assert.match(wire.id, /^resp_/); assert.equal(wire.status, 'completed');
    assert.equal(wire.instructions, 'sys'); assert.equal(wire.max_output_tokens, 100);
    assert.deepEqual(wire.reasoning, { effort: 'low', summary: null });
    assert.deepEqual(wire.tools, [{ type: 'function', name: 'lookup', parameters: { type: 'object' } }]);
    assert.deepEqual(wire.output.map((o: any) => o.type), ['reasoning', 'message', 'function_call']);
    assert.match(wire.output[0].encrypted_content, /^sbr1:/);
    assert.match(wire.output[2].id, /^fc_/);
    assert.equal(wire.usage.total_tokens, 7);
    const server = await startFakeServer((_r, out) => writeJson(out, 200, wire));
    try {
      const client = new OpenAI({ baseURL: server.url, apiKey: 'k', maxRetries: 0 });
      const parsed = await client.responses.create({ model: 'client', input: 'q' });
      assert.equal(parsed.output_text, 'AB');
    } finally { await server.close(); }
  });

  it('encodes length as incomplete with max_output_tokens', () => {
    const wire = openaiResponses.encodeResponse({ id: 'resp_z', model: 'm', content: [{ type: 'text', text: 'x' }], finish: { reason: 'length' } }, req) as Record<string, any>;
    assert.equal(wire.status, 'incomplete');
    assert.deepEqual(wire.incomplete_details, { reason: 'max_output_tokens' });
    assert.equal(wire.id, 'resp_z');
  });
});
