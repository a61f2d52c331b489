/** OpenAI usage ↔ canonical Usage. Both count cached tokens inside the input total, so no arithmetic is needed. */
import type { Usage } from '../../core/model';
import type { OpenAIChatUsage } from './wire';
import { isRecord, num } from './narrow';

/** Upstream `usage` → canonical, or undefined when it is absent or malformed. */
export function decodeUsage(raw: unknown): Usage | undefined {
  if (!isRecord(raw)) return undefined;
  const inputTokens = num(raw.prompt_tokens);
  const outputTokens = num(raw.completion_tokens);
  if (inputTokens === undefined && outputTokens === undefined) return undefined;
  const usage: Usage = { inputTokens: inputTokens ?? 0, outputTokens: outputTokens ?? 0 };
  const cached = num(isRecord(raw.prompt_tokens_details) ? raw.prompt_tokens_details.cached_tokens : undefined)
    ?? num(raw.prompt_cache_hit_tokens); // DeepSeek's spelling
  if (cached !== undefined) usage.cachedInputTokens = cached;
  const reasoning = num(isRecord(raw.completion_tokens_details) ? raw.completion_tokens_details.reasoning_tokens : undefined);
  if (reasoning !== undefined) usage.reasoningTokens = reasoning;
  return usage;
}

/** Canonical usage → OpenAI `usage`; cache-creation tokens have no OpenAI field and stay inside prompt_tokens. */
export function encodeUsage(usage: Usage): OpenAIChatUsage {
  const out: OpenAIChatUsage = {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
  if (usage.cachedInputTokens !== undefined) out.prompt_tokens_details = { cached_tokens: usage.cachedInputTokens };
  if (usage.reasoningTokens !== undefined) out.completion_tokens_details = { reasoning_tokens: usage.reasoningTokens };
  return out;
}
