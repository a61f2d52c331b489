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
import { KeyRuntime, RPM_WINDOW_MS, type Hold } from './key-runtime';
import { modelAllowed, modelFilter, targetFilter, type ModelMatcher } from './model-glob';
import type { EndpointKind, GatewayKeyRecord, Principal, TargetFilter, UsageRecord } from './types';
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

/**
 * An admitted request. Call `settle` exactly once when it ends (extra calls do nothing), as a method
 * (`admission.settle(…)`): it is not a bound function.
 */
export interface Admission {
  /** `x-ratelimit-*` headers to add to the response. Read-only: it may be shared between admissions. */
  readonly headers: Readonly<Record<string, string>>;
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
  /** Whether the caller may use `model` by name (for filtering `/v1/models`). */
  allowsModel(principal: Principal | undefined, model: string): boolean;
  /**
   * Which targets of a routed model the caller may reach, or undefined when it may reach them all (no key, or a key
   * without a deny list: nothing to check). The deny list covers targets too, so an alias cannot lead to a denied
   * model; the allow list covers only the name asked for (an allowed alias is the key owner's choice). `admit`
   * checks names only: routing applies this filter, and a request whose every target is denied is refused with
   * `modelNotAllowed` before it is admitted (so it consumes nothing).
   */
  targetFilter(principal: Principal | undefined): TargetFilter | undefined;
  /** The caller's own limits and usage (for `GET /v1/usage`). */
  describe(principal: Principal): PrincipalDescription;
  /** Stops listening to the usage store. */
  close(): void;
}

/** No headers; shared, hence frozen. */
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
const NOOP_ADMISSION: Admission = Object.freeze({ headers: NO_HEADERS, settle() {} });
/** Retry hint when a limit frees up as soon as another request of the key ends. */
const BUSY_RETRY_MS = 1000;
const MISSING_KEY_MESSAGE = 'A gateway API key is required (Authorization: Bearer sb-…, x-api-key or x-goog-api-key).';

/**
 * What the policy derives once per version of a key: its principal (handed to every request of the key), its
 * counters, its compiled model lists and the header strings that do not change between requests.
 */
interface KeyPlan {
  readonly key: Readonly<GatewayKeyRecord>;
  readonly principal: Principal;
  readonly runtime: KeyRuntime;
  readonly allows: ModelMatcher;
  /** The targets the deny list leaves open; undefined without a deny list. */
  readonly reaches: TargetFilter | undefined;
  readonly hasQuota: boolean;
  readonly hasTokenQuota: boolean;
  /** The limit behind `x-ratelimit-*-requests` (rpm, else rpd) and its header value. */
  readonly requestLimit: number | undefined;
  readonly requestLimitText: string;
  readonly quotaTokensText: string;
  readonly quotaTokensPerDayText: string;
}

function authFailure(requireKey: boolean, kind: 'auth' | 'permission', code: string, message: string): undefined {
  if (requireKey) throw new GatewayError(kind, message, { code });
  return undefined;
}

/** The 403 for a model, or every target of a model, that the key may not use. */
export function modelNotAllowed(model: string): GatewayError {
  return new GatewayError('permission', `Model "${model}" is not allowed for this gateway key.`, { code: 'model_not_allowed', param: 'model' });
}

function refuse(code: string, message: string, retryAfterMs?: number, retryable?: boolean): GatewayError {
  return new GatewayError('rate_limit', message, { code, retryAfterMs, retryable });
}

/**
 * Refuses when `used + held` reached `limit`. Exhausted for good: no Retry-After (a client retrying would only
 * waste requests). Exhausted by open reservations: retry soon. Daily: retry at local midnight.
 */
function checkLimit(used: number, held: number, limit: number, label: string, daily: boolean, now: number): void {
  if (used + held < limit) return;
  const exhausted = used >= limit;
  const retryAfterMs = daily && exhausted ? nextLocalMidnight(now) - now : exhausted ? undefined : BUSY_RETRY_MS;
  throw refuse('quota_exceeded', `This gateway key has used its ${label}.`, retryAfterMs, retryAfterMs !== undefined);
}

