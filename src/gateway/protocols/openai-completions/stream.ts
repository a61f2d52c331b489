/**
 * `chat.completion.chunk` SSE text (the chat pipeline's frames in the openai-chat protocol) → legacy
 * `text_completion` chunks. Incremental: frames may split anywhere, events are re-cut on SSE boundaries.
 * Chunks that carry nothing a completion can show (the role chunk, reasoning, tool-call deltas) are dropped;
 * error frames and `[DONE]` pass through unchanged.
 */
import { createParser } from 'eventsource-parser';
import { encodeSse } from '../../sse/encode';
import { completionId, completionUsage } from './response';
import type { OpenAICompletion } from './wire';

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Converts one stream; `prefix` (the echoed prompt) is sent as the first text. */
export interface CompletionStreamEncoder {
  /** Feeds chat SSE text; returns completion SSE text (possibly ''). */
  push(text: string | Buffer): string;
  /** Flushes the end of the stream. */
  finish(): string;
}

/** Creates the encoder for one response. */
export function encodeCompletionStream(prefix: string): CompletionStreamEncoder {
  let out = '';
  let id: string | undefined;
  let created = 0;
  let model = '';
  let pendingPrefix = prefix;
  const decoder = new TextDecoder();

  const emit = (choice: { text: string; finish: string | null }, usage?: Json | null): void => {
    const chunk: OpenAICompletion = {
      id: id ?? completionId(undefined), object: 'text_completion', created, model,
      choices: [{ text: choice.text, index: 0, logprobs: null, finish_reason: choice.finish }],
    };
    if (usage !== undefined) chunk.usage = usage === null ? null : completionUsage(usage) ?? null;
    out += encodeSse({ data: JSON.stringify(chunk) });
  };

  const onData = (data: string): void => {
    if (data === '[DONE]') { out += encodeSse({ data }); return; }
    let parsed: unknown;
    try { parsed = JSON.parse(data); } catch { return; }
    if (!isRecord(parsed)) return;
    if ('error' in parsed) { out += encodeSse({ data }); return; }
    id ??= completionId(parsed.id);
    if (typeof parsed.created === 'number') created = parsed.created;
    if (typeof parsed.model === 'string') model = parsed.model;
    const choices = Array.isArray(parsed.choices) ? parsed.choices.filter(isRecord) : [];
    if (choices.length === 0) {
      // The trailing usage-only chunk: OpenAI's legacy endpoint sends it with empty choices too.
      if (isRecord(parsed.usage)) {
        const last: OpenAICompletion = { id, object: 'text_completion', created, model, choices: [], usage: completionUsage(parsed.usage) ?? null };
        out += encodeSse({ data: JSON.stringify(last) });
      }
      return;
    }
    const c = choices[0]!;
    const delta = isRecord(c.delta) ? c.delta : {};
    const text = typeof delta.content === 'string' ? delta.content : '';
    const finish = typeof c.finish_reason === 'string' ? c.finish_reason : null;
    const usage = 'usage' in parsed ? (isRecord(parsed.usage) ? parsed.usage : null) : undefined;
    if (pendingPrefix) { const p = pendingPrefix; pendingPrefix = ''; emit({ text: p, finish: null }, usage === undefined ? undefined : null); }
    if (text || finish) emit({ text, finish }, usage);
  };

  const parser = createParser({ onEvent: (e) => onData(e.data) });
  const take = (): string => { const s = out; out = ''; return s; };
  return {
    push(text) { parser.feed(typeof text === 'string' ? text : decoder.decode(text, { stream: true })); return take(); },
    finish() { parser.feed(decoder.decode() + '\n\n'); return take(); },
  };
}
