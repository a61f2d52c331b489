/**
 * Canonical stream events → `chat.completion.chunk` SSE frames for OpenAI clients.
 * After an `error` event the stream ends with the error frame and no `[DONE]`: the OpenAI SDK throws on the
 * error frame, and clients that wait for `[DONE]` correctly see a truncated stream instead of a clean end.
 */
import type { ChatRequest, StreamEvent, Usage } from '../../core/model';
import { generateId } from '../../core/ids';
import type { StreamStep } from '../../core/stream';
import type { SseFrame } from '../../sse/types';
import type { OpenAIChatChunk, OpenAIChatDelta } from './wire';
import { encodeError } from './errors';
import { encodeFinishReason } from './finish-reason';
import { chatCompletionId } from './response';
import { encodeUsage } from './usage';

/** Merges partial usage reports; complete only once both token counts are known. */
function mergeUsage(into: Partial<Usage>, more: Partial<Usage>): Partial<Usage> {
  const out = { ...into };
  for (const [k, v] of Object.entries(more) as Array<[keyof Usage, number | undefined]>) if (v !== undefined) out[k] = v;
  return out;
}

function complete(u: Partial<Usage>): Usage | undefined {
  return u.inputTokens !== undefined && u.outputTokens !== undefined ? { ...u, inputTokens: u.inputTokens, outputTokens: u.outputTokens } : undefined;
}

/** Creates the encoding step for one response to `req` (its `includeUsage` decides the trailing usage chunk). */
export function encodeOpenAIChatStream(req: Pick<ChatRequest, 'includeUsage'>): StreamStep<StreamEvent, SseFrame> {
  const includeUsage = req.includeUsage === true;
  let id = '';
  let model = '';
  let created = 0;
  let started = false;
  let done = false;
  let usage: Partial<Usage> = {};
  let nextTool = 0;
  const toolIndex = new Map<number, number>(); // canonical block index → OpenAI tool_calls index

  function chunk(delta: OpenAIChatDelta, finishReason: string | null = null): SseFrame {
    const body: OpenAIChatChunk = {
      id, object: 'chat.completion.chunk', created, model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    };
    // OpenAI itself sends `usage: null` on every chunk but the last when usage was requested.
    if (includeUsage) body.usage = null;
    return { data: JSON.stringify(body) };
  }

  function start(e: { id: string; model: string; created?: number } | undefined): SseFrame[] {
    if (started) return [];
    started = true;
    id = chatCompletionId(e?.id ?? generateId('chatcmpl-'));
    model = e?.model ?? '';
    created = e?.created ?? Math.floor(Date.now() / 1000);
    return [chunk({ role: 'assistant', content: '' })];
  }

  function finishFrames(e: Extract<StreamEvent, { type: 'finish' }>): SseFrame[] {
    const out = [chunk({}, encodeFinishReason(e.reason, e.raw))];
    const final = e.usage ?? complete(usage);
    if (includeUsage && final) {
      const last: OpenAIChatChunk = { id, object: 'chat.completion.chunk', created, model, choices: [], usage: encodeUsage(final) };
      out.push({ data: JSON.stringify(last) });
    }
    out.push({ data: '[DONE]' });
    done = true;
    return out;
  }

  function eventFrames(e: StreamEvent): SseFrame[] {
    switch (e.type) {
      case 'start': if (e.usage) usage = mergeUsage(usage, e.usage); return start(e);
      case 'text-delta': return e.text ? [chunk({ content: e.text })] : [];
      case 'reasoning-delta': return e.text ? [chunk({ reasoning_content: e.text })] : [];
      case 'tool-start': {
        const i = nextTool++;
        toolIndex.set(e.index, i);
        return [chunk({ tool_calls: [{ index: i, id: e.callId, type: 'function', function: { name: e.name, arguments: '' } }] })];
      }
      case 'tool-delta': {
        const i = toolIndex.get(e.index);
        return i === undefined || !e.argsJson ? [] : [chunk({ tool_calls: [{ index: i, function: { arguments: e.argsJson } }] })];
      }
      case 'usage': usage = mergeUsage(usage, e.usage); return [];
      case 'finish': return finishFrames(e);
      case 'error': done = true; return [encodeError(e.error).frame];
      default: return []; // block starts/ends and signatures have no OpenAI Chat counterpart
    }
  }

  return {
    step(e) {
      if (done) return [];
      // An error before any output needs no preamble chunk; everything else does.
      const pre = !started && e.type !== 'start' && e.type !== 'error' ? start(undefined) : [];
      return [...pre, ...eventFrames(e)];
    },
    finish: () => [],
  };
}
