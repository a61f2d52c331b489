import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { openaiResponses } from '../../../../src/gateway/protocols/openai-responses';
import { runSteps } from '../../../../src/gateway/core/stream';
import { encodeSse } from '../../../../src/gateway/sse/encode';
import { decodeSseText } from '../../../../src/gateway/sse/decode';
import { GatewayError } from '../../../../src/gateway/core/errors';
import type { ChatRequest, ReasoningPart, StreamEvent } from '../../../../src/gateway/core/model';
import type { SseFrame } from '../../../../src/gateway/sse/types';
import { startFakeServer, writeSse } from '../../../helpers/fake-server';

type Data = Record<string, any>;

/** Checks the Responses event grammar and returns the parsed events. */
function validate(frames: SseFrame[]): Data[] {
  const events = frames.map((f) => {
    assert.ok('data' in f);
    const d = JSON.parse(f.data) as Data;
    assert.equal(f.event, d.type, 'event: name equals data.type');
    return d;
  });
  events.forEach((d, i) => assert.equal(d.sequence_number, i, 'sequence_number counts from 0'));
  assert.equal(events[0]?.type, 'response.created');
  assert.equal(events[0]?.response.status, 'in_progress');
  const terminals = events.filter((d) => ['response.completed', 'response.incomplete', 'response.failed'].includes(d.type));
  assert.equal(terminals.length, 1, 'exactly one terminal event');
  assert.equal(events[events.length - 1], terminals[0], 'terminal event is last');
  const added = new Map<number, Data>();
  const doneIdx = new Set<number>();
  for (const d of events) {
    if (d.type === 'response.output_item.added') {
      assert.equal(d.output_index, added.size, 'output_index counts items');
      added.set(d.output_index, d.item);
    } else if (d.type === 'response.output_item.done') {
      assert.equal(added.get(d.output_index)?.id, d.item.id);
      doneIdx.add(d.output_index);
    } else if ('item_id' in d) {
      assert.equal(added.get(d.output_index)?.id, d.item_id, `${d.type} refers to an added item`);
      assert.ok(!doneIdx.has(d.output_index), `${d.type} after its item is done`);
    }
  }
  const terminal = terminals[0]!;
  if (terminal.type !== 'response.failed') {
    assert.equal(doneIdx.size, added.size, 'every added item is done');
    assert.deepEqual(terminal.response.output.map((o: Data) => o.id), [...added.values()].map((o) => o.id));
  }
  return events;
}

const baseReq: ChatRequest = { model: 'client-model', messages: [{ role: 'user', parts: [{ type: 'text', text: 'hi' }] }], stream: true };
const encode = (events: StreamEvent[], req: ChatRequest = baseReq): SseFrame[] => runSteps(events, openaiResponses.encodeStream(req));

const fullStream: StreamEvent[] = [
  { type: 'start', id: 'msg_abc', model: 'claude-x' },
  { type: 'reasoning-start', index: 0 },
  { type: 'reasoning-delta', index: 0, text: 'Let me ' },
  { type: 'reasoning-delta', index: 0, text: 'think.' },
  { type: 'reasoning-signature', index: 0, signature: 'EqSigFromAnthropic' },
  { type: 'reasoning-end', index: 0 },
  { type: 'text-start', index: 1 },
  { type: 'text-delta', index: 1, text: 'Hello ' },
  { type: 'text-delta', index: 1, text: 'world' },
  { type: 'text-end', index: 1 },
  { type: 'tool-start', index: 2, callId: 'toolu_1', name: 'lookup' },
  { type: 'tool-delta', index: 2, argsJson: '{"q":' },
  { type: 'tool-delta', index: 2, argsJson: '"x"}' },
  { type: 'tool-end', index: 2 },
  { type: 'finish', reason: 'tool-calls', usage: { inputTokens: 20, outputTokens: 9, cachedInputTokens: 5, reasoningTokens: 3 } },
];

