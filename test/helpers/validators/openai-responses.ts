/**
 * Strict grammar of an OpenAI Responses stream, from the API reference ("Streaming events"):
 * - every event is named, the name equals `data.type`, and `sequence_number` runs 0, 1, 2… without gaps;
 * - `response.created` first (then usually `response.in_progress`);
 * - output items: `response.output_item.added` (output_index 0, 1, 2… with an item id) → part/delta events that
 *   name the same `output_index` and `item_id` → `response.output_item.done`; every added item is done before the
 *   terminal event;
 * - text deltas need an open `output_text` content part, summary deltas an open summary part;
 * - exactly one terminal event, last: `response.completed` | `response.incomplete` | `response.failed`
 *   (or a bare `error` event), whose `response.status` matches.
 */
import { type Obj, type SseEvent, isCount, isJsonObjectText, isObj, parseObj } from './common';

const TERMINAL: Record<string, string | undefined> = {
  'response.completed': 'completed', 'response.incomplete': 'incomplete', 'response.failed': 'failed', error: undefined,
};
const ITEM_TYPES = new Set(['message', 'reasoning', 'function_call', 'custom_tool_call', 'web_search_call', 'file_search_call']);

interface Item { id: string; type: string; done: boolean; parts: Map<number, boolean>; summaries: Map<number, boolean>; args: string }

/** Which item type each item-scoped event belongs to. */
const EVENT_ITEM_TYPE: Record<string, string> = {
  'response.content_part.added': 'message', 'response.content_part.done': 'message',
  'response.output_text.delta': 'message', 'response.output_text.done': 'message',
  'response.refusal.delta': 'message', 'response.refusal.done': 'message',
  'response.output_text.annotation.added': 'message',
  'response.function_call_arguments.delta': 'function_call', 'response.function_call_arguments.done': 'function_call',
  'response.custom_tool_call_input.delta': 'custom_tool_call', 'response.custom_tool_call_input.done': 'custom_tool_call',
  'response.reasoning_summary_part.added': 'reasoning', 'response.reasoning_summary_part.done': 'reasoning',
  'response.reasoning_summary_text.delta': 'reasoning', 'response.reasoning_summary_text.done': 'reasoning',
  'response.reasoning_text.delta': 'reasoning', 'response.reasoning_text.done': 'reasoning',
};

function checkResponse(at: string, r: unknown, status: string | undefined, v: string[]): Obj | undefined {
  if (!isObj(r)) { v.push(`${at}: response object missing`); return undefined; }
  if (typeof r.id !== 'string' || !r.id) v.push(`${at}: response.id missing`);
  if (r.object !== 'response') v.push(`${at}: response.object is not "response"`);
  if (status !== undefined && r.status !== status) v.push(`${at}: response.status is ${String(r.status)}, expected ${status}`);
  if (!Array.isArray(r.output)) v.push(`${at}: response.output is not an array`);
  return r;
}

