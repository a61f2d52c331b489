/** The body of `GET /v1/usage`: a key's own limits, usage and remaining allowance. Never the key itself. */
import type { KeyUsage } from '../usage/usage-store';
import type { UsageTotals } from '../usage/totals';
import type { GatewayKeyLimits, GatewayKeyRecord } from './types';

/** Live counters of a key, from the policy. */
export interface LiveCounters {
  requestsLastMinute: number;
  requestsToday: number;
  inFlight: number;
  usedTokens: number;
  heldTokens: number;
  usedTokensToday: number;
  heldTokensToday: number;
  spend: number;
  heldSpend: number;
}

/** What a key may learn about itself. */
export interface PrincipalDescription {
  key: { id: string; name: string; hint: string; status: string; createdAt: string; expiresAt?: string; lastUsedAt?: string };
  limits: GatewayKeyLimits;
  usage: { total: UsageTotals; today: UsageTotals; models: Record<string, UsageTotals> };
  current: { requestsLastMinute: number; requestsToday: number; inFlight: number; reservedTokens: number };
  /** Remaining allowance per configured limit (absent limits are absent here). */
  remaining: { requestsThisMinute?: number; requestsToday?: number; tokens?: number; tokensToday?: number; spend?: number };
}

const LIMIT_FIELDS = ['models', 'denyModels', 'rpm', 'rpd', 'concurrency', 'quotaTokens', 'quotaTokensPerDay', 'quotaSpend', 'maxTokens'] as const;

const iso = (t: number | undefined): string | undefined => (t === undefined ? undefined : new Date(t).toISOString());

/** Assembles the description of `key`. */
export function describePrincipal(key: GatewayKeyRecord, usage: KeyUsage, live: LiveCounters): PrincipalDescription {
  const limits: Record<string, unknown> = {};
  for (const f of LIMIT_FIELDS) if (key[f] !== undefined) limits[f] = key[f];
  const left = (limit: number | undefined, used: number): number | undefined =>
    limit === undefined ? undefined : Math.max(0, limit - used);
  const remaining: PrincipalDescription['remaining'] = {
    requestsThisMinute: left(key.rpm, live.requestsLastMinute),
    requestsToday: left(key.rpd, live.requestsToday),
    tokens: left(key.quotaTokens, live.usedTokens + live.heldTokens),
    tokensToday: left(key.quotaTokensPerDay, live.usedTokensToday + live.heldTokensToday),
    spend: left(key.quotaSpend, live.spend + live.heldSpend),
  };
  for (const k of Object.keys(remaining) as Array<keyof typeof remaining>) if (remaining[k] === undefined) delete remaining[k];
  return {
    key: {
      id: key.id, name: key.name, hint: key.hint, status: key.status, createdAt: iso(key.createdAt)!,
      expiresAt: iso(key.expiresAt), lastUsedAt: iso(key.lastUsedAt),
    },
    limits: limits as GatewayKeyLimits,
    usage: { total: usage.total, today: usage.today, models: usage.models },
    current: {
      requestsLastMinute: live.requestsLastMinute, requestsToday: live.requestsToday, inFlight: live.inFlight,
      reservedTokens: live.heldTokens,
    },
    remaining,
  };
}