/** What settling needs from its policy. */
interface SettleContext { readonly prices: PriceLookup; readonly clock: Clock }

/**
 * An admitted request of a key; it is also the request's quota reservation (the `Hold` its runtime keeps), so an
 * admission costs one object. A class rather than a closure for the same reason, and at module level so that
 * every policy's admissions share one shape.
 */
class KeyAdmission implements Admission, Hold {
  headers: Readonly<Record<string, string>> = NO_HEADERS;
  private settled = false;

  constructor(
    private readonly ctx: SettleContext,
    private readonly r: KeyRuntime,
    readonly id: number,
    private readonly requestId: string | undefined,
    private readonly model: string | undefined,
    readonly tokens: number,
    readonly cost: number,
    readonly day: string,
    readonly at: number,
  ) {}

  settle(usage?: SettleUsage): void {
    if (this.settled) return;
    this.settled = true;
    const r = this.r;
    r.inFlight--;
    r.release(this.id);
    const requestId = this.requestId;
    if (requestId === undefined) return;
    r.open.delete(requestId);
    const early = r.recordedEarly.delete(requestId);
    if (usage && !early) {
      const tokens = usage.inputTokens + usage.outputTokens;
      const cost = costOf(this.ctx.prices(usage.model ?? this.model ?? ''), usage.inputTokens, usage.outputTokens, usage.cachedTokens);
      r.holdPending(requestId, { tokens, cost, day: this.day, at: this.ctx.clock.now() });
    }
  }
}

