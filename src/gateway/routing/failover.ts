/**
 * The attempt loop: walks a plan of targets and, within a target, its keys, until one attempt resolves.
 *
 * An attempt resolving means the response is committed (the caller's `attempt` resolves only once upstream
 * headers and the first stream event have arrived), so nothing is retried after that. Before it:
 *  - 401/403/`invalid_api_key`: the key is marked invalid and the next key is tried;
 *  - 408, 409, 429, 500, 502, 503, 504, 529, connect errors and timeouts: next key, then next target;
 *  - 404 (model not found): next target, or that 404 when it was the last target;
 *  - other 4xx (e.g. context_length_exceeded): rethrown at once, since another key would fail the same way.
 * A key is tried at most once per target, so there is never a reason to sleep between attempts.
 *
 * `deadlineMs` bounds the loop, not the attempt in flight: no new attempt starts after it, while a running one
 * is bounded by the provider's connect and first-byte timeouts (see timeouts.ts). A long non-streaming answer
 * thus survives the deadline, and a hung upstream still cannot hold the request past deadline + one timeout.
 *
 * When everything fails the error is `all_upstreams_failed` (502; 429 `rate_limit` when every failure was a
 * rate limit), listing each attempt as "provider/model via key <label>: <status> <error>". The same list is
 * on the error as `info.cause = { attempts: AttemptRecord[] }` (read it with `attemptsOf`), because
 * `ErrorInfo` has no dedicated field. Secrets never appear: every message passes through the pools' masks.
 */
import type { CancelSignal } from '../core/cancel';
import { GatewayError } from '../core/errors';
import { silentLogger, systemClock, type Clock, type Logger } from '../ports';
import { isKeyRejected, isRateLimited, type KeyPool } from './key-pool';
import { formatDuration } from './timeouts';
import type { AttemptRecord, Target, UpstreamKey } from './types';

/** One attempt, as told to `onAttempt` (for logs and accounting); `error` is already free of secrets. */
export interface AttemptEvent {
  providerId: string;
  model: string;
  keyLabel?: string;
  ok: boolean;
  status?: number;
  error?: string;
  durationMs: number;
}

/** What `runWithFailover` needs. */
export interface FailoverOptions<T> {
  /** The key pool of a provider; undefined (or an empty pool) means the provider needs no key. */
  pools: (providerId: string) => KeyPool | undefined;
  /** Opens one upstream call; resolves once committed, rejects (preferably with a GatewayError) otherwise. */
  attempt: (target: Target, key: UpstreamKey | undefined, signal: CancelSignal) => Promise<T>;
  /** Most attempts per request, over all keys and targets. Default 3. */
  maxAttempts?: number;
  /** No attempt starts later than this many ms after the first. Default: no limit. */
  deadlineMs?: number;
  clock?: Clock;
  /** The client's cancellation (an AbortSignal fits). */
  signal?: CancelSignal;
  /** Session id, prompt_cache_key or a hash of the leading messages, to keep one key per conversation. */
  affinity?: string;
  logger?: Logger;
  onAttempt?: (event: AttemptEvent) => void;
}

/** The committed attempt. */
export interface FailoverResult<T> {
  value: T;
  target: Target;
  key?: UpstreamKey;
  /** The failed attempts before it. */
  failures: AttemptRecord[];
}

// 409 is `invalid_request` by kindForStatus, but upstreams use it for transient conflicts (e.g. a key's
// concurrent-request limit), so it is retried by status.
const RETRYABLE_STATUS: ReadonlySet<number> = new Set([408, 409, 429, 500, 502, 503, 504, 529]);

type Verdict = 'next-key' | 'next-target' | 'fatal';

/** How the loop reacts to a failed attempt. */
export function failoverVerdict(err: GatewayError): Verdict {
  if (isKeyRejected(err)) return 'next-key';
  if (err.kind === 'cancelled') return 'fatal';
  if (err.info.retryable !== undefined) return err.info.retryable ? 'next-key' : 'fatal';
  if (RETRYABLE_STATUS.has(err.status)) return 'next-key';
  if (err.kind === 'not_found') return 'next-target';
  return err.retryable ? 'next-key' : 'fatal';
}

/** The attempt records carried by an `all_upstreams_failed` (or no-usable-key) error. */
export function attemptsOf(err: unknown): AttemptRecord[] | undefined {
  if (!GatewayError.is(err)) return undefined;
  const cause = err.info.cause;
  if (typeof cause !== 'object' || cause === null || !('attempts' in cause)) return undefined;
  return Array.isArray(cause.attempts) ? (cause.attempts as AttemptRecord[]) : undefined;
}

