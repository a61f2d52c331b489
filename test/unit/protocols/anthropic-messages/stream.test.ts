import assert from 'node:assert/strict';
import { GatewayError } from '../../../../src/gateway/core/errors';
import type { ChatRequest, StreamEvent } from '../../../../src/gateway/core/model';
import { runSteps } from '../../../../src/gateway/core/stream';
import { anthropicMessages } from '../../../../src/gateway/protocols/anthropic-messages';
import { decodeSseText } from '../../../../src/gateway/sse/decode';
import { encodeSse } from '../../../../src/gateway/sse/encode';
import type { SseFrame } from '../../../../src/gateway/sse/types';

const req: ChatRequest = { model: 'claude-x', messages: [], stream: true };
const sse = (...events: Array<Record<string, unknown>>): string =>
  events.map((e) => `event: ${String(e.type)}\ndata: ${JSON.stringify(e)}\n\n`).join('');
const decode = (text: string): StreamEvent[] => runSteps(decodeSseText(text), anthropicMessages.decodeStream());
const encode = (events: StreamEvent[]): SseFrame[] => runSteps(events, anthropicMessages.encodeStream(req));
const payloads = (frames: SseFrame[]) => frames.map((f) => {
  assert.ok('data' in f);
  const data = JSON.parse(f.data) as { type: string };
  assert.equal(f.event, data.type, 'every frame has event: equal to data.type');
  return data as Record<string, any>;
});

