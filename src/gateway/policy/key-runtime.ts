/** In-memory, per-key counters of the access policy: request window, daily count, requests in flight, reservations. */

/** RPM is a sliding window: a request counts for exactly 60 s after it was admitted (no burst at minute edges). */
export const RPM_WINDOW_MS = 60_000;
/** Settled usage not yet seen in the usage store is forgotten after this long (the pipeline never recorded it). */
const PENDING_TTL_MS = 5 * 60_000;
/** Window entries dropped from the front are only spliced away once they are this many and half the array. */
const COMPACT_MIN = 1024;

/** Tokens and cost held for a request. */
export interface Hold { tokens: number; cost: number; day: string; at: number }

/** Tokens held for one admission day, and by how many holds. */
interface DayHolds { day: string; tokens: number; holds: number }

/**
 * The live state of one gateway key. Every operation on the request path is O(1) amortized: the RPM window is an
 * array with a moving head, and held tokens are running totals. Held cost is summed on demand (only keys with a
 * spend quota and `GET /v1/usage` ask) because float running sums would drift from the exact per-request sum.
 */
export class KeyRuntime {
  rpdDay = '';
  rpdCount = 0;
  inFlight = 0;
  /** Request ids of open admissions whose record already reached the store (settle must not add it again). */
  readonly recordedEarly = new Set<string>();
  /** Request ids of open admissions. */
  readonly open = new Set<string>();

  /** Admission times, oldest first; entries before `head` have left the window. */
  private readonly times: number[] = [];
  private head = 0;
  /** Open admissions' estimates, by admission number. */
  private readonly reservations = new Map<number, Hold>();
  /** Settled usage whose UsageRecord has not reached the usage store yet, by request id. */
  private readonly pending = new Map<string, Hold>();
  /** No pending entry is older than this (a lower bound: entries removed early do not raise it). */
  private pendingOldest = Infinity;
  /** Sum of tokens of every hold (reservations and pending), and per admission day. */
  private tokensAll = 0;
  private readonly tokensByDay = new Map<string, DayHolds>();
  /** The entry of `tokensByDay` used last (nearly every hold is of the current day), or undefined. */
  private lastDay: DayHolds | undefined;
  private holds = 0;
  /** False once a non-integer token count was added: then sums are recomputed in the original order. */
  private tokensExact = true;

  /** Requests admitted within the last minute (as of the last `pruneWindow`). */
  windowCount(): number {
    return this.times.length - this.head;
  }

  /** Admission time of the oldest request in the window. */
  oldestInWindow(): number | undefined {
    return this.head < this.times.length ? this.times[this.head] : undefined;
  }

  /** Counts an admission at `now` in the window. */
  addToWindow(now: number): void {
    this.times.push(now);
  }

  /** Drops window entries older than the RPM window. */
  pruneWindow(now: number): void {
    const times = this.times;
    const cutoff = now - RPM_WINDOW_MS;
    let h = this.head;
    while (h < times.length && times[h]! <= cutoff) h++;
    if (h === times.length) {
      times.length = 0;
      h = 0;
    } else if (h >= COMPACT_MIN && h * 2 >= times.length) {
      // Each entry is moved at most once per halving, so the splice is amortized O(1) per request.
      times.splice(0, h);
      h = 0;
    }
    this.head = h;
  }

  /** Holds `h` for the open admission number `id`. */
  reserve(id: number, h: Hold): void {
    this.reservations.set(id, h);
    this.addHold(h);
  }

  /** Releases the reservation of admission `id`. */
  release(id: number): void {
    const h = this.reservations.get(id);
    if (h === undefined) return;
    this.reservations.delete(id);
    this.removeHold(h);
  }

  /** Holds a settled request's real usage until its record reaches the usage store. */
  holdPending(requestId: string, h: Hold): void {
    const old = this.pending.get(requestId);
    if (old !== undefined) this.removeHold(old);
    this.pending.set(requestId, h);
    this.addHold(h);
    if (h.at < this.pendingOldest) this.pendingOldest = h.at;
  }

  /** Forgets pending usage older than the TTL (its record never came). */
  expirePending(now: number): void {
    // Nothing can have expired while the oldest possible entry is young enough: skip the scan.
    if (!(now - this.pendingOldest > PENDING_TTL_MS)) return;
    let oldest = Infinity;
    for (const [id, h] of this.pending) {
      if (now - h.at > PENDING_TTL_MS) { this.pending.delete(id); this.removeHold(h); continue; }
      if (h.at < oldest) oldest = h.at;
    }
    this.pendingOldest = oldest;
  }

  /** Tokens held by open reservations and unrecorded settlements, all days or one day. Call `expirePending` first. */
  heldTokens(day?: string): number {
    if (!this.tokensExact) return this.sum('tokens', day);
    if (day === undefined) return this.tokensAll;
    return this.dayHolds(day)?.tokens ?? 0;
  }

  /** Cost held by open reservations and unrecorded settlements, all days or one day. Call `expirePending` first. */
  heldCost(day?: string): number {
    return this.sum('cost', day);
  }

  /** Called when the usage store records `requestId`: its usage is now counted there. */
  recorded(requestId: string): void {
    const h = this.pending.get(requestId);
    if (h !== undefined) {
      this.pending.delete(requestId);
      this.removeHold(h);
      return;
    }
    if (this.open.has(requestId)) this.recordedEarly.add(requestId);
  }

  /** Sums a field over pending settlements, then reservations, each in insertion order (the order sums always had). */
  private sum(field: 'tokens' | 'cost', day: string | undefined): number {
    let s = 0;
    for (const h of this.pending.values()) if (day === undefined || h.day === day) s += h[field];
    for (const h of this.reservations.values()) if (day === undefined || h.day === day) s += h[field];
    return s;
  }

  private dayHolds(day: string): DayHolds | undefined {
    const last = this.lastDay;
    if (last !== undefined && last.day === day) return last;
    const d = this.tokensByDay.get(day);
    if (d !== undefined) this.lastDay = d;
    return d;
  }

  private addHold(h: Hold): void {
    this.holds++;
    if (!Number.isSafeInteger(h.tokens)) this.tokensExact = false;
    this.tokensAll += h.tokens;
    const d = this.dayHolds(h.day);
    if (d) { d.tokens += h.tokens; d.holds++; } else {
      const created = { day: h.day, tokens: h.tokens, holds: 1 };
      this.tokensByDay.set(h.day, created);
      this.lastDay = created;
    }
  }

  private removeHold(h: Hold): void {
    this.holds--;
    this.tokensAll -= h.tokens;
    const d = this.dayHolds(h.day);
    if (d) {
      d.tokens -= h.tokens;
      if (--d.holds === 0) {
        this.tokensByDay.delete(h.day);
        if (this.lastDay === d) this.lastDay = undefined;
      }
    }
    if (this.holds === 0) { this.tokensAll = 0; this.tokensExact = true; }
  }
}