describe('openai-responses encodeStream', () => {
  it('emits the full, valid sequence for reasoning, text and a tool call', () => {
    const events = validate(encode(fullStream));
    assert.deepEqual(events.map((e) => e.type), [
      'response.created', 'response.in_progress',
      'response.output_item.added', 'response.reasoning_summary_part.added', 'response.reasoning_summary_text.delta', 'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done', 'response.reasoning_summary_part.done', 'response.output_item.done',
      'response.output_item.added', 'response.content_part.added', 'response.output_text.delta', 'response.output_text.delta',
      'response.output_text.done', 'response.content_part.done', 'response.output_item.done',
      'response.output_item.added', 'response.function_call_arguments.delta', 'response.function_call_arguments.delta',
      'response.function_call_arguments.done', 'response.output_item.done', 'response.completed',
    ]);
    const completed = events[events.length - 1]!.response;
    assert.match(completed.id, /^resp_/);
    assert.equal(completed.model, 'claude-x');
    assert.deepEqual(completed.usage, { input_tokens: 20, input_tokens_details: { cached_tokens: 5 }, output_tokens: 9, output_tokens_details: { reasoning_tokens: 3 }, total_tokens: 29 });
    assert.match(completed.output[0].encrypted_content, /^sbr1:/);
    assert.deepEqual(completed.output[0].summary, [{ type: 'summary_text', text: 'Let me think.' }]);
    assert.equal(completed.output[1].content[0].text, 'Hello world');
    assert.deepEqual({ ...completed.output[2], id: 'x' }, { id: 'x', type: 'function_call', status: 'completed', call_id: 'toolu_1', name: 'lookup', arguments: '{"q":"x"}' });
  });

  it('carries non-OpenAI reasoning back into the next request (round trip)', () => {
    const events = validate(encode(fullStream));
    const output = events[events.length - 1]!.response.output as Data[];
    const next = openaiResponses.decodeRequest({ model: 'm', input: [{ role: 'user', content: 'hi' }, ...output, { type: 'function_call_output', call_id: 'toolu_1', output: 'r' }] }, { params: {}, headers: {}, query: {} });
    const reasoning = next.messages[1]!.parts[0] as ReasoningPart;
    assert.equal(reasoning.text, 'Let me think.');
    assert.equal(reasoning.signature, 'EqSigFromAnthropic');
    const call = next.messages[1]!.parts[2]!;
    assert.ok(call.type === 'tool-call' && call.callId === 'toolu_1' && call.argsJson === '{"q":"x"}');
  });

  it('passes OpenAI blobs through unchanged and carries redacted thinking', () => {
    const ev = validate(encode([
      { type: 'reasoning-start', index: 0 }, { type: 'reasoning-signature', index: 0, signature: 'gAAAAAopenaiBlob' }, { type: 'reasoning-end', index: 0 },
      { type: 'reasoning-start', index: 1, redactedData: 'REDACTED' }, { type: 'reasoning-end', index: 1 },
      { type: 'finish', reason: 'stop' },
    ]));
    const output = ev[ev.length - 1]!.response.output;
    assert.equal(output[0].encrypted_content, 'gAAAAAopenaiBlob');
    const next = openaiResponses.decodeRequest({ model: 'm', input: [{ role: 'user', content: 'x' }, output[1]] }, { params: {}, headers: {}, query: {} });
    assert.equal((next.messages[1]!.parts[0] as ReasoningPart).redactedData, 'REDACTED');
  });

  it('renders custom and namespaced tools as the client declared them', () => {
    const req = openaiResponses.decodeRequest({ model: 'm', input: 'x', tools: [
      { type: 'custom', name: 'apply_patch' },
      { type: 'namespace', name: 'crm', description: 'CRM', tools: [{ type: 'function', name: 'find', parameters: { type: 'object' } }] },
    ] }, { params: {}, headers: {}, query: {} });
    const events = validate(encode([
      { type: 'tool-start', index: 0, callId: 'c1', name: 'apply_patch' },
      { type: 'tool-delta', index: 0, argsJson: '{"input":"*** Begin Patch\\n' },
      { type: 'tool-delta', index: 0, argsJson: '*** End Patch"}' },
      { type: 'tool-end', index: 0 },
      { type: 'tool-start', index: 1, callId: 'c2', name: 'crm__find' },
      { type: 'tool-delta', index: 1, argsJson: '{}' },
      { type: 'tool-end', index: 1 },
      { type: 'finish', reason: 'tool-calls' },
    ], req));
    const types = events.map((e) => e.type);
    assert.ok(types.includes('response.custom_tool_call_input.done'));
    assert.ok(!types.includes('response.function_call_arguments.delta') || events.find((e) => e.type === 'response.function_call_arguments.delta')!.output_index === 1);
    const output = events[events.length - 1]!.response.output;
    assert.equal(output[0].type, 'custom_tool_call');
    assert.equal(output[0].input, '*** Begin Patch\n*** End Patch');
    assert.deepEqual([output[1].type, output[1].name, output[1].namespace], ['function_call', 'find', 'crm']);
  });

  it('ends with response.incomplete for length and response.failed with Codex codes for errors', () => {
    const inc = validate(encode([{ type: 'text-start', index: 0 }, { type: 'text-delta', index: 0, text: 'a' }, { type: 'finish', reason: 'length' }]));
    const last = inc[inc.length - 1]!;
    assert.equal(last.type, 'response.incomplete');
    assert.deepEqual(last.response.incomplete_details, { reason: 'max_output_tokens' });
    assert.equal(last.response.output[0].content[0].text, 'a');

    const rl = validate(encode([{ type: 'error', error: new GatewayError('rate_limit', 'Rate limited.', { retryAfterMs: 2500 }) }]));
    assert.deepEqual(rl[rl.length - 1]!.response.error, { code: 'rate_limit_exceeded', message: 'Rate limited. Please try again in 3s.' });
    const ctx = validate(encode([{ type: 'start', id: 'x', model: 'm' }, { type: 'error', error: new GatewayError('invalid_request', 'prompt is too long: 300000 tokens') }]));
    assert.equal(ctx[ctx.length - 1]!.response.error.code, 'context_length_exceeded');
    const quota = validate(encode([{ type: 'error', error: new GatewayError('rate_limit', 'No credit', { code: 'insufficient_quota' }) }]));
    assert.equal(quota[quota.length - 1]!.response.error.code, 'insufficient_quota');
    const srv = validate(encode([{ type: 'text-start', index: 0 }]));
    assert.equal(srv[srv.length - 1]!.response.error.code, 'server_error');
  });

  it('is consumed by the official SDK: events iterate and finalResponse matches', async () => {
    const text = encode(fullStream).map(encodeSse);
    const server = await startFakeServer((_req, res) => writeSse(res, text));
    try {
      const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'k', maxRetries: 0 });
      const stream = client.responses.stream({ model: 'client-model', input: 'hi' });
      let deltas = '';
      for await (const e of stream) if (e.type === 'response.output_text.delta') deltas += e.delta;
      const final = await stream.finalResponse();
      assert.equal(deltas, 'Hello world');
      assert.equal(final.output_text, 'Hello world');
      assert.deepEqual(final.output.map((o) => o.type), ['reasoning', 'message', 'function_call']);
      assert.equal(final.usage?.total_tokens, 29);
      // And our own decoder reads our own encoding back to the same canonical content.
      const back = runSteps(decodeSseText(text.join('')), openaiResponses.decodeStream());
      assert.equal(back.filter((e) => e.type === 'text-delta').map((e) => (e as { text: string }).text).join(''), 'Hello world');
      const fin = back[back.length - 1]!;
      assert.ok(fin.type === 'finish' && fin.reason === 'tool-calls' && fin.usage?.cachedInputTokens === 5);
    } finally {
      await server.close();
    }
  });
});
