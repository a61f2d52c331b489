import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import type { ChatRequest, StreamEvent } from '../../../../src/gateway/core/model';
import { runSteps } from '../../../../src/gateway/core/stream';
import { anthropicMessages } from '../../../../src/gateway/protocols/anthropic-messages';
import { decodeSseText } from '../../../../src/gateway/sse/decode';
import { encodeSse } from '../../../../src/gateway/sse/encode';
import { startFakeAnthropic, type FakeAnthropic } from '../../../helpers/fake-anthropic';

const H = { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' };

describe('anthropic-messages codec against real parsers', () => {
  let fake: FakeAnthropic;
  let client: Anthropic;
  beforeEach(async () => {
    fake = await startFakeAnthropic({ cacheReadInputTokens: 50 });
    client = new Anthropic({ apiKey: 'k', baseURL: fake.url, maxRetries: 0 });
  });
  afterEach(() => fake.close());

  it('the SDK assembles our encoded stream of interleaved OpenAI-style tool calls', async () => {
    const req: ChatRequest = { model: 'claude-test', messages: [], stream: true };
    const events: StreamEvent[] = [
      { type: 'start', id: 'chatcmpl-1', model: 'gpt-x' },
      { type: 'reasoning-start', index: 0 },
      { type: 'reasoning-delta', index: 0, text: 'plan' },
      { type: 'reasoning-end', index: 0 },
      { type: 'text-start', index: 1 },
      { type: 'text-delta', index: 1, text: 'Calling tools' },
      { type: 'text-end', index: 1 },
      { type: 'tool-start', index: 2, callId: 'call_a', name: 'f' },
      { type: 'tool-start', index: 3, callId: 'call_b', name: 'g' },
      { type: 'tool-delta', index: 2, argsJson: '{"a":' },
      { type: 'tool-delta', index: 3, argsJson: '{"b":' },
      { type: 'tool-delta', index: 2, argsJson: '1}' },
      { type: 'tool-delta', index: 3, argsJson: '2}' },
      { type: 'tool-end', index: 2 },
      { type: 'tool-end', index: 3 },
      { type: 'finish', reason: 'tool-calls', usage: { inputTokens: 80, outputTokens: 9, cachedInputTokens: 50 } },
    ];
    const frames = runSteps(events, anthropicMessages.encodeStream(req)).map(encodeSse);
    fake.enqueue({ kind: 'sse', frames });
    const msg = await client.messages.stream({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).finalMessage();
    assert.deepEqual(msg.content, [
      { type: 'thinking', thinking: 'plan', signature: '' },
      { type: 'text', text: 'Calling tools' },
      { type: 'tool_use', id: 'call_a', name: 'f', input: { a: 1 } },
      { type: 'tool_use', id: 'call_b', name: 'g', input: { b: 2 } },
    ]);
    assert.equal(msg.stop_reason, 'tool_use');
    assert.equal(msg.usage.input_tokens, 30);
    assert.equal(msg.usage.cache_read_input_tokens, 50);
    assert.equal(msg.usage.output_tokens, 9);
  });

  it('the SDK reads our encoded error frame as an error', async () => {
    const err = anthropicMessages.decodeError(529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, {});
    const encoded = runSteps([{ type: 'start', id: 'msg_1', model: 'm' }, { type: 'error', error: err }] as StreamEvent[], anthropicMessages.encodeStream({ model: 'm', messages: [], stream: true }));
    fake.enqueue({ kind: 'sse', frames: encoded.map(encodeSse) });
    await assert.rejects(client.messages.stream({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).finalMessage(), /Overloaded/);
  });

  it('decodes the fake upstream stream of an encoded request (thinking + tool use)', async () => {
    const canonical: ChatRequest = {
      model: 'alias', stream: true, maxTokens: 500, reasoning: { effort: 'low' },
      tools: [{ name: 'lookup', parameters: { type: 'object', properties: { query: { type: 'string' } } } }],
      messages: [{ role: 'system', parts: [{ type: 'text', text: 'sys' }] }, { role: 'user', parts: [{ type: 'text', text: 'use tool please' }] }],
    };
    const call = anthropicMessages.encodeRequest(canonical, 'claude-test');
    const res = await fetch(`${fake.url}/v1${call.path}`, { method: 'POST', headers: { ...H, ...call.headers }, body: JSON.stringify(call.body) });
    assert.equal(res.status, 200);
    const events = runSteps(decodeSseText(await res.text()), anthropicMessages.decodeStream());
    assert.deepEqual(events.map((e) => e.type), [
      'start', 'reasoning-start', 'reasoning-delta', 'reasoning-delta', 'reasoning-signature', 'reasoning-end',
      'tool-start', 'tool-delta', 'tool-delta', 'tool-delta', 'tool-end', 'finish',
    ]);
    const args = events.filter((e): e is Extract<StreamEvent, { type: 'tool-delta' }> => e.type === 'tool-delta').map((e) => e.argsJson).join('');
    assert.deepEqual(JSON.parse(args), { query: 'use tool please' });
    const finish = events[events.length - 1]!;
    assert.ok(finish.type === 'finish');
    assert.equal(finish.reason, 'tool-calls');
    assert.equal(finish.usage?.cachedInputTokens, 50);
    assert.ok((finish.usage?.inputTokens ?? 0) > 50);
  });

  it('decodes the fake upstream JSON response', async () => {
    const call = anthropicMessages.encodeRequest({ model: 'a', stream: false, messages: [{ role: 'user', parts: [{ type: 'text', text: 'hi' }] }] }, 'claude-test');
    const res = await fetch(`${fake.url}/v1${call.path}`, { method: 'POST', headers: { ...H, ...call.headers }, body: JSON.stringify(call.body) });
    const decoded = anthropicMessages.decodeResponse(await res.json());
    assert.deepEqual(decoded.content, [{ type: 'text', text: 'echo: hi' }]);
    assert.equal(decoded.finish.reason, 'stop');
  });
});
