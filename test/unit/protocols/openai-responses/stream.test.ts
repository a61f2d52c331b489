import assert from 'node:assert/strict';
import { openaiResponses } from '../../../../src/gateway/protocols/openai-responses';
import { runSteps } from '../../../../src/gateway/core/stream';
import { decodeSseText } from '../../../../src/gateway/sse/decode';
import type { StreamEvent } from '../../../../src/gateway/core/model';
import type { SseEvent } from '../../../../src/gateway/sse/types';
import { fakeOutput, fakeSseFrames } from '../../../helpers/fake-responses';

const ev = (data: Record<string, unknown>): SseEvent => ({ event: String(data.type), data: JSON.stringify(data) });
const decode = (events: SseEvent[]): StreamEvent[] => runSteps(events, openaiResponses.decodeStream());
const created = ev({ type: 'response.created', response: { id: 'resp_1', model: 'gpt', created_at: 5, status: 'in_progress', output: [] } });
const completed = (output: unknown[] = [], status = 'completed', extra: Record<string, unknown> = {}) => ev({ type: `response.${status}`, response: {
  id: 'resp_1', status, output, usage: { input_tokens: 10, input_tokens_details: { cached_tokens: 4 }, output_tokens: 7, output_tokens_details: { reasoning_tokens: 2 }, total_tokens: 17 }, ...extra } });

function argsOf(events: StreamEvent[], index: number): string {
  return events.filter((e): e is Extract<StreamEvent, { type: 'tool-delta' }> => e.type === 'tool-delta' && e.index === index).map((e) => e.argsJson).join('');
}