/** Builds the access policy over a key store and a usage store. */
export function createAccessPolicy(opts: AccessPolicyOptions): AccessPolicy {
  const clock = opts.clock ?? systemClock;
  const prices = opts.prices ?? pricesFromConfig(opts.config);
  const defaultMax = opts.defaultMaxTokens ?? 4096;
  const usageStore = opts.usageStore;
  const runtimes = new Map<string, KeyRuntime>();
  /** Plans by key record. Only frozen records (the key store's shared ones) are cached: they cannot change. */
  const plans = new WeakMap<object, KeyPlan>();
  const settleContext: SettleContext = { prices, clock };
  let admissionSeq = 0;

  const rt = (keyId: string): KeyRuntime => {
    let r = runtimes.get(keyId);
    if (!r) { r = new KeyRuntime(); runtimes.set(keyId, r); }
    return r;
  };

  const planOf = (key: Readonly<GatewayKeyRecord>): KeyPlan => {
    let plan = plans.get(key);
    if (plan !== undefined) return plan;
    const requestLimit = key.rpm ?? key.rpd;
    const hasTokenQuota = key.quotaTokens !== undefined || key.quotaTokensPerDay !== undefined;
    plan = {
      key,
      principal: Object.freeze({ keyId: key.id, keyName: key.name, key }),
      runtime: rt(key.id),
      allows: modelFilter(key.models, key.denyModels),
      reaches: key.denyModels && key.denyModels.length > 0 ? targetFilter(key.denyModels) : undefined,
      hasQuota: hasTokenQuota || key.quotaSpend !== undefined,
      hasTokenQuota,
      requestLimit,
      requestLimitText: String(requestLimit),
      quotaTokensText: String(key.quotaTokens),
      quotaTokensPerDayText: String(key.quotaTokensPerDay),
    };
    const frozen = Object.isFrozen(key) && (!key.models || Object.isFrozen(key.models)) &&
      (!key.denyModels || Object.isFrozen(key.denyModels));
    if (frozen) plans.set(key, plan);
    return plan;
  };

  const onRecord = (rec: UsageRecord): void => {
    if (rec.keyId !== undefined) runtimes.get(rec.keyId)?.recorded(rec.requestId);
  };
  usageStore.on('record', onRecord);

  /** Today's admitted-request count; seeded from the store (earlier processes) at the first touch of a day. */
  const rpdCount = (keyId: string, r: KeyRuntime, day: string): number => {
    if (r.rpdDay !== day) { r.rpdDay = day; r.rpdCount = usageStore.keyDay(keyId, day).countedRequests; }
    return r.rpdCount;
  };

  /**
   * Used and held amounts against each quota, for `describe`. Held cost is only summed when `withSpend` (it walks
   * the open requests; running float sums would drift).
   */
  const quotaState = (key: Readonly<GatewayKeyRecord>, r: KeyRuntime, now: number, withSpend: boolean) => {
    r.expirePending(now);
    const day = localDay(now);
    const total = usageStore.keyTotalView(key.id);
    const today = usageStore.keyDayView(key.id, day);
    return {
      day,
      tokens: { used: total.inputTokens + total.outputTokens, held: r.heldTokens(), limit: key.quotaTokens },
      tokensToday: { used: today.inputTokens + today.outputTokens, held: r.heldTokens(day), limit: key.quotaTokensPerDay },
      spend: { used: total.cost, held: withSpend ? r.heldCost() : 0, limit: key.quotaSpend },
    };
  };

  return {
    authenticate(credential, { requireKey }) {
      if (credential === undefined) return authFailure(requireKey, 'auth', 'missing_api_key', MISSING_KEY_MESSAGE);
      const trimmed = credential.trim();
      if (trimmed === '') return authFailure(requireKey, 'auth', 'missing_api_key', MISSING_KEY_MESSAGE);
      const key = opts.keyStore.lookup(trimmed);
      if (!key) return authFailure(requireKey, 'auth', 'invalid_api_key', 'Invalid gateway API key.');
      if (key.status === 'disabled') {
        return authFailure(requireKey, 'permission', 'api_key_disabled', `Gateway API key "${key.name}" is disabled.`);
      }
      if (key.expiresAt !== undefined && key.expiresAt <= clock.now()) {
        return authFailure(requireKey, 'auth', 'api_key_expired', `Gateway API key "${key.name}" has expired.`);
      }
      return planOf(key).principal;
    },

    admit(principal, req) {
      if (!principal) return NOOP_ADMISSION;
      const plan = planOf(principal.key);
      const key = plan.key;
      const endpoint = req.endpoint;
      if (req.model !== undefined && endpoint !== 'models' && endpoint !== 'usage' && !plan.allows(req.model)) {
        throw modelNotAllowed(req.model);
      }
      // Not counted against any limit.
      if (endpoint === 'count_tokens' || endpoint === 'models' || endpoint === 'usage') return NOOP_ADMISSION;
      if (key.maxTokens !== undefined && req.maxTokens !== undefined && req.maxTokens > key.maxTokens) {
        throw new GatewayError('invalid_request',
          `The request asks for up to ${req.maxTokens} tokens; this gateway key allows at most ${key.maxTokens}.`,
          { code: 'max_tokens_exceeded', param: 'max_tokens' });
      }
      const now = clock.now();
      const r = plan.runtime;
      r.expirePending(now); // also for keys without quotas: keeps unrecorded settlements bounded
      const day = localDay(now);
      // Quotas: total tokens, daily tokens, spend, in that order.
      let usedTokens = 0;
      let usedTokensToday = 0;
      if (plan.hasQuota) {
        const total = usageStore.keyTotalView(key.id);
        usedTokens = total.inputTokens + total.outputTokens;
        if (key.quotaTokens !== undefined) checkLimit(usedTokens, r.heldTokens(), key.quotaTokens, 'token quota', false, now);
        if (key.quotaTokensPerDay !== undefined) {
          const today = usageStore.keyDayView(key.id, day);
          usedTokensToday = today.inputTokens + today.outputTokens;
          checkLimit(usedTokensToday, r.heldTokens(day), key.quotaTokensPerDay, 'daily token quota', true, now);
        }
        if (key.quotaSpend !== undefined) checkLimit(total.cost, r.heldCost(), key.quotaSpend, 'spend quota', false, now);
      }
      r.pruneWindow(now);
      if (key.rpm !== undefined && r.windowCount() >= key.rpm) {
        throw refuse('rate_limit_rpm', `Rate limit of ${key.rpm} requests per minute reached for this gateway key.`,
          Math.max(1, r.oldestInWindow()! + RPM_WINDOW_MS - now));
      }
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
      const estOut = req.maxTokens ?? defaultMax;
      const estIn = req.inputTokens ?? 0;
      const cost = req.model !== undefined ? costOf(prices(req.model), estIn, estOut) : 0;
      const requestId = req.requestId;
      const admission = new KeyAdmission(settleContext, r, ++admissionSeq, requestId, req.model, estIn + estOut, cost, day, now);
      r.reserve(admission.id, admission);
      if (requestId !== undefined) r.open.add(requestId);
      admission.headers = rateHeaders(plan, r, day, usedTokens, usedTokensToday);
      return admission;
    },

    allowsModel(principal, model) {
      if (!principal) return true;
      // A key record the policy has no plan for (not one the key store shared) is matched without remembering.
      const plan = plans.get(principal.key);
      return plan ? plan.allows(model) : modelAllowed(model, principal.key.models, principal.key.denyModels);
    },

    targetFilter(principal) {
      // Most keys have no deny list: answered from the record, without looking up the plan.
      const deny = principal?.key.denyModels;
      return deny === undefined || deny.length === 0 ? undefined : planOf(principal!.key).reaches;
    },

    describe(principal) {
      const now = clock.now();
      const r = rt(principal.keyId);
      r.pruneWindow(now);
      const q = quotaState(principal.key, r, now, true);
      // The shared record carries the last use as last read from keys.json; the store knows this process's uses.
      let stored: number | undefined;
      try { stored = opts.keyStore.get(principal.keyId)?.lastUsedAt; } catch { /* keys.json unreadable: keep the principal's */ }
      const key = stored !== undefined && (principal.key.lastUsedAt ?? 0) < stored
        ? { ...principal.key, lastUsedAt: stored } : principal.key;
      return describePrincipal(key, usageStore.forKey(principal.keyId), {
        requestsLastMinute: r.windowCount(), requestsToday: rpdCount(principal.keyId, r, q.day), inFlight: r.inFlight,
        heldTokens: q.tokens.held, usedTokens: q.tokens.used, usedTokensToday: q.tokensToday.used,
        heldTokensToday: q.tokensToday.held, spend: q.spend.used, heldSpend: q.spend.held,
      });
    },

    close() {
      usageStore.off('record', onRecord);
    },
  };
}

