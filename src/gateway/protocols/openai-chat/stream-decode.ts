/**
 * Upstream `chat.completion.chunk` SSE → canonical stream events. OpenAI deltas have no block lifecycle, so this
 * step opens and closes blocks itself: one block is open at a time, indices follow order of appearance.
 */
import type { StreamEvent, Usage } from '../../core/model';
import { GatewayError } from '../../core/errors';
import { generateId } from '../../core/ids';
import type { StreamStep } from '../../core/stream';
import type { SseEvent } from '../../sse/types';
import { decodeFinishReason } from './finish-reason';
import { decodeStreamError } from './errors';
import { decodeUsage } from './usage';
import { isRecord, num, parseJson, str } from './narrow';

/** A tool call being assembled from fragments, keyed by its wire `index`. */
interface ToolState {
  callId?: string;
  name?: string;
  /** Arguments that arrived before the id and name were both known. */
  pending: string;
  /** Canonical block index once started. */
  block?: number;
  ended: boolean;
}

type OpenBlock = { kind: 'text' | 'reasoning'; index: number } | { kind: 'tool'; index: number; tool: ToolState };

/** Creates the decoding step. Pure and synchronous; never throws on unexpected input. */
export function decodeOpenAIChatStream(): StreamStep<SseEvent, StreamEvent> {
  let started = false;
  let terminated = false;
  let sawDone = false;
  let nextIndex = 0;
  let open: OpenBlock | undefined;
  let raw: string | undefined;
  let usage: Usage | undefined;
  let startedTools = 0;
  const tools = new Map<number, ToolState>();
  let lastToolKey: number | undefined;

  function closeOpen(out: StreamEvent[]): void {
    const block = open;
    if (!block) return;
    if (block.kind === 'tool') { out.push({ type: 'tool-end', index: block.index }); block.tool.ended = true; }
    else if (block.kind === 'text') out.push({ type: 'text-end', index: block.index });
    else out.push({ type: 'reasoning-end', index: block.index });
    open = undefined;
  }

  function appendText(kind: 'text' | 'reasoning', text: string, out: StreamEvent[]): void {
    if (open?.kind !== kind) {
      closeOpen(out);
      open = { kind, index: nextIndex++ };
      out.push(kind === 'text' ? { type: 'text-start', index: open.index } : { type: 'reasoning-start', index: open.index });
    }
    out.push(kind === 'text' ? { type: 'text-delta', index: open.index, text } : { type: 'reasoning-delta', index: open.index, text });
  }

  /** Starts a tool block; a missing id is generated (some servers never send one). */
  function startTool(tool: ToolState, out: StreamEvent[]): void {
    closeOpen(out);
    tool.callId ??= generateId('call_');
    tool.block = nextIndex++;
    startedTools++;
    open = { kind: 'tool', index: tool.block, tool };
    out.push({ type: 'tool-start', index: tool.block, callId: tool.callId, name: tool.name ?? '' });
    if (tool.pending) out.push({ type: 'tool-delta', index: tool.block, argsJson: tool.pending });
    tool.pending = '';
  }

  /** Starts, in wire order, tools that never got both id and name (called before a later block or at the end). */
  function flushPendingTools(before: number, out: StreamEvent[]): void {
    for (const [key, t] of [...tools.entries()].sort((a, b) => a[0] - b[0])) {
      if (key < before && t.block === undefined) startTool(t, out);
    }
  }

  function toolKey(frag: Record<string, unknown>): number {
    const index = num(frag.index);
    if (index !== undefined) return index;
    // No index (some compatible servers): a new id means a new call, otherwise continue the last one.
    const id = str(frag.id);
    const known = id !== undefined && [...tools.entries()].find(([, t]) => t.callId === id);
    if (known) return known[0];
    if (id !== undefined || lastToolKey === undefined) return tools.size;
    return lastToolKey;
  }

  function toolFragment(frag: Record<string, unknown>, out: StreamEvent[]): void {
    const key = toolKey(frag);
    lastToolKey = key;
    let tool = tools.get(key);
    if (!tool) { tool = { pending: '', ended: false }; tools.set(key, tool); }
    const fn = isRecord(frag.function) ? frag.function : {};
    tool.callId ??= str(frag.id) || undefined;
    tool.name ??= str(fn.name) || undefined;
    const rawArgs = fn.arguments;
    const args = typeof rawArgs === 'string' ? rawArgs : isRecord(rawArgs) ? JSON.stringify(rawArgs) : '';
    // A fragment for a call whose block was already closed cannot be placed without breaking the lifecycle.
    if (tool.ended) return;
    if (tool.block === undefined) {
      tool.pending += args;
      if (tool.callId !== undefined && tool.name !== undefined) {
        flushPendingTools(key, out);
        startTool(tool, out);
      }
      return;
    }
    if (!args) return;
    if (open?.kind !== 'tool' || open.tool !== tool) return; // interleaved with another block: see comment above
    out.push({ type: 'tool-delta', index: tool.block, argsJson: args });
  }

  function choiceEvents(choice: Record<string, unknown>, out: StreamEvent[]): void {
    const delta = isRecord(choice.delta) ? choice.delta : {};
    const reasoning = str(delta.reasoning_content) ?? str(delta.reasoning);
    if (reasoning) appendText('reasoning', reasoning, out);
    const content = str(delta.content);
    if (content) appendText('text', content, out);
    if (Array.isArray(delta.tool_calls)) for (const frag of delta.tool_calls) if (isRecord(frag)) toolFragment(frag, out);
    const finish = str(choice.finish_reason);
    if (finish) raw = finish;
  }

  function chunkEvents(chunk: Record<string, unknown>): StreamEvent[] {
    const out: StreamEvent[] = [];
    if (isRecord(chunk.error)) {
      terminated = true;
      return [{ type: 'error', error: decodeStreamError(chunk.error) }];
    }
    if (!Array.isArray(chunk.choices) && !isRecord(chunk.usage)) return out; // not a chunk: ignore
    if (!started) {
      started = true;
      const created = num(chunk.created);
      const start: StreamEvent = { type: 'start', id: str(chunk.id) || generateId('chatcmpl-'), model: str(chunk.model) ?? '' };
      if (created !== undefined) start.created = created;
      out.push(start);
    }
    const u = decodeUsage(chunk.usage);
    if (u) usage = u;
    const choices = Array.isArray(chunk.choices) ? chunk.choices.filter(isRecord) : [];
    // Only the first choice is translated (n > 1 is not carried across protocols).
    const choice = choices.find((c) => c.index === 0) ?? choices[0];
    if (choice) choiceEvents(choice, out);
    return out;
  }

  return {
    step(event) {
      if (terminated) return [];
      if (event.data.trim() === '[DONE]') { sawDone = true; return []; }
      const chunk = parseJson(event.data);
      return isRecord(chunk) ? chunkEvents(chunk) : [];
    },
    finish() {
      if (terminated) return [];
      terminated = true;
      if (!started || (raw === undefined && !sawDone)) {
        const what = started ? 'before a finish_reason or [DONE]' : 'without any chunk';
        return [{ type: 'error', error: new GatewayError('upstream', `Upstream stream ended ${what}`, { code: 'incomplete_stream' }) }];
      }
      const out: StreamEvent[] = [];
      flushPendingTools(Infinity, out);
      closeOpen(out);
      let reason = decodeFinishReason(raw);
      // Some compatible servers finish tool-call turns with 'stop'.
      if (startedTools > 0 && reason === 'stop') reason = 'tool-calls';
      const finish: StreamEvent = { type: 'finish', reason };
      if (raw !== undefined) finish.raw = raw;
      if (usage) finish.usage = usage;
      out.push(finish);
      return out;
    },
  };
}