/** Runs `attempt` over the plan until one commits; see the file comment for the rules. */
export async function runWithFailover<T>(plan: readonly Target[], opts: FailoverOptions<T>): Promise<FailoverResult<T>> {
  const clock = opts.clock ?? systemClock;
  const maxAttempts = Math.max(1, opts.maxAttempts ?? 3);
  const signal = opts.signal ?? new AbortController().signal;
  const started = clock.now();
  const records: AttemptRecord[] = [];
  // Made on the first failure only: the common request commits on its first attempt.
  let cooling: WeakSet<AttemptRecord> | undefined; // targets skipped because all their keys were rate limited
  let attempts = 0;
  let stop: 'deadline' | 'max-attempts' | undefined;

  plan: for (let t = 0; t < plan.length; t++) {
    const target = plan[t]!;
    const pool = opts.pools(target.providerId);
    const keyless = !pool || pool.size === 0;
    let tried: Set<string> | undefined; // keys this target already failed with
    for (;;) {
      if (signal.aborted) throw cancelled(signal);
      const now = attempts === 0 ? started : clock.now();
      if (!keyless && !pool.canAcquire(target.upstreamModel, now, tried)) {
        if (!tried) {
          const record = unusable(target, pool, now);
          if (record.cooling) (cooling ??= new WeakSet()).add(record.record);
          records.push(record.record);
        }
        break;
      }
      // Checked only once something is left to try, so running out of plan is not reported as a stop.
      if (attempts >= maxAttempts) { stop = 'max-attempts'; break plan; }
      if (opts.deadlineMs !== undefined && now - started >= opts.deadlineMs) { stop = 'deadline'; break plan; }
      const key = keyless ? undefined : pool.acquire(target.upstreamModel, now, opts.affinity, tried);
      attempts++;
      try {
        const value = await opts.attempt(target, key, signal);
        if (key || opts.onAttempt) {
          const done = clock.now();
          if (key) pool?.report(key, target.upstreamModel, OK, done);
          opts.onAttempt?.({ ...where(target, key), ok: true, durationMs: done - now });
        }
        return { value, target, key, failures: records };
      } catch (e) {
        if (signal.aborted) throw cancelled(signal);
        if (key) (tried ??= new Set()).add(key.id);
        const err = toGatewayError(e, target.providerId);
        const done = clock.now();
        if (key) pool?.report(key, target.upstreamModel, { ok: false, error: err }, done);
        const message = masked(err.message, plan, t, opts.pools);
        records.push({ ...where(target, key), status: err.status, error: message });
        opts.onAttempt?.({ ...where(target, key), ok: false, status: err.status, error: message, durationMs: done - now });
        const verdict = failoverVerdict(err);
        if (verdict === 'fatal' || (verdict === 'next-target' && t === plan.length - 1)) {
          throw message === err.message ? err : new GatewayError(err.kind, message, err.info);
        }
        (opts.logger ?? silentLogger).warn('upstream attempt failed; failing over', {
          provider: target.providerId, model: target.upstreamModel, key: key?.label, status: err.status, error: message,
        });
        if (verdict === 'next-target' || keyless) break;
      }
    }
  }
  throw exhausted(plan, opts, records, cooling, attempts, stop, clock.now());
}

const OK = { ok: true } as const;

/** `text` with the secrets of every pool reached so far (targets 0..t) masked. */
function masked<T>(text: string, plan: readonly Target[], t: number, pools: FailoverOptions<T>['pools']): string {
  let out = text;
  for (let i = 0; i <= t; i++) {
    const pool = pools(plan[i]!.providerId);
    if (pool) out = pool.sanitize(out);
  }
  return out;
}

const where = (target: Target, key: UpstreamKey | undefined): Pick<AttemptRecord, 'providerId' | 'model' | 'keyLabel'> =>
  key ? { providerId: target.providerId, model: target.upstreamModel, keyLabel: key.label }
    : { providerId: target.providerId, model: target.upstreamModel };

function unusable(target: Target, pool: KeyPool, now: number): { record: AttemptRecord; cooling: boolean } {
  const soonest = pool.soonestAvailable(target.upstreamModel, now);
  const error = soonest === undefined ? 'no usable key (every key was rejected with 401/403)'
    : `no usable key (all cooling down after rate limits; next free in ${formatDuration(soonest - now)})`;
  return { record: { ...where(target, undefined), error }, cooling: soonest !== undefined };
}

function exhausted<T>(
  plan: readonly Target[], opts: FailoverOptions<T>, records: AttemptRecord[], cooling: WeakSet<AttemptRecord> | undefined,
  attempts: number, stop: 'deadline' | 'max-attempts' | undefined, now: number,
): GatewayError {
  const lines = records.map((r) =>
    `${r.providerId}/${r.model}${r.keyLabel ? ` via key ${r.keyLabel}` : ''}: ${r.status === undefined ? '' : `${r.status} `}${r.error}`);
  const tail = stop === 'deadline' ? ` (gave up: deadline of ${formatDuration(opts.deadlineMs ?? 0)} passed)`
    : stop === 'max-attempts' ? ` (stopped after ${attempts} attempt${attempts === 1 ? '' : 's'})` : '';
  const cause = { attempts: records };
  if (plan.length === 0) return new GatewayError('not_found', 'no upstream target for this model', { code: 'model_not_found', cause });

  const soonest = plan.reduce<number | undefined>((acc, t) => {
    const at = opts.pools(t.providerId)?.soonestAvailable(t.upstreamModel, now);
    return at === undefined ? acc : acc === undefined ? at : Math.min(acc, at);
  }, undefined);
  const retryAfterMs = soonest !== undefined && soonest > now ? soonest - now : undefined;
  const allRateLimited = records.length > 0 && records.every((r) => r.status === 429 || !!cooling?.has(r));

  if (attempts === 0 && stop === undefined) {
    const message = lines.join('; ');
    return allRateLimited
      ? new GatewayError('rate_limit', message, { code: 'all_keys_cooling', retryAfterMs, cause })
      : new GatewayError('upstream', message, { status: 502, code: 'no_valid_keys', retryable: false, cause });
  }
  const message = `all upstreams failed: ${lines.join('; ')}${tail}`;
  return allRateLimited
    ? new GatewayError('rate_limit', message, { code: 'all_upstreams_failed', retryAfterMs, cause })
    : new GatewayError('upstream', message, { status: 502, code: 'all_upstreams_failed', cause });
}

function cancelled(signal: CancelSignal): GatewayError {
  return new GatewayError('cancelled', 'the client closed the request', { code: 'client_closed', cause: signal.reason });
}

/** Wraps what an attempt threw (undici errors, bugs) as a retryable `upstream` error naming the provider. */
function toGatewayError(e: unknown, providerId: string): GatewayError {
  if (GatewayError.is(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new GatewayError('upstream', `${providerId}: ${message}`, { provider: providerId, cause: e });
}
