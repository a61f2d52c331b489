/**
 * Anthropic `thinking` + `output_config` ↔ canonical ReasoningConfig.
 * Anthropic-native settings (adaptive thinking, output_config) are kept in extra and win on re-encode;
 * an OpenAI-style effort alone becomes `thinking: enabled` with a budget from EFFORT_BUDGET.
 */
import { invalidRequest } from '../../core/errors';
import type { ChatRequest, ReasoningConfig, ReasoningEffort, ResponseFormat } from '../../core/model';
import { NS } from './content-decode';
import { isRecord } from './wire';

/** Anthropic's smallest accepted `budget_tokens`. */
export const MIN_THINKING_BUDGET = 1024;

/** Thinking budget used for an effort level when the caller gave no explicit budget. */
export const EFFORT_BUDGET: Record<ReasoningEffort, number> = {
  none: 0, minimal: 1024, low: 1024, medium: 8192, high: 16384, xhigh: 32768,
};

const EFFORTS: readonly string[] = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'];

/** What the request's thinking/output_config decode to, plus raw values to keep in extra. */
export interface DecodedThinking {
  reasoning?: ReasoningConfig;
  responseFormat?: ResponseFormat;
  keep: Record<string, unknown>;
}

/** Decodes `thinking` and `output_config`. */
export function decodeThinking(thinking: unknown, outputConfig: unknown): DecodedThinking {
  const keep: Record<string, unknown> = {};
  let reasoning: ReasoningConfig | undefined;
  if (thinking !== undefined && thinking !== null) {
    if (!isRecord(thinking) || typeof thinking.type !== 'string') throw invalidRequest('thinking: expected an object with a type', 'thinking');
    if (thinking.type === 'enabled') {
      if (typeof thinking.budget_tokens !== 'number') throw invalidRequest('thinking.budget_tokens: Field required', 'thinking.budget_tokens');
      reasoning = { enabled: true, budgetTokens: thinking.budget_tokens };
    } else if (thinking.type === 'disabled') {
      reasoning = { enabled: false };
    } else {
      // adaptive (and future types): on, with the exact object kept for an Anthropic upstream.
      reasoning = { enabled: true };
      keep.thinking = thinking;
    }
  }
  let responseFormat: ResponseFormat | undefined;
  if (isRecord(outputConfig)) {
    keep.output_config = outputConfig;
    const effort = outputConfig.effort === 'max' ? 'xhigh' : outputConfig.effort;
    if (typeof effort === 'string' && EFFORTS.includes(effort)) reasoning = { ...reasoning, effort: effort as ReasoningEffort };
    const format = outputConfig.format;
    if (isRecord(format) && format.type === 'json_schema' && isRecord(format.schema)) responseFormat = { type: 'json-schema', schema: format.schema };
  }
  return { reasoning, responseFormat, keep };
}

/** The `thinking` field to send (if any) and the possibly raised `max_tokens`. */
export interface EncodedThinking { thinking?: Record<string, unknown>; maxTokens: number }

/**
 * Chooses the upstream `thinking`. `enabled: false` omits it entirely: sending `disabled` together with an effort
 * is rejected by some Anthropic-compatible upstreams (claude-code#65863), and omitting means "off" anyway.
 */
export function encodeThinking(req: ChatRequest, maxTokens: number): EncodedThinking {
  const r = req.reasoning;
  const own = req.extra?.[NS];
  if (r?.enabled === false) return { maxTokens };
  if (isRecord(own?.thinking)) return { thinking: own.thinking, maxTokens };
  let budget = 0;
  if (r?.budgetTokens) budget = r.budgetTokens;
  else if (r?.effort && !isRecord(own?.output_config)) budget = EFFORT_BUDGET[r.effort];
  else if (r?.enabled) budget = EFFORT_BUDGET.medium;
  if (!budget) return { maxTokens };
  budget = Math.max(MIN_THINKING_BUDGET, budget);
  // budget_tokens must be < max_tokens; keep the caller's answer room on top of the budget.
  return { thinking: { type: 'enabled', budget_tokens: budget }, maxTokens: budget >= maxTokens ? budget + maxTokens : maxTokens };
}
