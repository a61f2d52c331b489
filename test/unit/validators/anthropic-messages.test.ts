import assert from 'node:assert/strict';
import { validateAnthropicStream } from '../../helpers/validators/anthropic-messages';
import type { SseEvent } from '../../../src/gateway/sse/types';

const ev = (data: Record<string, unknown>): SseEvent => ({ event: String(data.type), data: JSON.stringify(data) });
const start = ev({ type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude', content: [], stop_reason: null, usage: { input_tokens: 5, output_tokens: 1 } } });
const delta = (stop: string) => ev({ type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: 9 } });
const stop = ev({ type: 'message_stop' });
const textBlock = (i: number): SseEvent[] => [
  ev({ type: 'content_block_start', index: i, content_block: { type: 'text', text: '' } }),
  ev({ type: 'content_block_delta', index: i, delta: { type: 'text_delta', text: 'hi' } }),
  ev({ type: 'content_block_stop', index: i }),
];
const toolBlock = (i: number, json = '{"a":1}'): SseEvent[] => [
  ev({ type: 'content_block_start', index: i, content_block: { type: 'tool_use', id: 'toolu_1', name: 'f', input: {} } }),
  ev({ type: 'content_block_delta', index: i, delta: { type: 'input_json_delta', partial_json: json } }),
  ev({ type: 'content_block_stop', index: i }),
];

describe('validators: anthropic-messages', () => {
  it('accepts a text + tool stream with pings', () => {
    assert.deepEqual(validateAnthropicStream([start, ev({ type: 'ping' }), ...textBlock(0), ...toolBlock(1), delta('tool_use'), stop]), []);
  });
  it('accepts a stream ending in an error event', () => {
    assert.deepEqual(validateAnthropicStream([start, ...textBlock(0), ev({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })]), []);
  });
  it('rejects a missing or repeated message_start', () => {
    assert.ok(validateAnthropicStream([...textBlock(0), delta('end_turn'), stop]).some((m) => m.includes('before message_start')));
    assert.ok(validateAnthropicStream([start, start, delta('end_turn'), stop]).some((m) => m.includes('second message_start')));
  });
  it('rejects non-consecutive indexes and interleaved blocks', () => {
    assert.ok(validateAnthropicStream([start, ...textBlock(1), delta('end_turn'), stop]).some((m) => m.includes('expected 0')));
    const [s0, d0, e0] = textBlock(0);
    const [s1, , e1] = textBlock(1);
    assert.ok(validateAnthropicStream([start, s0!, s1!, d0!, e0!, e1!, delta('end_turn'), stop]).some((m) => m.includes('still open')));
  });
  it('rejects a delta type that does not match its block', () => {
    const bad = [start, ev({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
      ev({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{}' } }),
      ev({ type: 'content_block_stop', index: 0 }), delta('end_turn'), stop];
    assert.ok(validateAnthropicStream(bad).some((m) => m.includes('input_json_delta inside a text block')));
    const think = [start, ev({ type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } }),
      ev({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'x' } }),
      ev({ type: 'content_block_stop', index: 0 }), delta('end_turn'), stop];
    assert.ok(validateAnthropicStream(think).some((m) => m.includes('text_delta inside a thinking block')));
  });
  it('rejects message_stop before message_delta, missing message_stop, and events after it', () => {
    assert.ok(validateAnthropicStream([start, ...textBlock(0), stop]).some((m) => m.includes('before message_delta')));
    assert.ok(validateAnthropicStream([start, ...textBlock(0), delta('end_turn')]).some((m) => m.includes('does not end with message_stop')));
    assert.ok(validateAnthropicStream([start, delta('end_turn'), stop, ev({ type: 'ping' })]).some((m) => m.includes('after message_stop')));
  });
  it('rejects mismatched event names, bad stop reasons and broken tool JSON', () => {
    const renamed = { ...textBlock(0)[0]!, event: 'content_block_delta' };
    assert.ok(validateAnthropicStream([start, renamed, ...textBlock(0).slice(1), delta('end_turn'), stop]).some((m) => m.includes('differs from data.type')));
    assert.ok(validateAnthropicStream([start, delta('done'), stop]).some((m) => m.includes('stop_reason')));
    assert.ok(validateAnthropicStream([start, ...toolBlock(0, '{"a":'), delta('tool_use'), stop]).some((m) => m.includes('not a JSON object')));
  });
  it('rejects a block stop for the wrong index', () => {
    const [s, d] = textBlock(0);
    assert.ok(validateAnthropicStream([start, s!, d!, ev({ type: 'content_block_stop', index: 3 }), delta('end_turn'), stop]).some((m) => m.includes('open block is 0')));
  });
});
