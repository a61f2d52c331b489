/**
 * The access policy: who may call (gateway keys) and how much (models, token cap, quotas, rates, concurrency).
 * Checks run in a fixed order and the first failure wins; a refused request consumes nothing. `admit` is
 * synchronous on purpose: Node runs it to completion, so counting and admitting cannot interleave and limits
 * hold exactly under any concurrency.
 *
 * Quotas are enforced with reservations: admitting a chat request holds its estimate (input estimate + max
 * tokens, or a default) until it settles. A request is admitted while used + held is below the quota, so parallel
 * streams overshoot a quota by at most one request's reservation (as long as requests stay within their estimate).
 * Exact accounting needs the pipeline to pass the same `requestId` to `admit` as to `UsageStore.record`; then usage
 * settled before its record lands stays counted, and a record that lands before `settle` is not counted twice.
 */
import type { GatewayConfig } from '../config';
import { GatewayError } from '../core/errors';
import { systemClock, type Clock } from '../ports';
import { localDay, nextLocalMidnight } from '../usage/local-day';
import { costOf, pricesFromConfig, type PriceLookup } from '../usage/totals';
import type { UsageStore } from '../usage/usage-store';
import type { KeyStore } from './key-store';
import { KeyRuntime, RPM_WINDOW_MS } from './key-runtime';
import { modelAllowed } from './model-glob';
import type { EndpointKind, GatewayKeyRecord, Principal, UsageRecord } from './types';
import { describePrincipal, type PrincipalDescription } from './describe';

/** What `createAccessPolicy` needs. */
export interface AccessPolicyOptions {
  keyStore: KeyStore;
  usageStore: UsageStore;
  clock?: Clock;
  config: Pick<GatewayConfig, 'providers'>;
  /** Overrides the prices taken from `config.providers[].models[].prices`. */
  prices?: PriceLookup;
  /** Output tokens reserved for a request that names no limit (default 4096). */
  defaultMaxTokens?: number;
}

/** The request facts `admit` checks. */
export interface AdmitRequest {
  endpoint: EndpointKind;
  /** The model the caller asked for. */
  model?: string;
  /** The request's largest output-token limit (max_tokens, max_output_tokens, …), if it sets one. */
  maxTokens?: number;
  /** Estimated input tokens, added to the quota reservation. */
  inputTokens?: number;
  /** The request id the UsageRecord will carry; lets settled usage stay counted until the record lands. */
  requestId?: string;
}

/** Real usage of a finished request. */
export interface SettleUsage { inputTokens: number; outputTokens: number; model?: string; cachedTokens?: number }

/** An admitted request. Call `settle` exactly once when it ends (extra calls do nothing). */
export interface Admission {
  /** `x-ratelimit-*` headers to add to the response. */
  headers: Record<string, string>;
  /** Releases the concurrency slot and replaces the quota reservation with the real usage. */
  settle(usage?: SettleUsage): void;
}

/** The access policy of a running gateway. */
export interface AccessPolicy {
  /**
   * The caller behind `credential`. Throws 401 missing_api_key / 401 invalid_api_key / 403 api_key_disabled /
   * 401 api_key_expired when `requireKey`; otherwise returns undefined for a missing or unusable key.
   */
  authenticate(credential: string | undefined, opts: { requireKey: boolean }): Principal | undefined;
  /** Admits a request or throws the first failed check (403, 400 or 429). `principal` undefined: no limits. */
  admit(principal: Principal | undefined, req: AdmitRequest): Admission;
  /** Whether the caller may use `model` (for filtering `/v1/models`). */
  allowsModel(principal: Principal | undefined, model: string): boolean;
  /** The caller's own limits and usage (for `GET /v1/usage`). */
  describe(principal: Principal): PrincipalDescription;
  /** Stops listening to the usage store. */
  close(): void;
}

const NOT_COUNTED: ReadonlySet<EndpointKind> = new Set(['count_tokens', 'models', 'usage']);
const NOOP_ADMISSION: Admission = { headers: {}, settle() {} };
/** Retry hint when a limit frees up as soon as another request of the key ends. */
const BUSY_RETRY_MS = 1000;

