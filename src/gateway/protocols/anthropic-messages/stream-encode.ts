/**
 * Canonical stream events → Anthropic SSE frames. Anthropic blocks never interleave, but canonical blocks may
 * (parallel OpenAI tool calls stream their arguments alternately). The current block streams live; blocks that
 * start while another is open are buffered and flushed, in order, when their turn comes.
 */
import type { ChatRequest, StreamEvent, Usage } from '../../core/model';
import type { StreamStep } from '../../core/stream';
import type { SseFrame } from '../../sse/types';
import { encodeError } from './errors';
import { encodeStopReason } from './finish-reason';
import { messageId } from './response';
import { encodeUsage } from './usage';

type BlockEvent = Extract<StreamEvent, { index: number }>;
interface Pending { index: number; events: BlockEvent[]; ended: boolean }
interface Live { wire: number; redacted: boolean }

/** An SSE frame whose event name equals its payload's `type`, as Anthropic sends them. */
function frame(data: { type: string; [key: string]: unknown }): SseFrame {
  return { event: data.type, data: JSON.stringify(data) };
}

const isStart = (e: BlockEvent): boolean => e.type === 'text-start' || e.type === 'reasoning-start' || e.type === 'tool-start';
const isEnd = (e: BlockEvent): boolean => e.type === 'text-end' || e.type === 'reasoning-end' || e.type === 'tool-end';

/** Encodes a canonical stream as Anthropic SSE for the caller. */
export function encodeAnthropicStream(req: ChatRequest): StreamStep<StreamEvent, SseFrame> {
  let started = false;
  let done = false;
  let id: string | undefined;
  let model = req.model;
  let usage: Partial<Usage> = {};
  let nextWire = 0;
  let sawTool = false;
  let current: number | undefined; // canonical index of the block streaming live
  const live = new Map<number, Live>();
  const pending: Pending[] = [];

  function ensureStarted(): SseFrame[] {
    if (started) return [];
    started = true;
    const u = encodeUsage(usage);
    return [frame({
      type: 'message_start',
      message: {
        id: messageId(id), type: 'message', role: 'assistant', model, content: [],
        stop_reason: null, stop_sequence: null, usage: { ...u, output_tokens: usage.outputTokens ?? 0 },
      },
    })];
  }

  function open(e: BlockEvent): SseFrame[] {
    const wire = nextWire++;
    if (e.type === 'text-start') {
      live.set(e.index, { wire, redacted: false });
      return [frame({ type: 'content_block_start', index: wire, content_block: { type: 'text', text: '' } })];
    }
    if (e.type === 'reasoning-start') {
      const redacted = e.redactedData !== undefined;
      live.set(e.index, { wire, redacted });
      const block = redacted ? { type: 'redacted_thinking', data: e.redactedData } : { type: 'thinking', thinking: '', signature: '' };
      return [frame({ type: 'content_block_start', index: wire, content_block: block })];
    }
    if (e.type === 'tool-start') {
      sawTool = true;
      live.set(e.index, { wire, redacted: false });
      return [frame({ type: 'content_block_start', index: wire, content_block: { type: 'tool_use', id: e.callId, name: e.name, input: {} } })];
    }
    return [];
  }

  function delta(e: BlockEvent): SseFrame[] {
    const b = live.get(e.index);
    if (!b) return [];
    const at = (d: Record<string, unknown>): SseFrame[] => [frame({ type: 'content_block_delta', index: b.wire, delta: d })];
    if (e.type === 'text-delta') return e.text ? at({ type: 'text_delta', text: e.text }) : [];
    if (b.redacted) return [];
    if (e.type === 'reasoning-delta') return e.text ? at({ type: 'thinking_delta', thinking: e.text }) : [];
    if (e.type === 'reasoning-signature') return at({ type: 'signature_delta', signature: e.signature });
    if (e.type === 'tool-delta') return e.argsJson ? at({ type: 'input_json_delta', partial_json: e.argsJson }) : [];
    return [];
  }

  function close(index: number): SseFrame[] {
    const b = live.get(index);
    if (!b) return [];
    live.delete(index);
    if (current === index) current = undefined;
    return [frame({ type: 'content_block_stop', index: b.wire })];
  }

  /** Emits buffered blocks while no block is live; an unfinished one becomes the live block. */
  function drain(force: boolean): SseFrame[] {
    const out: SseFrame[] = [];
    while (current === undefined && pending.length) {
      const p = pending.shift()!;
      for (const e of p.events) out.push(...(isStart(e) ? open(e) : delta(e)));
      if (p.ended || force) out.push(...close(p.index));
      else current = p.index;
    }
    return out;
  }

  function block(e: BlockEvent): SseFrame[] {
    const waiting = pending.find((p) => p.index === e.index);
    if (isStart(e)) {
      if (current === undefined && !pending.length) { current = e.index; return open(e); }
      pending.push({ index: e.index, events: [e], ended: false });
      return [];
    }
    if (e.index === current) return isEnd(e) ? [...close(e.index), ...drain(false)] : delta(e);
    if (waiting) {
      if (isEnd(e)) waiting.ended = true; else waiting.events.push(e);
    }
    return [];
  }

  function finish(e: Extract<StreamEvent, { type: 'finish' }>): SseFrame[] {
    const out = [...(current === undefined ? [] : close(current)), ...drain(true)];
    const final = encodeUsage(e.usage ?? usage);
    const reason = sawTool && e.reason === 'stop' ? 'tool-calls' : e.reason;
    out.push(frame({ type: 'message_delta', delta: { stop_reason: encodeStopReason(reason, e.raw), stop_sequence: null }, usage: final }));
    out.push(frame({ type: 'message_stop' }));
    return out;
  }

  function handle(e: StreamEvent): SseFrame[] {
    switch (e.type) {
      case 'start':
        id = e.id; model = e.model || model; usage = { ...usage, ...e.usage };
        return ensureStarted();
      case 'usage': usage = { ...usage, ...e.usage }; return [];
      case 'finish': done = true; return [...ensureStarted(), ...finish(e)];
      case 'error': done = true; return [encodeError(e.error).frame];
      default: return [...ensureStarted(), ...block(e)];
    }
  }

  return {
    step: (e) => (done ? [] : handle(e)),
    finish: () => (done || !started ? [] : [...(current === undefined ? [] : close(current)), ...drain(true)]),
  };
}
