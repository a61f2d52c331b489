/**
 * Responses SSE events (upstream) → canonical stream events. Output items map 1:1 to canonical blocks. Text and
 * arguments are taken from deltas, and the `.done` events and finished items only fill in what the deltas missed:
 * some backends send function arguments only on `.done` (litellm#25321), so both paths must work without duplicating.
 */
import type { StreamEvent, Usage } from '../../core/model';
import { GatewayError } from '../../core/errors';
import type { StreamStep } from '../../core/stream';
import type { SseEvent } from '../../sse/types';
import { generateId } from '../../core/ids';
import { isObject, type JsonObject } from './normalize';
import { decodeFinishReason } from './finish-reason';
import { decodeReasoningCarry, isReasoningCarry } from './reasoning-carry';
import { decodeUsage } from './response';
import { errorFromOpenAI } from './errors';
import { namespacedName } from './tools';

type BlockKind = 'text' | 'reasoning' | 'tool' | 'custom';

interface Block { kind: BlockKind; index: number; emitted: string; open: boolean; summaryIndex?: number }

function str(v: unknown): string | undefined { return typeof v === 'string' ? v : undefined; }

/** Creates the decoder step for one upstream Responses stream. */
export function decodeOpenAIResponsesStream(): StreamStep<SseEvent, StreamEvent> {
  let started = false;
  let nextIndex = 0;
  let terminal: { status: string; incomplete?: string; usage?: Usage } | undefined;
  let failed = false;
  let sawToolCall = false;
  const blocks = new Map<number, Block>();
  const order: Block[] = [];

  const start = (out: StreamEvent[], response?: JsonObject): void => {
    if (started) return;
    started = true;
    const ev: StreamEvent = { type: 'start', id: str(response?.id) ?? generateId('resp_'), model: str(response?.model) ?? '' };
    if (typeof response?.created_at === 'number') ev.created = response.created_at;
    out.push(ev);
  };

  const open = (outputIndex: number, kind: BlockKind, out: StreamEvent[], item?: JsonObject): Block => {
    const existing = blocks.get(outputIndex);
    if (existing) return existing;
    const block: Block = { kind, index: nextIndex++, emitted: '', open: true };
    blocks.set(outputIndex, block);
    order.push(block);
    if (kind === 'text') out.push({ type: 'text-start', index: block.index });
    else if (kind === 'reasoning') out.push({ type: 'reasoning-start', index: block.index });
    else {
      sawToolCall = true;
      const name = str(item?.name) ?? '';
      const namespace = str(item?.namespace);
      const callId = str(item?.call_id) ?? str(item?.id) ?? generateId('call_');
      out.push({ type: 'tool-start', index: block.index, callId, name: namespace ? namespacedName(namespace, name) : name });
    }
    return block;
  };

  const delta = (block: Block, text: string, out: StreamEvent[]): void => {
    if (text === '' || !block.open) return;
    if (block.kind === 'custom') {
      // Custom tool input streams as raw text; canonical arguments are JSON `{"input": …}`, escaped piecewise.
      const escaped = JSON.stringify(text).slice(1, -1);
      out.push({ type: 'tool-delta', index: block.index, argsJson: (block.emitted === '' ? '{"input":"' : '') + escaped });
    } else if (block.kind === 'tool') out.push({ type: 'tool-delta', index: block.index, argsJson: text });
    else if (block.kind === 'text') out.push({ type: 'text-delta', index: block.index, text });
    else out.push({ type: 'reasoning-delta', index: block.index, text });
    block.emitted += text;
  };

  /** Emits whatever part of a complete value the deltas have not delivered yet. */
  const complete = (block: Block, full: string | undefined, out: StreamEvent[]): void => {
    if (full === undefined || full === '' || block.emitted === full) return;
    if (full.startsWith(block.emitted)) delta(block, full.slice(block.emitted.length), out);
    else if (block.emitted === '') delta(block, full, out);
  };

  const close = (block: Block, out: StreamEvent[]): void => {
    if (!block.open) return;
    block.open = false;
    if (block.kind === 'text') out.push({ type: 'text-end', index: block.index });
    else if (block.kind === 'reasoning') out.push({ type: 'reasoning-end', index: block.index });
    else {
      if (block.kind === 'custom') out.push({ type: 'tool-delta', index: block.index, argsJson: block.emitted === '' ? '{"input":""}' : '"}' });
      else if (block.emitted === '') out.push({ type: 'tool-delta', index: block.index, argsJson: '{}' });
      out.push({ type: 'tool-end', index: block.index });
    }
  };

  const itemKind = (item: JsonObject): BlockKind | undefined => {
    if (item.type === 'message') return 'text';
    if (item.type === 'reasoning') return 'reasoning';
    if (item.type === 'function_call') return 'tool';
    if (item.type === 'custom_tool_call') return 'custom';
    return undefined;
  };

  const itemDone = (outputIndex: number, item: JsonObject, out: StreamEvent[]): void => {
    const kind = itemKind(item);
    if (!kind) return;
    const block = blocks.get(outputIndex) ?? open(outputIndex, kind, out, item);
    if (kind === 'text') {
      const texts = (Array.isArray(item.content) ? item.content : []).map((c: unknown) => (isObject(c) ? str(c.text) ?? str(c.refusal) ?? '' : ''));
      complete(block, texts.join(''), out);
    } else if (kind === 'reasoning') {
      if (block.emitted === '') {
        const parts = [...(Array.isArray(item.content) ? item.content : []), ...(Array.isArray(item.summary) ? item.summary : [])];
        const text = parts.map((c: unknown) => (isObject(c) ? str(c.text) ?? '' : '')).filter((t) => t !== '').join('\n\n');
        complete(block, text, out);
      }
      const encrypted = str(item.encrypted_content);
      const carry = encrypted !== undefined ? decodeReasoningCarry(encrypted) : undefined;
      const signature = carry ? carry.signature : encrypted !== undefined && !isReasoningCarry(encrypted) ? encrypted : undefined;
      if (signature !== undefined) out.push({ type: 'reasoning-signature', index: block.index, signature });
    } else if (kind === 'tool') {
      complete(block, str(item.arguments), out);
    } else if (block.emitted === '') {
      delta(block, str(item.input) ?? '', out);
    }
    close(block, out);
  };

  const handlers: Record<string, (d: JsonObject, out: StreamEvent[]) => void> = {
    'response.created': (d, out) => start(out, isObject(d.response) ? d.response : undefined),
    'response.output_item.added': (d, out) => {
      const item = isObject(d.item) ? d.item : undefined;
      const kind = item ? itemKind(item) : undefined;
      if (!item || !kind || typeof d.output_index !== 'number') return;
      // Message blocks open on their first text, so an empty message item produces no empty block.
      if (kind === 'text') return;
      const block = open(d.output_index, kind, out, item);
      if (kind === 'tool') complete(block, str(item.arguments), out);
    },
    'response.output_text.delta': (d, out) => textDelta(d, out),
    'response.refusal.delta': (d, out) => textDelta(d, out),
    'response.output_text.done': (d, out) => {
      if (typeof d.output_index === 'number') complete(open(d.output_index, 'text', out), str(d.text), out);
    },
    'response.reasoning_summary_text.delta': (d, out) => reasoningDelta(d, out, typeof d.summary_index === 'number' ? d.summary_index : 0),
    'response.reasoning_text.delta': (d, out) => reasoningDelta(d, out, undefined),
    'response.function_call_arguments.delta': (d, out) => {
      const block = typeof d.output_index === 'number' ? blocks.get(d.output_index) : undefined;
      if (block?.kind === 'tool' && block.open) delta(block, str(d.delta) ?? '', out);
    },
    'response.function_call_arguments.done': (d, out) => {
      const block = typeof d.output_index === 'number' ? blocks.get(d.output_index) : undefined;
      if (block?.kind === 'tool' && block.open) complete(block, str(d.arguments), out);
    },
    'response.custom_tool_call_input.delta': (d, out) => {
      const block = typeof d.output_index === 'number' ? blocks.get(d.output_index) : undefined;
      if (block?.kind === 'custom' && block.open) delta(block, str(d.delta) ?? '', out);
    },
    'response.output_item.done': (d, out) => {
      if (isObject(d.item) && typeof d.output_index === 'number') itemDone(d.output_index, d.item, out);
    },
    'response.completed': (d) => lifecycle(d),
    'response.incomplete': (d) => lifecycle(d),
    'response.failed': (d, out) => {
      const r = isObject(d.response) ? d.response : {};
      const e = isObject(r.error) ? r.error : {};
      fail(out, str(e.code), str(e.message) ?? 'The upstream response failed.');
    },
    error: (d, out) => {
      const e = isObject(d.error) ? d.error : d;
      fail(out, str(e.code), str(e.message) ?? 'Upstream stream error.', str(e.param));
    },
  };

  function textDelta(d: JsonObject, out: StreamEvent[]): void {
    if (typeof d.output_index === 'number') delta(open(d.output_index, 'text', out), str(d.delta) ?? '', out);
  }

  function reasoningDelta(d: JsonObject, out: StreamEvent[], summaryIndex: number | undefined): void {
    if (typeof d.output_index !== 'number') return;
    const block = open(d.output_index, 'reasoning', out);
    if (!block.open) return;
    if (summaryIndex !== undefined && block.summaryIndex !== undefined && summaryIndex !== block.summaryIndex && block.emitted !== '') {
      delta(block, '\n\n', out);
    }
    if (summaryIndex !== undefined) block.summaryIndex = summaryIndex;
    delta(block, str(d.delta) ?? '', out);
  }

  function lifecycle(d: JsonObject): void {
    const r = isObject(d.response) ? d.response : {};
    const incomplete = isObject(r.incomplete_details) ? str(r.incomplete_details.reason) : undefined;
    terminal = { status: str(r.status) ?? (d.type === 'response.incomplete' ? 'incomplete' : 'completed'), incomplete, usage: decodeUsage(r.usage) };
  }

  function fail(out: StreamEvent[], code: string | undefined, message: string, param?: string): void {
    if (failed) return;
    failed = true;
    const status = code === 'rate_limit_exceeded' || code === 'insufficient_quota' ? 429 : code === 'context_length_exceeded' || code === 'invalid_prompt' ? 400 : 500;
    out.push({ type: 'error', error: errorFromOpenAI(status, message, { code, param }) });
  }

  return {
    step(ev) {
      if (failed) return [];
      let data: unknown;
      try { data = JSON.parse(ev.data); } catch { return []; }
      if (!isObject(data)) return [];
      const type = str(data.type) ?? ev.event;
      const handler = type !== undefined ? handlers[type] : undefined;
      if (!handler) return [];
      const out: StreamEvent[] = [];
      if (type !== 'error' && type !== 'response.failed' && type !== 'response.created') start(out);
      handler(data, out);
      return out;
    },
    finish() {
      if (failed) return [];
      const out: StreamEvent[] = [];
      if (!terminal) {
        out.push({ type: 'error', error: new GatewayError('upstream', 'The upstream stream ended before response.completed.', { retryable: true }) });
        return out;
      }
      for (const block of order) close(block, out);
      const reason = decodeFinishReason(terminal.status, terminal.incomplete, sawToolCall);
      const fin: StreamEvent = { type: 'finish', reason: reason.reason };
      if (reason.raw !== undefined) fin.raw = reason.raw;
      if (terminal.usage) fin.usage = terminal.usage;
      out.push(fin);
      return out;
    },
  };
}