/** Builds the access policy over a key store and a usage store. */
export function createAccessPolicy(opts: AccessPolicyOptions): AccessPolicy {
  const clock = opts.clock ?? systemClock;
  const prices = opts.prices ?? pricesFromConfig(opts.config);
  const defaultMax = opts.defaultMaxTokens ?? 4096;
  const runtimes = new Map<string, KeyRuntime>();
  let admissionSeq = 0;

  const rt = (keyId: string): KeyRuntime => {
    let r = runtimes.get(keyId);
    if (!r) { r = new KeyRuntime(); runtimes.set(keyId, r); }
    return r;
  };

  const onRecord = (rec: UsageRecord): void => {
    if (rec.keyId !== undefined) runtimes.get(rec.keyId)?.recorded(rec.requestId);
  };
  opts.usageStore.on('record', onRecord);

  /** Today's admitted-request count; seeded from the store (earlier processes) at the first touch of a day. */
  const rpdCount = (keyId: string, r: KeyRuntime, day: string): number => {
    if (r.rpdDay !== day) { r.rpdDay = day; r.rpdCount = opts.usageStore.keyDay(keyId, day).countedRequests; }
    return r.rpdCount;
  };

  /**
   * Used and held amounts against each quota. Held cost is only summed when `withSpend` (it walks the open
   * requests; running float sums would drift), so the request path asks for it only when the key has a spend quota.
   */
  const quotaState = (key: GatewayKeyRecord, r: KeyRuntime, now: number, withSpend: boolean) => {
    r.expirePending(now);
    const day = localDay(now);
    const total = opts.usageStore.keyTotalView(key.id);
    const today = opts.usageStore.keyDayView(key.id, day);
    return {
      day,
      tokens: { used: total.inputTokens + total.outputTokens, held: r.heldTokens(), limit: key.quotaTokens },
      tokensToday: { used: today.inputTokens + today.outputTokens, held: r.heldTokens(day), limit: key.quotaTokensPerDay },
      spend: { used: total.cost, held: withSpend ? r.heldCost() : 0, limit: key.quotaSpend },
    };
  };

  const refuse = (code: string, message: string, retryAfterMs?: number, retryable?: boolean): GatewayError =>
    new GatewayError('rate_limit', message, { code, retryAfterMs, retryable });

  function checkQuota(key: GatewayKeyRecord, r: KeyRuntime, now: number): void {
    if (key.quotaTokens === undefined && key.quotaTokensPerDay === undefined && key.quotaSpend === undefined) {
      r.expirePending(now); // what quotaState would have done; keeps unrecorded settlements bounded
      return;
    }
    const q = quotaState(key, r, now, key.quotaSpend !== undefined);
    const checks = [
      [q.tokens, 'token quota', false], [q.tokensToday, 'daily token quota', true], [q.spend, 'spend quota', false],
    ] as const;
    for (const [s, label, daily] of checks) {
      if (s.limit === undefined || s.used + s.held < s.limit) continue;
      const exhausted = s.used >= s.limit;
      // Exhausted for good: no Retry-After (a client retrying would only waste requests). Exhausted by open
      // reservations: retry soon. Daily: retry at local midnight.
      const retryAfterMs = daily && exhausted ? nextLocalMidnight(now) - now : exhausted ? undefined : BUSY_RETRY_MS;
      throw refuse('quota_exceeded', `This gateway key has used its ${label}.`, retryAfterMs, retryAfterMs !== undefined);
    }
  }

  function rateHeaders(key: GatewayKeyRecord, r: KeyRuntime, now: number): Record<string, string> {
    const h: Record<string, string> = {};
    const reqLimit = key.rpm ?? key.rpd;
    if (reqLimit !== undefined) {
      const used = key.rpm !== undefined ? r.windowCount() : r.rpdCount;
      h['x-ratelimit-limit-requests'] = String(reqLimit);
      h['x-ratelimit-remaining-requests'] = String(Math.max(0, reqLimit - used));
    }
    if (key.quotaTokens === undefined && key.quotaTokensPerDay === undefined) return h;
    const q = quotaState(key, r, now, false);
    // Report the tightest token quota; remaining excludes nothing held, so it can reach 0 while requests run.
    const tokenQuotas = [q.tokens, q.tokensToday].filter((s) => s.limit !== undefined);
    if (tokenQuotas.length > 0) {
      const tight = tokenQuotas.reduce((a, b) => (a.limit! - a.used - a.held <= b.limit! - b.used - b.held ? a : b));
      h['x-ratelimit-limit-tokens'] = String(tight.limit);
      h['x-ratelimit-remaining-tokens'] = String(Math.max(0, tight.limit! - tight.used - tight.held));
    }
    return h;
  }

  return {
    authenticate(credential, { requireKey }) {
      const fail = (kind: 'auth' | 'permission', code: string, message: string): undefined => {
        if (requireKey) throw new GatewayError(kind, message, { code });
        return undefined;
      };
      if (credential === undefined || credential.trim() === '') {
        return fail('auth', 'missing_api_key', 'A gateway API key is required (Authorization: Bearer sb-…, x-api-key or x-goog-api-key).');
      }
      const key = opts.keyStore.authenticate(credential.trim());
      if (!key) return fail('auth', 'invalid_api_key', 'Invalid gateway API key.');
      if (key.status === 'disabled') return fail('permission', 'api_key_disabled', `Gateway API key "${key.name}" is disabled.`);
      if (key.expiresAt !== undefined && key.expiresAt <= clock.now()) {
        return fail('auth', 'api_key_expired', `Gateway API key "${key.name}" has expired.`);
      }
      return { keyId: key.id, keyName: key.name, key };
    },

    admit(principal, req) {
      if (!principal) return NOOP_ADMISSION;
      const key = principal.key;
      if (req.model !== undefined && req.endpoint !== 'models' && req.endpoint !== 'usage' &&
          !modelAllowed(req.model, key.models, key.denyModels)) {
        throw new GatewayError('permission', `Model "${req.model}" is not allowed for this gateway key.`,
          { code: 'model_not_allowed', param: 'model' });
      }
      if (NOT_COUNTED.has(req.endpoint)) return NOOP_ADMISSION;
      if (key.maxTokens !== undefined && req.maxTokens !== undefined && req.maxTokens > key.maxTokens) {
        throw new GatewayError('invalid_request',
          `The request asks for up to ${req.maxTokens} tokens; this gateway key allows at most ${key.maxTokens}.`,
          { code: 'max_tokens_exceeded', param: 'max_tokens' });
      }
      const now = clock.now();
      const r = rt(key.id);
      checkQuota(key, r, now);
      r.pruneWindow(now);
      if (key.rpm !== undefined && r.windowCount() >= key.rpm) {
        throw refuse('rate_limit_rpm', `Rate limit of ${key.rpm} requests per minute reached for this gateway key.`,
          Math.max(1, r.oldestInWindow()! + RPM_WINDOW_MS - now));
      }
      const day = localDay(now);
      if (key.rpd !== undefined && rpdCount(key.id, r, day) >= key.rpd) {
        throw refuse('rate_limit_rpd', `Rate limit of ${key.rpd} requests per day reached for this gateway key.`,
          nextLocalMidnight(now) - now);
      }
      if (key.concurrency !== undefined && r.inFlight >= key.concurrency) {
        throw refuse('concurrent_limit', `This gateway key allows ${key.concurrency} requests at once.`, BUSY_RETRY_MS);
      }

      // Every check passed: consume.
      r.addToWindow(now);
      rpdCount(key.id, r, day);
      r.rpdCount++;
      r.inFlight++;
      const id = ++admissionSeq;
      const estOut = req.maxTokens ?? defaultMax;
      const estIn = req.inputTokens ?? 0;
      const p = req.model !== undefined ? prices(req.model) : undefined;
      r.reserve(id, { tokens: estIn + estOut, cost: costOf(p, estIn, estOut), day, at: now });
      const requestId = req.requestId;
      if (requestId !== undefined) r.open.add(requestId);
      const headers = rateHeaders(key, r, now);
      let settled = false;
      return {
        headers,
        settle(usage) {
          if (settled) return;
          settled = true;
          r.inFlight--;
          r.release(id);
          if (requestId === undefined) return;
          r.open.delete(requestId);
          const early = r.recordedEarly.delete(requestId);
          if (usage && !early) {
            const tokens = usage.inputTokens + usage.outputTokens;
            const cost = costOf(prices(usage.model ?? req.model ?? ''), usage.inputTokens, usage.outputTokens, usage.cachedTokens);
            r.holdPending(requestId, { tokens, cost, day, at: clock.now() });
          }
        },
      };
    },

    allowsModel(principal, model) {
      return !principal || modelAllowed(model, principal.key.models, principal.key.denyModels);
    },

    describe(principal) {
      const now = clock.now();
      const r = rt(principal.keyId);
      r.pruneWindow(now);
      const q = quotaState(principal.key, r, now, true);
      return describePrincipal(principal.key, opts.usageStore.forKey(principal.keyId), {
        requestsLastMinute: r.windowCount(), requestsToday: rpdCount(principal.keyId, r, q.day), inFlight: r.inFlight,
        heldTokens: q.tokens.held, usedTokens: q.tokens.used, usedTokensToday: q.tokensToday.used,
        heldTokensToday: q.tokensToday.held, spend: q.spend.used, heldSpend: q.spend.held,
      });
    },

    close() {
      opts.usageStore.off('record', onRecord);
    },
  };
}