/** Returns every grammar violation in an OpenAI Responses stream (empty = valid). */
export function validateOpenAIResponsesStream(events: SseEvent[]): string[] {
  const v: string[] = [];
  const items: Item[] = [];
  let terminalAt = -1;
  let responseId: string | undefined;

  const itemFor = (at: string, d: Obj, type: string): Item | undefined => {
    if (!isCount(d.output_index)) { v.push(`${at}: ${type} without output_index`); return undefined; }
    const item = items[d.output_index];
    if (!item) { v.push(`${at}: ${type} for output_index ${d.output_index} that was never added`); return undefined; }
    if (d.item_id !== undefined && d.item_id !== item.id) v.push(`${at}: item_id ${String(d.item_id)} does not match item ${item.id} at output_index ${d.output_index}`);
    if (item.done) v.push(`${at}: ${type} for item ${item.id} after its output_item.done`);
    const want = EVENT_ITEM_TYPE[type];
    if (want !== undefined && want !== item.type) v.push(`${at}: ${type} belongs to a ${want} item, item ${item.id} is ${item.type}`);
    return item;
  };

  const scoped = (at: string, d: Obj, type: string): void => {
    if (d.item_id === undefined) v.push(`${at}: ${type} without item_id`);
    const item = itemFor(at, d, type);
    if (!item) return;
    const ci = d.content_index;
    const si = d.summary_index;
    switch (type) {
      case 'response.content_part.added':
        if (!isCount(ci) || item.parts.has(ci)) v.push(`${at}: content_part.added with bad or repeated content_index`);
        else item.parts.set(ci, true);
        return;
      case 'response.content_part.done':
        if (!isCount(ci) || item.parts.get(ci) !== true) v.push(`${at}: content_part.done for a part that is not open`);
        else item.parts.set(ci, false);
        return;
      case 'response.output_text.delta': case 'response.output_text.done': case 'response.refusal.delta': case 'response.refusal.done':
        if (!isCount(ci) || item.parts.get(ci) !== true) v.push(`${at}: ${type} outside an open content part`);
        if (type.endsWith('.delta') && typeof d.delta !== 'string') v.push(`${at}: delta is not a string`);
        return;
      case 'response.reasoning_summary_part.added':
        if (!isCount(si) || item.summaries.has(si)) v.push(`${at}: summary_part.added with bad or repeated summary_index`);
        else item.summaries.set(si, true);
        return;
      case 'response.reasoning_summary_part.done':
        if (!isCount(si) || item.summaries.get(si) !== true) v.push(`${at}: summary_part.done for a part that is not open`);
        else item.summaries.set(si, false);
        return;
      case 'response.reasoning_summary_text.delta': case 'response.reasoning_summary_text.done':
        if (!isCount(si) || item.summaries.get(si) !== true) v.push(`${at}: ${type} outside an open summary part`);
        return;
      case 'response.function_call_arguments.delta':
        if (typeof d.delta !== 'string') v.push(`${at}: arguments delta is not a string`);
        else item.args += d.delta;
        return;
      case 'response.function_call_arguments.done':
        if (typeof d.arguments !== 'string') v.push(`${at}: arguments.done without arguments`);
        else if (item.args !== '' && d.arguments !== item.args) v.push(`${at}: arguments.done differs from the concatenated deltas`);
        return;
      default:
    }
  };

  const added = (at: string, d: Obj): void => {
    const it = d.item;
    if (!isObj(it) || typeof it.type !== 'string') { v.push(`${at}: output_item.added without item`); return; }
    if (d.output_index !== items.length) v.push(`${at}: output_index ${String(d.output_index)}, expected ${items.length}`);
    if (!ITEM_TYPES.has(it.type)) v.push(`${at}: unknown item type ${it.type}`);
    if (typeof it.id !== 'string' || !it.id) v.push(`${at}: added item has no id`);
    if (items.some((x) => x.id === it.id)) v.push(`${at}: item id ${String(it.id)} reused`);
    if ((it.type === 'function_call' || it.type === 'custom_tool_call') && (typeof it.call_id !== 'string' || typeof it.name !== 'string' || !it.name)) {
      v.push(`${at}: ${it.type} item without call_id and name`);
    }
    items.push({ id: String(it.id ?? ''), type: it.type, done: false, parts: new Map(), summaries: new Map(), args: '' });
  };

  const done = (at: string, d: Obj): void => {
    const item = itemFor(at, d, 'response.output_item.done');
    const it = d.item;
    if (!item || !isObj(it)) return;
    if (it.id !== item.id) v.push(`${at}: done item id ${String(it.id)} differs from added ${item.id}`);
    if (it.type !== item.type) v.push(`${at}: done item type ${String(it.type)} differs from added ${item.type}`);
    for (const [ci, isOpen] of item.parts) if (isOpen) v.push(`${at}: item ${item.id} done with content part ${ci} open`);
    for (const [si, isOpen] of item.summaries) if (isOpen) v.push(`${at}: item ${item.id} done with summary part ${si} open`);
    if (it.type === 'function_call') {
      if (typeof it.arguments !== 'string') v.push(`${at}: done function_call without arguments`);
      else item.args = it.arguments;
    }
    if (it.type === 'message' && !Array.isArray(it.content)) v.push(`${at}: done message without content`);
    item.done = true;
  };

  events.forEach((e, i) => {
    const at = `event ${i}`;
    if (terminalAt >= 0) { v.push(`${at}: event after the terminal event`); return; }
    const d = parseObj(e.data);
    if (!d || typeof d.type !== 'string') { v.push(`${at}: data is not a typed JSON object`); return; }
    const type = d.type;
    if (e.event !== undefined && e.event !== type) v.push(`${at}: event "${e.event}" differs from data.type "${type}"`);
    if (d.sequence_number !== i) v.push(`${at}: sequence_number ${String(d.sequence_number)}, expected ${i}`);
    if (i === 0 && type !== 'response.created') v.push(`${at}: first event is ${type}, not response.created`);
    if (i > 0 && type === 'response.created') v.push(`${at}: second response.created`);
    if (type === 'response.created' || type === 'response.in_progress' || type in TERMINAL) {
      if (type === 'error') {
        if (typeof d.message !== 'string' && !(isObj(d.error) && typeof d.error.message === 'string')) v.push(`${at}: error event without message`);
      } else {
        const r = checkResponse(at, d.response, type === 'response.created' || type === 'response.in_progress' ? undefined : TERMINAL[type], v);
        if (r && typeof r.id === 'string') {
          if (responseId !== undefined && r.id !== responseId) v.push(`${at}: response.id changed`);
          responseId = r.id;
        }
        if (r && type === 'response.completed' && Array.isArray(r.output) && r.output.length !== items.length) {
          v.push(`${at}: completed response lists ${r.output.length} output items, stream added ${items.length}`);
        }
        if (r && type === 'response.failed' && !isObj(r.error)) v.push(`${at}: failed response without error`);
      }
      if (type in TERMINAL) {
        terminalAt = i;
        if (type !== 'error' && type !== 'response.failed') for (const it of items) if (!it.done) v.push(`${at}: item ${it.id} added but never done`);
      }
      return;
    }
    if (type === 'response.output_item.added') return added(at, d);
    if (type === 'response.output_item.done') return done(at, d);
    if (type in EVENT_ITEM_TYPE) return scoped(at, d, type);
    v.push(`${at}: unknown event type ${type}`);
  });

  if (events.length === 0) v.push('empty stream');
  if (terminalAt < 0) v.push('no terminal event (response.completed / incomplete / failed)');
  const incomplete = terminalAt >= 0 && parseObj(events[terminalAt]!.data)?.type !== 'response.completed';
  if (!incomplete) for (const it of items) if (it.type === 'function_call' && !isJsonObjectText(it.args)) v.push(`function_call ${it.id} arguments are not a JSON object: ${it.args}`);
  return v;
}
