/**
 * Strict grammar of an Anthropic Messages stream, from the "Streaming Messages" documentation:
 * - every event is named, and the name equals `data.type`;
 * - `message_start` first (once), then content blocks, each `content_block_start` (index n) → deltas →
 *   `content_block_stop`, blocks never interleave and indexes run 0, 1, 2…;
 * - delta types match the block: text_delta (text, also citations_delta), input_json_delta (tool_use),
 *   thinking_delta / signature_delta (thinking), none for redacted_thinking;
 * - one `message_delta` (stop_reason, cumulative usage) after the last block, then one `message_stop`, last;
 * - `ping` events may appear anywhere; an `error` event ends the stream.
 */
import { type SseEvent, isCount, isJsonObjectText, isObj, parseObj } from './common';

const STOP = new Set(['end_turn', 'max_tokens', 'stop_sequence', 'tool_use', 'pause_turn', 'refusal']);
const BLOCKS = new Set(['text', 'thinking', 'redacted_thinking', 'tool_use', 'server_tool_use', 'web_search_tool_result']);
const DELTAS_BY_BLOCK: Record<string, ReadonlySet<string>> = {
  text: new Set(['text_delta', 'citations_delta']),
  tool_use: new Set(['input_json_delta']),
  server_tool_use: new Set(['input_json_delta']),
  thinking: new Set(['thinking_delta', 'signature_delta']),
  redacted_thinking: new Set(),
  web_search_tool_result: new Set(),
};
const ERROR_TYPES = new Set(['invalid_request_error', 'authentication_error', 'billing_error', 'permission_error', 'not_found_error',
  'request_too_large', 'rate_limit_error', 'api_error', 'overloaded_error', 'timeout_error']);

interface Block { index: number; type: string; json: string; signed: boolean }

