/**
 * Usage conversion. Canonical `inputTokens` includes cache reads and writes (OpenAI's convention);
 * Anthropic's `input_tokens` excludes both, so decoding adds them and encoding subtracts them.
 */
import type { Usage } from '../../core/model';
import type { AnthropicUsage } from './wire';

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Anthropic usage → canonical usage. */
export function decodeUsage(u: AnthropicUsage | undefined | null): Usage {
  const cacheRead = num(u?.cache_read_input_tokens);
  const cacheWrite = num(u?.cache_creation_input_tokens);
  const usage: Usage = { inputTokens: num(u?.input_tokens) + cacheRead + cacheWrite, outputTokens: num(u?.output_tokens) };
  if (typeof u?.cache_read_input_tokens === 'number') usage.cachedInputTokens = cacheRead;
  if (typeof u?.cache_creation_input_tokens === 'number') usage.cacheCreationInputTokens = cacheWrite;
  const thinking = u?.output_tokens_details?.thinking_tokens;
  if (typeof thinking === 'number') usage.reasoningTokens = thinking;
  return usage;
}

/** The wire usage object with every field Claude Code reads (cache fields always present). */
export type EncodedAnthropicUsage = {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
};

/** Canonical usage → Anthropic usage; `input_tokens` never goes negative. */
export function encodeUsage(u: Partial<Usage> | undefined): EncodedAnthropicUsage {
  const cacheRead = num(u?.cachedInputTokens);
  const cacheWrite = num(u?.cacheCreationInputTokens);
  return {
    input_tokens: Math.max(0, num(u?.inputTokens) - cacheRead - cacheWrite),
    output_tokens: num(u?.outputTokens),
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
  };
}

/** Merges a later wire usage (message_delta, cumulative) over an earlier one (message_start). */
export function mergeWireUsage(base: AnthropicUsage, later: AnthropicUsage | undefined): AnthropicUsage {
  const out: AnthropicUsage = { ...base };
  if (!later) return out;
  for (const [k, v] of Object.entries(later)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}
