import assert from 'node:assert/strict';
import { validateOpenAIResponsesStream } from '../../helpers/validators/openai-responses';
import type { SseEvent } from '../../../src/gateway/sse/types';

type Raw = Record<string, unknown> & { type: string };
/** Numbers the events 0..n and names them after their type. */
const seq = (raws: Raw[]): SseEvent[] => raws.map((r, i) => ({ event: r.type, data: JSON.stringify({ ...r, sequence_number: i }) }));
const resp = (status: string, output: unknown[] = []) => ({ id: 'resp_1', object: 'response', status, output });
const msg = { id: 'msg_1', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'hi', annotations: [] }] };
const fc = { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'f', arguments: '{"a":1}', status: 'completed' };
const textItem: Raw[] = [
  { type: 'response.output_item.added', output_index: 0, item: { ...msg, content: [], status: 'in_progress' } },
  { type: 'response.content_part.added', output_index: 0, item_id: 'msg_1', content_index: 0, part: { type: 'output_text', text: '' } },
  { type: 'response.output_text.delta', output_index: 0, item_id: 'msg_1', content_index: 0, delta: 'hi' },
  { type: 'response.output_text.done', output_index: 0, item_id: 'msg_1', content_index: 0, text: 'hi' },
  { type: 'response.content_part.done', output_index: 0, item_id: 'msg_1', content_index: 0, part: { type: 'output_text', text: 'hi' } },
  { type: 'response.output_item.done', output_index: 0, item: msg },
];
const toolItem: Raw[] = [
  { type: 'response.output_item.added', output_index: 1, item: { ...fc, arguments: '', status: 'in_progress' } },
  { type: 'response.function_call_arguments.delta', output_index: 1, item_id: 'fc_1', delta: '{"a":' },
  { type: 'response.function_call_arguments.delta', output_index: 1, item_id: 'fc_1', delta: '1}' },
  { type: 'response.function_call_arguments.done', output_index: 1, item_id: 'fc_1', arguments: '{"a":1}' },
  { type: 'response.output_item.done', output_index: 1, item: fc },
];
const created: Raw = { type: 'response.created', response: resp('in_progress') };
const completed = (n = 2): Raw => ({ type: 'response.completed', response: resp('completed', [msg, fc].slice(0, n)) });

describe('validators: openai-responses', () => {
  it('accepts a text + function call stream', () => {
    assert.deepEqual(validateOpenAIResponsesStream(seq([created, { type: 'response.in_progress', response: resp('in_progress') }, ...textItem, ...toolItem, completed()])), []);
  });
  it('accepts a failed terminal event with an item left open', () => {
    const failed: Raw = { type: 'response.failed', response: { ...resp('failed'), error: { code: 'server_error', message: 'x' } } };
    assert.deepEqual(validateOpenAIResponsesStream(seq([created, ...textItem.slice(0, 3), failed])), []);
  });
  it('rejects gaps in sequence_number and a first event other than response.created', () => {
    const events = seq([created, ...textItem, completed(1)]);
    events.splice(2, 1);
    assert.ok(validateOpenAIResponsesStream(events).some((m) => m.includes('sequence_number')));
    assert.ok(validateOpenAIResponsesStream(seq([...textItem, completed(1)])).some((m) => m.includes('not response.created')));
  });
  it('rejects zero or two terminal events', () => {
    assert.ok(validateOpenAIResponsesStream(seq([created, ...textItem])).some((m) => m.includes('no terminal event')));
    assert.ok(validateOpenAIResponsesStream(seq([created, ...textItem, completed(1), completed(1)])).some((m) => m.includes('after the terminal event')));
  });
  it('rejects a wrong item_id, a skipped output_index, and deltas for a done item', () => {
    const wrongId = textItem.map((r) => (r.type === 'response.output_text.delta' ? { ...r, item_id: 'msg_X' } : r));
    assert.ok(validateOpenAIResponsesStream(seq([created, ...wrongId, completed(1)])).some((m) => m.includes('does not match')));
    assert.ok(validateOpenAIResponsesStream(seq([created, ...toolItem, completed(1)])).some((m) => m.includes('expected 0')));
    const late = [...textItem, { type: 'response.output_text.delta', output_index: 0, item_id: 'msg_1', content_index: 0, delta: 'x' }];
    assert.ok(validateOpenAIResponsesStream(seq([created, ...late, completed(1)])).some((m) => m.includes('after its output_item.done')));
  });
  it('rejects an item never done, a text delta outside a part, and deltas of the wrong item type', () => {
    assert.ok(validateOpenAIResponsesStream(seq([created, ...textItem.slice(0, 3), completed(0)])).some((m) => m.includes('never done')));
    const noPart = textItem.filter((r) => !r.type.startsWith('response.content_part'));
    assert.ok(validateOpenAIResponsesStream(seq([created, ...noPart, completed(1)])).some((m) => m.includes('outside an open content part')));
    const wrongType = [...textItem.slice(0, 2), { type: 'response.function_call_arguments.delta', output_index: 0, item_id: 'msg_1', delta: '{}' }, ...textItem.slice(2)];
    assert.ok(validateOpenAIResponsesStream(seq([created, ...wrongType, completed(1)])).some((m) => m.includes('belongs to a function_call item')));
  });
  it('rejects a terminal status that does not match its event, and a mismatched event name', () => {
    assert.ok(validateOpenAIResponsesStream(seq([created, { type: 'response.completed', response: resp('incomplete') }])).some((m) => m.includes('expected completed')));
    const events = seq([created, completed(0)]);
    events[1] = { ...events[1]!, event: 'response.done' };
    assert.ok(validateOpenAIResponsesStream(events).some((m) => m.includes('differs from data.type')));
  });
});
