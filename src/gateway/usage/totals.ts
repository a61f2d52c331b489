/** Usage counters and their arithmetic. */
import type { ModelInfo } from '../config';
import type { GatewayConfig } from '../config';
import type { UsageRecord } from '../policy/types';

/** Counters of a set of requests. */
export interface UsageTotals {
  requests: number;
  /** Requests that counted against RPM/RPD (admitted chat and embeddings requests). */
  countedRequests: number;
  /** Requests answered with status >= 400. */
  errors: number;
  /** All input tokens, cached ones included. */
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  /** Cost in currency units of the requests whose model has prices; others add 0. */
  cost: number;
}

/** Prices in currency units per million tokens. */
export type ModelPrices = NonNullable<ModelInfo['prices']>;

/** Finds the prices of an upstream model; `provider` may be undefined. */
export type PriceLookup = (model: string, provider?: string) => ModelPrices | undefined;

/** Zeroed counters. */
export function emptyTotals(): UsageTotals {
  return { requests: 0, countedRequests: 0, errors: 0, inputTokens: 0, outputTokens: 0, cachedTokens: 0, cost: 0 };
}

/** Adds `b` into `a` and returns `a`. */
export function addTotals(a: UsageTotals, b: UsageTotals): UsageTotals {
  a.requests += b.requests; a.countedRequests += b.countedRequests; a.errors += b.errors;
  a.inputTokens += b.inputTokens; a.outputTokens += b.outputTokens; a.cachedTokens += b.cachedTokens;
  a.cost += b.cost;
  return a;
}

/** Error codes with which the access policy refuses a request before it counts against any limit. */
export const POLICY_REFUSAL_CODES: ReadonlySet<string> = new Set([
  'missing_api_key', 'invalid_api_key', 'api_key_disabled', 'api_key_expired', 'model_not_allowed',
  'max_tokens_exceeded', 'quota_exceeded', 'rate_limit_rpm', 'rate_limit_rpd', 'concurrent_limit',
  'forbidden_origin',
]);

/** True for records that counted against request-rate limits: chat and embeddings the policy admitted. */
export function countsAsRequest(r: Pick<UsageRecord, 'endpoint' | 'errorCode'>): boolean {
  return (r.endpoint === 'chat' || r.endpoint === 'embeddings') && !(r.errorCode !== undefined && POLICY_REFUSAL_CODES.has(r.errorCode));
}

/** Cost of token counts at `prices` (cached input at its own price when given, else at the input price). */
export function costOf(prices: ModelPrices | undefined, inputTokens: number, outputTokens: number, cachedTokens = 0): number {
  if (!prices) return 0;
  const cached = Math.min(cachedTokens, inputTokens);
  const inPrice = prices.input ?? 0;
  return ((inputTokens - cached) * inPrice + cached * (prices.cachedInput ?? inPrice) + outputTokens * (prices.output ?? 0)) / 1e6;
}

/** The counters of one record. */
export function totalsOf(r: UsageRecord, prices: PriceLookup | undefined): UsageTotals {
  const p = prices?.(r.mappedModel ?? r.model, r.provider);
  return {
    requests: 1, countedRequests: countsAsRequest(r) ? 1 : 0, errors: r.status >= 400 ? 1 : 0,
    inputTokens: r.inputTokens, outputTokens: r.outputTokens, cachedTokens: r.cachedTokens,
    cost: costOf(p, r.inputTokens, r.outputTokens, r.cachedTokens),
  };
}

/**
 * Price lookup over the configured providers' models: matches `provider/model` first, then a bare model id
 * served by any provider (first provider in config order wins).
 */
export function pricesFromConfig(config: Pick<GatewayConfig, 'providers'>): PriceLookup {
  const qualified = new Map<string, ModelPrices>();
  // The same per provider id, so the per-request lookup with a provider builds no `provider/model` string
  // (provider ids cannot contain '/', so the two maps agree).
  const byProvider = new Map<string, Map<string, ModelPrices>>();
  const bare = new Map<string, ModelPrices>();
  for (const p of config.providers) {
    for (const m of p.models ?? []) {
      if (typeof m === 'string' || !m.prices) continue;
      qualified.set(`${p.id}/${m.id}`, m.prices);
      let models = byProvider.get(p.id);
      if (!models) { models = new Map(); byProvider.set(p.id, models); }
      models.set(m.id, m.prices);
      if (!bare.has(m.id)) bare.set(m.id, m.prices);
    }
  }
  return (model, provider) => (provider !== undefined ? byProvider.get(provider)?.get(model) : undefined)
    ?? qualified.get(model) ?? bare.get(model);
}
