/**
 * Legacy completions request → the Chat Completions body the chat pipeline serves when the upstream cannot take
 * `/completions` itself (Anthropic, Gemini, Responses). Only what a chat model can honour is translated; fields that
 * only make sense on the real endpoint are refused with a 400 rather than silently changing the answer.
 */
import { invalidRequest } from '../../core/errors';

type Json = Record<string, unknown>;

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isTokenList = (v: unknown): boolean => Array.isArray(v) && v.length > 0 && v.every((n) => typeof n === 'number');

/** Checks the fields every completions request needs, whatever the upstream. */
export function validateCompletionRequest(body: Json): void {
  if (typeof body.model !== 'string' || !body.model) throw invalidRequest('you must provide a model parameter', 'model');
  const p = body.prompt;
  const ok = p === undefined || typeof p === 'string' || isTokenList(p)
    || (Array.isArray(p) && p.length > 0 && p.every((x) => typeof x === 'string' || isTokenList(x)));
  if (!ok) throw invalidRequest("'prompt' must be a string, an array of strings, an array of tokens, or an array of token arrays", 'prompt');
}

/** The one prompt text a translated request carries; batches and token ids need the real endpoint. */
export function promptText(body: Json): string {
  const p = body.prompt;
  // OpenAI treats a missing prompt as the document separator; an empty text is the closest a chat model gets.
  if (p === undefined) return '';
  if (typeof p === 'string') return p;
  if (Array.isArray(p) && p.length === 1 && typeof p[0] === 'string') return p[0];
  if (Array.isArray(p) && p.every((x) => typeof x === 'string')) {
    throw invalidRequest('A batch of prompts is only supported when the model is served by an OpenAI or OpenAI-compatible /completions upstream; send one prompt per request', 'prompt', 'unsupported_parameter');
  }
  throw invalidRequest('Token-id prompts are only supported when the model is served by an OpenAI or OpenAI-compatible /completions upstream', 'prompt', 'unsupported_parameter');
}

const unsupported = (param: string, why: string) =>
  invalidRequest(`'${param}' ${why} when the model is served by a chat upstream (it needs an OpenAI or OpenAI-compatible /completions upstream)`, param, 'unsupported_parameter');

/** Builds the chat body for a translated request; throws 400 for what a chat model cannot honour. */
export function toChatBody(body: Json): Json {
  const text = promptText(body);
  if (typeof body.suffix === 'string' && body.suffix !== '') throw unsupported('suffix', 'is not supported');
  if (typeof body.n === 'number' && body.n > 1) throw unsupported('n', 'greater than 1 is not supported');
  if (typeof body.best_of === 'number' && body.best_of > 1) throw unsupported('best_of', 'greater than 1 is not supported');
  const chat: Json = { model: body.model, messages: [{ role: 'user', content: text }] };
  // OpenAI's default for the legacy endpoint is 16 tokens; chat upstreams need an explicit limit to match it.
  chat.max_tokens = typeof body.max_tokens === 'number' ? body.max_tokens : 16;
  for (const k of ['temperature', 'top_p', 'presence_penalty', 'frequency_penalty', 'seed', 'user', 'stream'] as const) {
    if (body[k] !== undefined && body[k] !== null) chat[k] = body[k];
  }
  if (typeof body.stop === 'string' || Array.isArray(body.stop)) chat.stop = body.stop;
  if (body.stream === true && isRecord(body.stream_options) && body.stream_options.include_usage === true) {
    chat.stream_options = { include_usage: true };
  }
  return chat;
}

/** Whether the caller asked for the trailing usage chunk on a stream. */
export function wantsStreamUsage(body: Json): boolean {
  return isRecord(body.stream_options) && body.stream_options.include_usage === true;
}

/** The text `echo` prepends to the answer (translated path). */
export function echoPrefix(body: Json): string {
  return body.echo === true ? promptText(body) : '';
}