const upstream = sse(
  { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4', content: [], stop_reason: null, usage: { input_tokens: 10, cache_read_input_tokens: 100, cache_creation_input_tokens: 5, output_tokens: 1 } } },
  { type: 'ping' },
  { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Let me think' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'EqQBsig' } },
  { type: 'content_block_stop', index: 0 },
  { type: 'content_block_start', index: 1, content_block: { type: 'redacted_thinking', data: 'opaque==' } },
  { type: 'content_block_stop', index: 1 },
  { type: 'content_block_start', index: 2, content_block: { type: 'text', text: '' } },
  { type: 'content_block_delta', index: 2, delta: { type: 'text_delta', text: 'Hi' } },
  { type: 'content_block_stop', index: 2 },
  { type: 'content_block_start', index: 3, content_block: { type: 'tool_use', id: 'toolu_9', name: 'read', input: {} } },
  { type: 'content_block_delta', index: 3, delta: { type: 'input_json_delta', partial_json: '' } },
  { type: 'content_block_delta', index: 3, delta: { type: 'input_json_delta', partial_json: '{"path":' } },
  { type: 'content_block_delta', index: 3, delta: { type: 'input_json_delta', partial_json: '"a"}' } },
  { type: 'content_block_stop', index: 3 },
  { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 42 } },
  { type: 'message_stop' },
);

const canonical: StreamEvent[] = [
  { type: 'start', id: 'msg_1', model: 'claude-sonnet-4', usage: { inputTokens: 115, outputTokens: 1, cachedInputTokens: 100, cacheCreationInputTokens: 5 } },
  { type: 'reasoning-start', index: 0 },
  { type: 'reasoning-delta', index: 0, text: 'Let me think' },
  { type: 'reasoning-signature', index: 0, signature: 'EqQBsig' },
  { type: 'reasoning-end', index: 0 },
  { type: 'reasoning-start', index: 1, redactedData: 'opaque==' },
  { type: 'reasoning-end', index: 1 },
  { type: 'text-start', index: 2 },
  { type: 'text-delta', index: 2, text: 'Hi' },
  { type: 'text-end', index: 2 },
  { type: 'tool-start', index: 3, callId: 'toolu_9', name: 'read' },
  { type: 'tool-delta', index: 3, argsJson: '{"path":' },
  { type: 'tool-delta', index: 3, argsJson: '"a"}' },
  { type: 'tool-end', index: 3 },
  { type: 'finish', reason: 'tool-calls', raw: 'tool_use', usage: { inputTokens: 115, outputTokens: 42, cachedInputTokens: 100, cacheCreationInputTokens: 5 } },
];

describe('anthropic-messages stream', () => {
  describe('decodeStream', () => {
    it('decodes thinking with signature, redacted thinking, text and tool input', () => {
      assert.deepEqual(decode(upstream), canonical);
    });

    it('gives the same events whatever the chunking (byte by byte)', async () => {
      const { decodeSse } = await import('../../../../src/gateway/sse/decode');
      async function* bytes() { for (const ch of Buffer.from(upstream)) yield Uint8Array.of(ch); }
      const events = [];
      for await (const e of decodeSse(bytes())) events.push(e);
      assert.deepEqual(runSteps(events, anthropicMessages.decodeStream()), canonical);
    });

    it('turns an error event into a canonical error and stops', () => {
      const events = decode(sse(
        { type: 'message_start', message: { id: 'msg_2', model: 'm', usage: { input_tokens: 3, output_tokens: 0 } } },
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
        { type: 'message_stop' },
      ));
      assert.deepEqual(events.map((e) => e.type), ['start', 'text-start', 'text-end', 'error']);
      const last = events[3];
      assert.ok(last?.type === 'error');
      assert.equal(last.error.kind, 'overloaded');
      assert.equal(last.error.status, 529);
      assert.equal(last.error.retryable, true);
    });

    it('reports a stream cut before message_stop as an upstream error', () => {
      const events = decode(sse({ type: 'message_start', message: { id: 'msg_3', model: 'm' } }, { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }));
      const last = events[events.length - 1];
      assert.ok(last?.type === 'error' && last.error.kind === 'upstream');
      assert.equal(events[events.length - 2]?.type, 'text-end');
    });

    it('ignores pings, unknown events and server tool blocks', () => {
      const events = decode(sse(
        { type: 'message_start', message: { id: 'msg_4', model: 'm', usage: { input_tokens: 1, output_tokens: 0 } } },
        { type: 'content_block_start', index: 0, content_block: { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} } },
        { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"q":1}' } },
        { type: 'content_block_stop', index: 0 },
        { type: 'some_future_event' },
        { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
        { type: 'content_block_stop', index: 1 },
        { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 } },
        { type: 'message_stop' },
      ));
      assert.deepEqual(events.map((e) => e.type), ['start', 'text-start', 'text-end', 'finish']);
      assert.equal((events[1] as { index: number }).index, 0);
    });
  });

  describe('encodeStream', () => {
    it('re-encodes the decoded stream to the same Anthropic events', () => {
      const out = payloads(encode(canonical));
      const expected = payloads(decodeSseText(upstream).filter((e) => e.event !== 'ping')
        .filter((e) => !e.data.includes('"partial_json":""')).map((e) => ({ event: e.event, data: e.data })));
      // message_start usage and message_delta usage carry all usage fields (Claude Code reads both).
      expected[0]!.message.stop_sequence = null;
      expected[expected.length - 2]!.usage = { input_tokens: 10, output_tokens: 42, cache_creation_input_tokens: 5, cache_read_input_tokens: 100 };
      assert.deepEqual(out, expected);
    });

    it('serialises interleaved parallel tool calls into sequential blocks without delaying the first', () => {
      const enc = anthropicMessages.encodeStream(req);
      const first = payloads([
        ...enc.step({ type: 'start', id: 'chatcmpl-1', model: 'gpt-x' }),
        ...enc.step({ type: 'tool-start', index: 0, callId: 'call_a', name: 'f' }),
        ...enc.step({ type: 'tool-start', index: 1, callId: 'call_b', name: 'g' }),
        ...enc.step({ type: 'tool-delta', index: 0, argsJson: '{"x"' }),
      ]);
      assert.equal(first[0]!.type, 'message_start');
      assert.match(first[0]!.message.id, /^msg_/);
      assert.deepEqual(first.slice(1), [
        { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'call_a', name: 'f', input: {} } },
        { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"x"' } },
      ]);
      const rest = payloads([
        ...enc.step({ type: 'tool-delta', index: 1, argsJson: '{"y":2}' }),
        ...enc.step({ type: 'tool-delta', index: 0, argsJson: ':1}' }),
        ...enc.step({ type: 'tool-end', index: 1 }),
        ...enc.step({ type: 'tool-end', index: 0 }),
        ...enc.step({ type: 'finish', reason: 'tool-calls', raw: 'tool_calls', usage: { inputTokens: 50, outputTokens: 7, cachedInputTokens: 20 } }),
        ...enc.finish(),
      ]);
      assert.deepEqual(rest, [
        { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: ':1}' } },
        { type: 'content_block_stop', index: 0 },
        { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'call_b', name: 'g', input: {} } },
        { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"y":2}' } },
        { type: 'content_block_stop', index: 1 },
        { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { input_tokens: 30, output_tokens: 7, cache_creation_input_tokens: 0, cache_read_input_tokens: 20 } },
        { type: 'message_stop' },
      ]);
    });

    it('keeps streaming a buffered block live once it becomes current', () => {
      const out = payloads(encode([
        { type: 'start', id: 'x', model: 'm' },
        { type: 'text-start', index: 0 },
        { type: 'tool-start', index: 1, callId: 'c', name: 'f' },
        { type: 'text-delta', index: 0, text: 'a' },
        { type: 'text-end', index: 0 },
        { type: 'tool-delta', index: 1, argsJson: '{}' },
        { type: 'tool-end', index: 1 },
        { type: 'finish', reason: 'stop' },
      ]));
      assert.deepEqual(out.map((p) => `${p.type}:${p.index ?? ''}`), [
        'message_start:', 'content_block_start:0', 'content_block_delta:0', 'content_block_stop:0',
        'content_block_start:1', 'content_block_delta:1', 'content_block_stop:1', 'message_delta:', 'message_stop:',
      ]);
      // A tool call with a plain "stop" still tells the Anthropic client to run the tool.
      assert.equal(out[7]!.delta.stop_reason, 'tool_use');
    });

    it('encodes unsigned reasoning as a thinking block and closes blocks left open at finish', () => {
      const out = payloads(encode([
        { type: 'reasoning-start', index: 0 },
        { type: 'reasoning-delta', index: 0, text: 'r' },
        { type: 'finish', reason: 'length' },
      ]));
      assert.deepEqual(out.map((p) => p.type), ['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
      assert.equal(out[0]!.message.model, 'claude-x');
      assert.deepEqual(out[1]!.content_block, { type: 'thinking', thinking: '', signature: '' });
      assert.equal(out[4]!.delta.stop_reason, 'max_tokens');
    });

    it('renders a canonical error as event: error and stops', () => {
      const frames = encode([
        { type: 'start', id: 'msg_e', model: 'm' },
        { type: 'error', error: new GatewayError('rate_limit', 'slow down') },
        { type: 'finish', reason: 'stop' },
      ]);
      assert.equal(frames.length, 2);
      assert.equal(encodeSse(frames[1]!), 'event: error\ndata: {"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}\n\n');
    });
  });
});