/** Returns every grammar violation in an Anthropic Messages stream (empty = valid). */
export function validateAnthropicStream(events: SseEvent[]): string[] {
  const v: string[] = [];
  let started = false;
  let nextIndex = 0;
  let open: Block | undefined;
  let messageDelta = false;
  let stopReason: string | undefined;
  let stopped = false;
  let errored = false;
  const closed: Block[] = [];

  const startBlock = (at: string, d: Record<string, unknown>): void => {
    if (open) v.push(`${at}: content_block_start while block ${open.index} is still open`);
    if (d.index !== nextIndex) v.push(`${at}: content_block_start index ${String(d.index)}, expected ${nextIndex}`);
    const cb = d.content_block;
    if (!isObj(cb) || typeof cb.type !== 'string') { v.push(`${at}: content_block missing`); return; }
    if (!BLOCKS.has(cb.type)) v.push(`${at}: unknown content_block type ${cb.type}`);
    if (cb.type === 'text' && typeof cb.text !== 'string') v.push(`${at}: text block without text`);
    if (cb.type === 'thinking' && typeof cb.thinking !== 'string') v.push(`${at}: thinking block without thinking`);
    if (cb.type === 'redacted_thinking' && (typeof cb.data !== 'string' || !cb.data)) v.push(`${at}: redacted_thinking block without data`);
    if (cb.type === 'tool_use') {
      if (typeof cb.id !== 'string' || !cb.id) v.push(`${at}: tool_use block without id`);
      if (typeof cb.name !== 'string' || !cb.name) v.push(`${at}: tool_use block without name`);
      if (!isObj(cb.input)) v.push(`${at}: tool_use block input is not an object`);
      else if (Object.keys(cb.input).length) v.push(`${at}: tool_use block input must start empty ({}), arguments stream as input_json_delta`);
    }
    open = { index: typeof d.index === 'number' ? d.index : nextIndex, type: cb.type, json: '', signed: typeof cb.signature === 'string' && cb.signature !== '' };
    nextIndex++;
  };

  const blockDelta = (at: string, d: Record<string, unknown>): void => {
    if (!open) { v.push(`${at}: content_block_delta with no open block`); return; }
    if (d.index !== open.index) v.push(`${at}: content_block_delta index ${String(d.index)}, open block is ${open.index}`);
    const delta = d.delta;
    if (!isObj(delta) || typeof delta.type !== 'string') { v.push(`${at}: delta missing`); return; }
    if (!DELTAS_BY_BLOCK[open.type]?.has(delta.type)) v.push(`${at}: ${delta.type} inside a ${open.type} block`);
    const field = { text_delta: 'text', input_json_delta: 'partial_json', thinking_delta: 'thinking', signature_delta: 'signature' }[delta.type];
    if (field !== undefined && typeof delta[field] !== 'string') v.push(`${at}: ${delta.type}.${field} is not a string`);
    if (delta.type === 'input_json_delta' && typeof delta.partial_json === 'string') open.json += delta.partial_json;
    if (delta.type === 'signature_delta') open.signed = true;
    if (delta.type === 'thinking_delta' && open.signed) v.push(`${at}: thinking_delta after the signature`);
  };

  const stopBlock = (at: string, d: Record<string, unknown>): void => {
    if (!open) { v.push(`${at}: content_block_stop with no open block`); return; }
    if (d.index !== open.index) v.push(`${at}: content_block_stop index ${String(d.index)}, open block is ${open.index}`);
    closed.push(open);
    open = undefined;
  };

  const msgStart = (at: string, d: Record<string, unknown>): void => {
    if (started) v.push(`${at}: second message_start`);
    started = true;
    const m = d.message;
    if (!isObj(m)) { v.push(`${at}: message_start without message`); return; }
    if (typeof m.id !== 'string' || !m.id) v.push(`${at}: message.id missing`);
    if (m.type !== 'message') v.push(`${at}: message.type is not "message"`);
    if (m.role !== 'assistant') v.push(`${at}: message.role is not "assistant"`);
    if (typeof m.model !== 'string') v.push(`${at}: message.model missing`);
    if (!Array.isArray(m.content) || m.content.length) v.push(`${at}: message.content must be []`);
    if (!isObj(m.usage) || !isCount(m.usage.input_tokens)) v.push(`${at}: message.usage.input_tokens missing`);
    else usageCounts(at, m.usage);
  };

  const usageCounts = (at: string, u: Record<string, unknown>): void => {
    for (const [k, val] of Object.entries(u)) {
      if (k.endsWith('_tokens') && val !== null && !isCount(val)) v.push(`${at}: usage.${k} is not a count`);
    }
  };

  const msgDelta = (at: string, d: Record<string, unknown>): void => {
    if (messageDelta) v.push(`${at}: second message_delta`);
    messageDelta = true;
    if (open) v.push(`${at}: message_delta while block ${open.index} is open`);
    if (!isObj(d.delta)) { v.push(`${at}: message_delta without delta`); return; }
    const r = d.delta.stop_reason;
    if (typeof r !== 'string' || !STOP.has(r)) v.push(`${at}: stop_reason ${String(r)} is not a documented value`);
    else stopReason = r;
    if (!isObj(d.usage) || !isCount(d.usage.output_tokens)) v.push(`${at}: message_delta.usage.output_tokens missing`);
    else usageCounts(at, d.usage);
  };

  events.forEach((e, i) => {
    const at = `event ${i}`;
    if (stopped || errored) { v.push(`${at}: event after ${stopped ? 'message_stop' : 'error'}`); return; }
    const d = parseObj(e.data);
    if (!d || typeof d.type !== 'string') { v.push(`${at}: data is not a typed JSON object`); return; }
    if (e.event === undefined) v.push(`${at}: event line missing (Anthropic names every event)`);
    else if (e.event !== d.type) v.push(`${at}: event "${e.event}" differs from data.type "${d.type}"`);
    if (d.type === 'ping') return;
    if (d.type === 'error') {
      errored = true;
      if (!isObj(d.error) || typeof d.error.type !== 'string' || typeof d.error.message !== 'string') v.push(`${at}: error without error.type/message`);
      else if (!ERROR_TYPES.has(d.error.type)) v.push(`${at}: undocumented error type ${d.error.type}`);
      return;
    }
    if (!started && d.type !== 'message_start') v.push(`${at}: ${d.type} before message_start`);
    if (messageDelta && d.type !== 'message_stop') v.push(`${at}: ${d.type} after message_delta`);
    switch (d.type) {
      case 'message_start': return msgStart(at, d);
      case 'content_block_start': return startBlock(at, d);
      case 'content_block_delta': return blockDelta(at, d);
      case 'content_block_stop': return stopBlock(at, d);
      case 'message_delta': return msgDelta(at, d);
      case 'message_stop':
        if (!messageDelta) v.push(`${at}: message_stop before message_delta`);
        stopped = true;
        return;
      default: v.push(`${at}: unknown event type ${d.type}`);
    }
  });

  if (!errored) {
    if (!started) v.push('no message_start');
    if (open) v.push(`block ${open.index} never stopped`);
    if (!messageDelta) v.push('no message_delta');
    if (!stopped) v.push('stream does not end with message_stop');
  }
  for (const b of closed) {
    if (b.type === 'tool_use' && stopReason !== 'max_tokens' && !isJsonObjectText(b.json === '' ? '{}' : b.json)) {
      v.push(`tool_use block ${b.index} input is not a JSON object: ${b.json}`);
    }
  }
  if (stopReason === 'tool_use' && !closed.some((b) => b.type === 'tool_use')) v.push('stop_reason tool_use without a tool_use block');
  return v;
}
