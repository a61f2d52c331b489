/**
 * The keys of one provider: round-robin over healthy keys, per-(key, model) cooldowns after 429s, keys marked
 * invalid after 401/403, and sticky keys per affinity (session) so upstream prompt caches stay warm.
 */
import type { GatewayError } from '../core/errors';
import { keyHint, maskSecrets } from './upstream-keys';
import type { AttemptOutcome, KeyState, UpstreamKey } from './types';

export { resolveKeys, missingKeyVars } from './upstream-keys';

/** Tuning of a key pool; all optional. */
export interface KeyPoolOptions {
  /** First cooldown after a 429 without a retry hint; doubles per consecutive 429. Default 30 s. */
  cooldownMs?: number;
  /** Cap of the doubling. Default 10 min (a retry hint from the upstream is honoured beyond it). */
  maxCooldownMs?: number;
  /** How many affinities (sessions) to remember. Default 1000. */
  affinityLimit?: number;
}

interface Cooldown { until: number; strikes: number }

interface KeySlot {
  key: UpstreamKey;
  invalid: boolean;
  /** Per upstream model. Entries outlive `until` so consecutive 429s keep doubling until a success. */
  cooldowns: Map<string, Cooldown>;
  lastError?: string;
}

const DEFAULT_COOLDOWN_MS = 30_000;
const DEFAULT_MAX_COOLDOWN_MS = 10 * 60_000;
const DEFAULT_AFFINITY_LIMIT = 1000;

/** Whether an upstream error means the key itself is bad (401/403, or an `invalid_api_key` code). */
export function isKeyRejected(err: GatewayError): boolean {
  return err.status === 401 || err.status === 403 || err.kind === 'auth' || err.kind === 'permission'
    || err.code === 'invalid_api_key';
}

/** Whether an upstream error is a rate limit (429). */
export function isRateLimited(err: GatewayError): boolean {
  return err.status === 429 || err.kind === 'rate_limit';
}

/** The keys of one provider and what the gateway has learnt about each. */
export class KeyPool {
  private slots: KeySlot[] = [];
  private cursor = 0;
  /** affinity → key id; a Map keeps insertion order, so re-inserting on use makes it an LRU. */
  private readonly sticky = new Map<string, string>();
  private readonly baseMs: number;
  private readonly capMs: number;
  private readonly affinityLimit: number;

  constructor(keys: readonly UpstreamKey[], opts: KeyPoolOptions = {}) {
    this.baseMs = opts.cooldownMs ?? DEFAULT_COOLDOWN_MS;
    this.capMs = Math.max(this.baseMs, opts.maxCooldownMs ?? DEFAULT_MAX_COOLDOWN_MS);
    this.affinityLimit = Math.max(1, opts.affinityLimit ?? DEFAULT_AFFINITY_LIMIT);
    this.replaceKeys(keys);
  }

  /** Number of keys (0 for a provider that needs none). */
  get size(): number { return this.slots.length; }

  /**
   * A key for `model`: the affinity's previous key while it is healthy, else the next healthy key round-robin.
   * Keys in `exclude` (ids already tried by this request) are skipped. Undefined when none is usable.
   */
  acquire(model: string, now: number, affinity?: string, exclude?: ReadonlySet<string>): UpstreamKey | undefined {
    const usable = (s: KeySlot): boolean => !s.invalid && !exclude?.has(s.key.id) && !this.isCooling(s, model, now);
    if (affinity !== undefined) {
      const id = this.sticky.get(affinity);
      const slot = id === undefined ? undefined : this.slots.find((s) => s.key.id === id);
      if (slot && usable(slot)) {
        this.remember(affinity, slot.key.id);
        return slot.key;
      }
    }
    const n = this.slots.length;
    for (let i = 0; i < n; i++) {
      const idx = (this.cursor + i) % n;
      const slot = this.slots[idx]!;
      if (!usable(slot)) continue;
      this.cursor = (idx + 1) % n;
      if (affinity !== undefined) this.remember(affinity, slot.key.id);
      return slot.key;
    }
    return undefined;
  }

  /** Whether `acquire` would return a key, without moving the round robin or any affinity. */
  canAcquire(model: string, now: number, exclude?: ReadonlySet<string>): boolean {
    return this.slots.some((s) => !s.invalid && !exclude?.has(s.key.id) && !this.isCooling(s, model, now));
  }

