/** Anthropic SSE events → canonical stream events (block lifecycles map 1:1). */
import { GatewayError } from '../../core/errors';
import type { StreamEvent } from '../../core/model';
import type { StreamStep } from '../../core/stream';
import type { SseEvent } from '../../sse/types';
import { decodeError, statusForErrorType } from './errors';
import { decodeStopReason } from './finish-reason';
import { decodeUsage, mergeWireUsage } from './usage';
import { isRecord, type AnthropicUsage } from './wire';

type BlockKind = 'text' | 'reasoning' | 'tool' | 'ignored';
interface OpenBlock { kind: BlockKind; index: number }

function parse(data: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(data);
    return isRecord(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Decodes an Anthropic stream. Blocks get canonical indices in order of appearance. */
export function decodeAnthropicStream(): StreamStep<SseEvent, StreamEvent> {
  const open = new Map<number, OpenBlock>();
  let nextIndex = 0;
  let usage: AnthropicUsage = {};
  let stopReason: string | undefined;
  let sawStop = false;
  let failed = false;

  function blockStart(wireIndex: number, block: Record<string, unknown>): StreamEvent[] {
    const index = nextIndex++;
    switch (block.type) {
      case 'text': {
        open.set(wireIndex, { kind: 'text', index });
        const out: StreamEvent[] = [{ type: 'text-start', index }];
        if (typeof block.text === 'string' && block.text) out.push({ type: 'text-delta', index, text: block.text });
        return out;
      }
      case 'thinking': {
        open.set(wireIndex, { kind: 'reasoning', index });
        const out: StreamEvent[] = [{ type: 'reasoning-start', index }];
        if (typeof block.thinking === 'string' && block.thinking) out.push({ type: 'reasoning-delta', index, text: block.thinking });
        if (typeof block.signature === 'string' && block.signature) out.push({ type: 'reasoning-signature', index, signature: block.signature });
        return out;
      }
      case 'redacted_thinking':
        open.set(wireIndex, { kind: 'reasoning', index });
        return [{ type: 'reasoning-start', index, redactedData: typeof block.data === 'string' ? block.data : '' }];
      case 'tool_use': {
        open.set(wireIndex, { kind: 'tool', index });
        const out: StreamEvent[] = [{ type: 'tool-start', index, callId: String(block.id ?? ''), name: String(block.name ?? '') }];
        // The real API starts with input {}; some compatible servers put the whole input here.
        if (isRecord(block.input) && Object.keys(block.input).length) out.push({ type: 'tool-delta', index, argsJson: JSON.stringify(block.input) });
        return out;
      }
      default:
        nextIndex--; // server tool blocks etc. have no canonical form
        open.set(wireIndex, { kind: 'ignored', index: -1 });
        return [];
    }
  }

  function blockDelta(wireIndex: number, delta: Record<string, unknown>): StreamEvent[] {
    const b = open.get(wireIndex);
    if (!b || b.kind === 'ignored') return [];
    const { index } = b;
    if (delta.type === 'text_delta' && typeof delta.text === 'string' && b.kind === 'text') return [{ type: 'text-delta', index, text: delta.text }];
    if (delta.type === 'thinking_delta' && typeof delta.thinking === 'string' && b.kind === 'reasoning') return [{ type: 'reasoning-delta', index, text: delta.thinking }];
    if (delta.type === 'signature_delta' && typeof delta.signature === 'string' && b.kind === 'reasoning') return [{ type: 'reasoning-signature', index, signature: delta.signature }];
    if (delta.type === 'input_json_delta' && typeof delta.partial_json === 'string' && delta.partial_json && b.kind === 'tool') {
      return [{ type: 'tool-delta', index, argsJson: delta.partial_json }];
    }
    return [];
  }

  function blockEnd(wireIndex: number): StreamEvent[] {
    const b = open.get(wireIndex);
    if (!b) return [];
    open.delete(wireIndex);
    if (b.kind === 'text') return [{ type: 'text-end', index: b.index }];
    if (b.kind === 'reasoning') return [{ type: 'reasoning-end', index: b.index }];
    if (b.kind === 'tool') return [{ type: 'tool-end', index: b.index }];
    return [];
  }

  function closeAll(): StreamEvent[] {
    return [...open.keys()].sort((a, b) => a - b).flatMap(blockEnd);
  }

  function handle(e: Record<string, unknown>): StreamEvent[] {
    const wireIndex = typeof e.index === 'number' ? e.index : -1;
    switch (e.type) {
      case 'message_start': {
        const m = isRecord(e.message) ? e.message : {};
        if (isRecord(m.usage)) usage = mergeWireUsage(usage, m.usage);
        const start: StreamEvent = { type: 'start', id: String(m.id ?? ''), model: String(m.model ?? '') };
        if (isRecord(m.usage)) start.usage = decodeUsage(m.usage);
        return [start];
      }
      case 'content_block_start': return isRecord(e.content_block) ? blockStart(wireIndex, e.content_block) : [];
      case 'content_block_delta': return isRecord(e.delta) ? blockDelta(wireIndex, e.delta) : [];
      case 'content_block_stop': return blockEnd(wireIndex);
      case 'message_delta': {
        if (isRecord(e.delta) && typeof e.delta.stop_reason === 'string') stopReason = e.delta.stop_reason;
        if (isRecord(e.usage)) usage = mergeWireUsage(usage, e.usage);
        return [];
      }
      case 'message_stop': sawStop = true; return [];
      case 'error': {
        failed = true;
        const err = isRecord(e.error) ? e.error : {};
        const type = typeof err.type === 'string' ? err.type : undefined;
        return [...closeAll(), { type: 'error', error: decodeError(statusForErrorType(type), e, {}) }];
      }
      default: return []; // ping and unknown event types
    }
  }

  return {
    step(ev) {
      if (failed) return [];
      const e = parse(ev.data);
      return e ? handle(e) : [];
    },
    finish() {
      if (failed) return [];
      const out = closeAll();
      if (!sawStop && stopReason === undefined) {
        out.push({ type: 'error', error: new GatewayError('upstream', 'Anthropic stream ended before message_stop') });
        return out;
      }
      out.push({ type: 'finish', reason: decodeStopReason(stopReason), raw: stopReason, usage: decodeUsage(usage) });
      return out;
    },
  };
}
