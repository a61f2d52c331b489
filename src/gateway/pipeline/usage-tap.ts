/**
 * Reads usage out of an upstream's own SSE events on the identity path, cheaply: only events that can carry usage
 * are JSON-parsed (a substring check first), so byte-for-byte pass-through stays fast.
 */
import type { ProtocolId, Usage } from '../core/model';
import type { SseEvent } from '../sse/types';
import { lastTopLevelMember } from './json-scan';

/** Accumulates usage from raw events of one protocol. */
export interface UsageTap { push(e: SseEvent): void; readonly usage: Usage | undefined; readonly sawTerminal: boolean }

type Json = Record<string, unknown>;
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const obj = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null ? (v as Json) : undefined);
const parse = (data: string): Json | undefined => { try { return obj(JSON.parse(data)); } catch { return undefined; } };

/** Creates a usage tap for events of `protocol`. */
export function createUsageTap(protocol: ProtocolId): UsageTap {
  let usage: Usage | undefined;
  let sawTerminal = false;
  const merge = (u: Partial<Usage>) => { usage = { inputTokens: 0, outputTokens: 0, ...usage, ...u }; };
  const push = (e: SseEvent): void => {
    switch (protocol) {
      case 'openai-chat': {
        if (e.data === '[DONE]') { sawTerminal = true; return; }
        if (!e.data.includes('"usage"') || onlyNullUsage(e.data)) return;
        const u = obj(parse(e.data)?.usage);
        if (u) merge(fromOpenAIUsage(u));
        return;
      }
      case 'anthropic-messages': {
        if (e.event === 'message_stop') { sawTerminal = true; return; }
        if (e.event !== 'message_start' && e.event !== 'message_delta') return;
        const d = parse(e.data);
        const u = obj(e.event === 'message_start' ? obj(d?.message)?.usage : d?.usage);
        if (u) merge(fromAnthropicUsage(u, usage));
        return;
      }
      case 'openai-responses': {
        if (!e.data.includes('"usage"') || !/response\.(completed|incomplete|failed)/.test(e.event ?? e.data.slice(0, 80))) return;
        sawTerminal = true;
        const u = obj(obj(parse(e.data)?.response)?.usage);
        if (u) merge({
          inputTokens: num(u.input_tokens), outputTokens: num(u.output_tokens),
          cachedInputTokens: num(obj(u.input_tokens_details)?.cached_tokens),
          reasoningTokens: num(obj(u.output_tokens_details)?.reasoning_tokens),
        });
        return;
      }
      case 'gemini': {
        if (e.data.includes('"finishReason"')) sawTerminal = true;
        if (!e.data.includes('usageMetadata')) return;
        const u = obj(parse(e.data)?.usageMetadata);
        if (u) merge({
          inputTokens: num(u.promptTokenCount), outputTokens: num(u.candidatesTokenCount) + num(u.thoughtsTokenCount),
          cachedInputTokens: num(u.cachedContentTokenCount), reasoningTokens: num(u.thoughtsTokenCount),
        });
        return;
      }
    }
  };
  return { push, get usage() { return usage; }, get sawTerminal() { return sawTerminal; } };
}

/**
 * Whether the event's only `"usage":` member is null: OpenAI sends `"usage":null` in every chunk but the last when
 * usage is requested, and parsing each of them just to find that was most of the tap's cost. (Quotes inside JSON
 * strings are escaped, so the pattern only matches member names.)
 */
function onlyNullUsage(data: string): boolean {
  const at = data.indexOf('"usage":');
  if (at < 0 || data.indexOf('"usage":', at + 8) >= 0) return false;
  let i = at + 8;
  while (data.charCodeAt(i) === 32) i++;
  return data.startsWith('null', i);
}

/** OpenAI usage object → canonical (prompt_tokens already includes cached tokens). */
export function fromOpenAIUsage(u: Json): Usage {
  return {
    inputTokens: num(u.prompt_tokens), outputTokens: num(u.completion_tokens),
    cachedInputTokens: num(obj(u.prompt_tokens_details)?.cached_tokens),
    reasoningTokens: num(obj(u.completion_tokens_details)?.reasoning_tokens),
  };
}

/** Anthropic usage → canonical (input_tokens excludes cache reads/writes, so they are added). */
function fromAnthropicUsage(u: Json, prev: Usage | undefined): Partial<Usage> {
  const out: Partial<Usage> = {};
  const cacheRead = 'cache_read_input_tokens' in u ? num(u.cache_read_input_tokens) : prev?.cachedInputTokens ?? 0;
  const cacheWrite = 'cache_creation_input_tokens' in u ? num(u.cache_creation_input_tokens) : prev?.cacheCreationInputTokens ?? 0;
  if ('input_tokens' in u) out.inputTokens = num(u.input_tokens) + cacheRead + cacheWrite;
  if ('output_tokens' in u) out.outputTokens = num(u.output_tokens);
  out.cachedInputTokens = cacheRead;
  out.cacheCreationInputTokens = cacheWrite;
  return out;
}

/** The top-level member of a whole JSON answer of `protocol` that carries its usage. */
export function usageMember(protocol: ProtocolId): string {
  return protocol === 'gemini' ? 'usageMetadata' : 'usage';
}

/** Usage from the value of a whole answer's usage member (`usageMember`); undefined when it is not an object. */
export function usageFromMember(protocol: ProtocolId, value: unknown): Usage | undefined {
  const u = obj(value);
  if (!u) return undefined;
  switch (protocol) {
    case 'openai-chat': return fromOpenAIUsage(u);
    case 'anthropic-messages': return { inputTokens: 0, outputTokens: 0, ...fromAnthropicUsage(u, undefined) };
    case 'openai-responses': return {
      inputTokens: num(u.input_tokens), outputTokens: num(u.output_tokens),
      cachedInputTokens: num(obj(u.input_tokens_details)?.cached_tokens),
      reasoningTokens: num(obj(u.output_tokens_details)?.reasoning_tokens),
    };
    case 'gemini': return {
      inputTokens: num(u.promptTokenCount), outputTokens: num(u.candidatesTokenCount) + num(u.thoughtsTokenCount),
      cachedInputTokens: num(u.cachedContentTokenCount), reasoningTokens: num(u.thoughtsTokenCount),
    };
  }
}

/** Reads usage from a whole (non-streamed) upstream JSON body of `protocol`. */
export function usageFromJson(protocol: ProtocolId, body: Json): Usage | undefined {
  return usageFromMember(protocol, body[usageMember(protocol)]);
}

/**
 * Usage of a whole JSON answer read off its UTF-8 bytes: only the top-level usage member is parsed (see
 * json-scan.ts). `{ usage }` when that is exact, undefined when the caller must parse the whole body to know.
 */
export function usageFromJsonBytes(protocol: ProtocolId, bytes: Buffer): { usage: Usage | undefined } | undefined {
  const span = lastTopLevelMember(bytes, usageMember(protocol));
  if (!span) return undefined;
  let value: unknown;
  try { value = JSON.parse(bytes.toString('utf8', span.start, span.end)); } catch { return undefined; }
  return { usage: usageFromMember(protocol, value) };
}

/** OpenAI's trailing usage chunk: `choices: []` with `usage`. */
export function isUsageOnlyChunk(e: SseEvent): boolean {
  if (!e.data.includes('"usage"') || !e.data.includes('"choices":[]')) return false;
  try {
    const d = JSON.parse(e.data) as { choices?: unknown[]; usage?: unknown };
    return Array.isArray(d.choices) && d.choices.length === 0 && !!d.usage;
  } catch { return false; }
}