  /**
   * Learns from an attempt: success clears the 429 streak for (key, model); a 429 cools (key, model) for the
   * upstream's retry hint, else for the doubling default; 401/403/`invalid_api_key` marks the key invalid until
   * `reset` or a new secret; another error with a retry hint (e.g. 503 + Retry-After) cools for that long.
   * Request errors (400-type) say nothing about the key and are ignored.
   */
  report(key: UpstreamKey, model: string, outcome: AttemptOutcome, now: number): void {
    const slot = this.slots.find((s) => s.key.id === key.id && s.key.secret === key.secret);
    if (!slot) return; // the key was replaced while the request ran
    if (outcome.ok) {
      slot.cooldowns.delete(model);
      return;
    }
    const err = outcome.error;
    if (isKeyRejected(err)) {
      slot.invalid = true;
      slot.lastError = this.describe(err);
    } else if (isRateLimited(err)) {
      const strikes = (slot.cooldowns.get(model)?.strikes ?? 0) + 1;
      const ms = err.info.retryAfterMs ?? Math.min(this.baseMs * 2 ** (strikes - 1), this.capMs);
      slot.cooldowns.set(model, { until: now + ms, strikes });
      slot.lastError = this.describe(err);
    } else if (err.status >= 500 || err.kind === 'timeout' || err.kind === 'upstream') {
      const retryAfterMs = err.info.retryAfterMs;
      if (retryAfterMs !== undefined) {
        const strikes = slot.cooldowns.get(model)?.strikes ?? 0;
        slot.cooldowns.set(model, { until: now + retryAfterMs, strikes });
      }
      slot.lastError = this.describe(err);
    }
  }

  /**
   * When the first valid key comes off cooldown for `model` (epoch ms): `now` when one is usable already,
   * undefined when every key is invalid (or there are none).
   */
  soonestAvailable(model: string, now: number): number | undefined {
    let soonest: number | undefined;
    for (const s of this.slots) {
      if (s.invalid) continue;
      const until = this.isCooling(s, model, now) ? s.cooldowns.get(model)!.until : now;
      soonest = soonest === undefined ? until : Math.min(soonest, until);
    }
    return soonest;
  }

  /** What the UI may see of each key; never the secret. */
  states(now: number): KeyState[] {
    return this.slots.map((s) => {
      const cooldowns = [...s.cooldowns]
        .filter(([, c]) => c.until > now)
        .map(([model, c]) => ({ model, until: c.until }));
      const status = s.invalid ? 'invalid' : cooldowns.length > 0 ? 'cooling' : 'ok';
      const state: KeyState = { id: s.key.id, label: s.key.label, hint: keyHint(s.key.secret), status, cooldowns };
      if (s.lastError !== undefined) state.lastError = s.lastError;
      return state;
    });
  }

  /** Clears invalid marks and cooldowns of one key, or of all keys. */
  reset(keyId?: string): void {
    for (const s of this.slots) {
      if (keyId !== undefined && s.key.id !== keyId) continue;
      s.invalid = false;
      s.cooldowns.clear();
      delete s.lastError;
    }
  }

  /** Swaps in a new key list (after a config or secret change); a key with the same id and secret keeps its state. */
  replaceKeys(keys: readonly UpstreamKey[]): void {
    const old = new Map(this.slots.map((s) => [s.key.id, s]));
    this.slots = keys.map((key) => {
      const prev = old.get(key.id);
      return prev && prev.key.secret === key.secret
        ? { ...prev, key }
        : { key, invalid: false, cooldowns: new Map<string, Cooldown>() };
    });
    this.cursor = 0;
  }

  /** `text` with every secret of this pool replaced by `***`. */
  sanitize(text: string): string {
    return maskSecrets(text, this.slots.map((s) => s.key.secret));
  }

  private isCooling(slot: KeySlot, model: string, now: number): boolean {
    const c = slot.cooldowns.get(model);
    return c !== undefined && c.until > now;
  }

  private remember(affinity: string, keyId: string): void {
    this.sticky.delete(affinity);
    this.sticky.set(affinity, keyId);
    if (this.sticky.size > this.affinityLimit) this.sticky.delete(this.sticky.keys().next().value!);
  }

  private describe(err: GatewayError): string {
    return this.sanitize(`${err.status} ${err.message}`);
  }
}