describe('openai-responses decodeStream', () => {
  it('decodes the fake upstream\'s exact stream (reasoning + text) into canonical blocks', () => {
    const body = { model: 'gpt', input: 'hey', stream: true, reasoning: { effort: 'low' } };
    const sse = decodeSseText(fakeSseFrames(body, 'gpt', fakeOutput(body)).join(''));
    const out = decode(sse);
    assert.deepEqual(out.map((e) => e.type), ['start', 'reasoning-start', 'reasoning-delta', 'reasoning-signature', 'reasoning-end', 'text-start', 'text-delta', 'text-delta', 'text-end', 'finish']);
    assert.deepEqual(out[0], { type: 'start', id: 'resp_fake1', model: 'gpt', created: 1700000000 });
    assert.equal(out.filter((e) => e.type === 'text-delta').map((e) => (e as { text: string }).text).join(''), 'Echo: hey');
    assert.deepEqual(out[3], { type: 'reasoning-signature', index: 0, signature: 'gAAAAAfakeEncryptedReasoning' });
    const fin = out[out.length - 1]!;
    assert.ok(fin.type === 'finish' && fin.reason === 'stop' && fin.usage && fin.usage.reasoningTokens === 5);
  });

  it('takes function arguments from .done when no deltas came, without duplicating when both come', () => {
    const item = { type: 'function_call', id: 'fc_1', call_id: 'c1', name: 'ls', arguments: '' };
    const onlyDone = decode([created,
      ev({ type: 'response.output_item.added', output_index: 0, item }),
      ev({ type: 'response.function_call_arguments.done', output_index: 0, item_id: 'fc_1', arguments: '{"a":1}' }),
      ev({ type: 'response.output_item.done', output_index: 0, item: { ...item, arguments: '{"a":1}' } }), completed()]);
    assert.equal(argsOf(onlyDone, 0), '{"a":1}');
    const both = decode([created,
      ev({ type: 'response.output_item.added', output_index: 0, item }),
      ev({ type: 'response.function_call_arguments.delta', output_index: 0, delta: '{"a"' }),
      ev({ type: 'response.function_call_arguments.delta', output_index: 0, delta: ':1}' }),
      ev({ type: 'response.function_call_arguments.done', output_index: 0, arguments: '{"a":1}' }),
      ev({ type: 'response.output_item.done', output_index: 0, item: { ...item, arguments: '{"a":1}' } }), completed([{ type: 'function_call' }])]);
    assert.equal(argsOf(both, 0), '{"a":1}');
    assert.deepEqual(both.find((e) => e.type === 'tool-start'), { type: 'tool-start', index: 0, callId: 'c1', name: 'ls' });
    const fin = both[both.length - 1]!;
    assert.ok(fin.type === 'finish' && fin.reason === 'tool-calls');
    const onlyItemDone = decode([created, ev({ type: 'response.output_item.done', output_index: 0, item: { ...item, arguments: '{"b":2}' } }), completed()]);
    assert.equal(argsOf(onlyItemDone, 0), '{"b":2}');
  });

  it('streams custom tool input as JSON {"input"} and flattens namespaces', () => {
    const item = { type: 'custom_tool_call', id: 'ct', call_id: 'c9', name: 'exec', namespace: 'functions', input: '' };
    const out = decode([created, ev({ type: 'response.output_item.added', output_index: 0, item }),
      ev({ type: 'response.custom_tool_call_input.delta', output_index: 0, delta: 'echo "hi"\n' }),
      ev({ type: 'response.custom_tool_call_input.delta', output_index: 0, delta: 'ls' }),
      ev({ type: 'response.output_item.done', output_index: 0, item: { ...item, input: 'echo "hi"\nls' } }), completed()]);
    assert.deepEqual(out[1], { type: 'tool-start', index: 0, callId: 'c9', name: 'functions__exec' });
    assert.deepEqual(JSON.parse(argsOf(out, 0)), { input: 'echo "hi"\nls' });
  });

  it('maps incomplete to length, failed and error events to canonical errors, and a missing terminal to an error', () => {
    const len = decode([created, ev({ type: 'response.output_text.delta', output_index: 0, content_index: 0, delta: 'abc' }),
      completed([], 'incomplete', { incomplete_details: { reason: 'max_output_tokens' } })]);
    assert.deepEqual(len.map((e) => e.type), ['start', 'text-start', 'text-delta', 'text-end', 'finish']);
    const fin = len[4]!;
    assert.ok(fin.type === 'finish' && fin.reason === 'length' && fin.usage?.cachedInputTokens === 4);

    const failed = decode([created, ev({ type: 'response.failed', response: { status: 'failed', error: { code: 'rate_limit_exceeded', message: 'Slow down. Please try again in 3s.' } } })]);
    const err = failed[failed.length - 1]!;
    assert.ok(err.type === 'error' && err.error.kind === 'rate_limit' && err.error.info.retryAfterMs === 3000);
    assert.ok(!failed.some((e) => e.type === 'finish'));

    const early = decode([ev({ type: 'error', code: 'context_length_exceeded', message: 'Too long', sequence_number: 0 })]);
    assert.equal(early.length, 1);
    assert.ok(early[0]!.type === 'error' && early[0]!.error.code === 'context_length_exceeded' && early[0]!.error.kind === 'invalid_request');

    const cut = decode([created, ev({ type: 'response.output_text.delta', output_index: 0, content_index: 0, delta: 'a' })]);
    const last = cut[cut.length - 1]!;
    assert.ok(last.type === 'error' && last.error.kind === 'upstream');
  });

  it('joins reasoning summary parts and ignores unknown events and junk', () => {
    const out = decode([created, { data: ': not json' }, ev({ type: 'response.something_new', x: 1 }),
      ev({ type: 'response.output_item.added', output_index: 0, item: { type: 'reasoning', id: 'rs', summary: [] } }),
      ev({ type: 'response.reasoning_summary_text.delta', output_index: 0, summary_index: 0, delta: 'one' }),
      ev({ type: 'response.reasoning_summary_text.delta', output_index: 0, summary_index: 1, delta: 'two' }),
      ev({ type: 'response.output_item.done', output_index: 0, item: { type: 'reasoning', id: 'rs', summary: [] } }), completed()]);
    assert.equal(out.filter((e) => e.type === 'reasoning-delta').map((e) => (e as { text: string }).text).join(''), 'one\n\ntwo');
  });
});
