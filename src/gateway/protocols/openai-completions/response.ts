/** A `chat.completion` (what the chat pipeline answers in the openai-chat protocol) → a legacy `text_completion`. */
import { GatewayError } from '../../core/errors';
import { generateId } from '../../core/ids';
import type { OpenAICompletion, OpenAICompletionUsage } from './wire';

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** A `cmpl-…` id; reuses the random part of a chat id so logs can match the two. */
export function completionId(chatId: unknown): string {
  if (typeof chatId === 'string' && chatId) return `cmpl-${chatId.replace(/^chatcmpl-/, '')}`;
  return generateId('cmpl-');
}

/** Chat usage → legacy usage (the same three counts). */
export function completionUsage(u: unknown): OpenAICompletionUsage | undefined {
  if (!isRecord(u)) return undefined;
  const prompt = num(u.prompt_tokens);
  const completion = num(u.completion_tokens);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: num(u.total_tokens) || prompt + completion };
}

/** Text of a chat message's content (a string, or text parts). */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p) => (isRecord(p) && typeof p.text === 'string' ? p.text : '')).join('');
}

/** Converts the chat answer; `prefix` is the echoed prompt. */
export function encodeCompletionResponse(chat: unknown, prefix: string): OpenAICompletion {
  if (!isRecord(chat) || !Array.isArray(chat.choices)) {
    throw new GatewayError('upstream', 'The upstream answer is not a chat completion', { code: 'bad_upstream_response' });
  }
  const choices = chat.choices.filter(isRecord).map((c, i) => ({
    text: prefix + contentText(isRecord(c.message) ? c.message.content : undefined),
    index: typeof c.index === 'number' ? c.index : i,
    logprobs: null,
    finish_reason: typeof c.finish_reason === 'string' ? c.finish_reason : null,
  }));
  const out: OpenAICompletion = {
    id: completionId(chat.id), object: 'text_completion',
    created: typeof chat.created === 'number' ? chat.created : Math.floor(Date.now() / 1000),
    model: typeof chat.model === 'string' ? chat.model : '', choices,
  };
  const usage = completionUsage(chat.usage);
  if (usage) out.usage = usage;
  return out;
}