/**
 * The `x-ratelimit-*` headers of an admission just counted: the request limit (rpm, else rpd) and the tightest
 * token quota. Remaining tokens subtract what is held, so they can reach 0 while requests run. `usedTokens*` are
 * the usage store's totals read by the quota check (the store cannot change within `admit`).
 */
function rateHeaders(plan: KeyPlan, r: KeyRuntime, day: string, usedTokens: number, usedTokensToday: number): Readonly<Record<string, string>> {
  const key = plan.key;
  let requests: string | undefined;
  if (plan.requestLimit !== undefined) {
    const used = key.rpm !== undefined ? r.windowCount() : r.rpdCount;
    requests = String(Math.max(0, plan.requestLimit - used));
  }
  if (!plan.hasTokenQuota) {
    return requests === undefined ? NO_HEADERS
      : { 'x-ratelimit-limit-requests': plan.requestLimitText, 'x-ratelimit-remaining-requests': requests };
  }
  // Ties go to the total quota.
  let limitText: string;
  let left: number;
  if (key.quotaTokens !== undefined) {
    limitText = plan.quotaTokensText;
    left = key.quotaTokens - usedTokens - r.heldTokens();
    if (key.quotaTokensPerDay !== undefined) {
      const leftToday = key.quotaTokensPerDay - usedTokensToday - r.heldTokens(day);
      if (!(left <= leftToday)) { limitText = plan.quotaTokensPerDayText; left = leftToday; }
    }
  } else {
    limitText = plan.quotaTokensPerDayText;
    left = key.quotaTokensPerDay! - usedTokensToday - r.heldTokens(day);
  }
  const tokens = String(Math.max(0, left));
  return requests === undefined
    ? { 'x-ratelimit-limit-tokens': limitText, 'x-ratelimit-remaining-tokens': tokens }
    : {
      'x-ratelimit-limit-requests': plan.requestLimitText, 'x-ratelimit-remaining-requests': requests,
      'x-ratelimit-limit-tokens': limitText, 'x-ratelimit-remaining-tokens': tokens,
    };
}
