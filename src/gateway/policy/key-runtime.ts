/** In-memory, per-key counters of the access policy: request window, daily count, requests in flight, reservations. */

/** RPM is a sliding window: a request counts for exactly 60 s after it was admitted (no burst at minute edges). */
export const RPM_WINDOW_MS = 60_000;
/** Settled usage not yet seen in the usage store is forgotten after this long (the pipeline never recorded it). */
const PENDING_TTL_MS = 5 * 60_000;

/** Tokens and cost held for a request. */
export interface Hold { tokens: number; cost: number; day: string; at: number }

/** The live state of one gateway key. */
export class KeyRuntime {
  /** Admission times within the last minute, oldest first. */
  readonly window: number[] = [];
  rpdDay = '';
  rpdCount = 0;
  inFlight = 0;
  /** Open admissions' estimates, by admission number. */
  readonly reservations = new Map<number, Hold>();
  /** Settled usage whose UsageRecord has not reached the usage store yet, by request id. */
  readonly pending = new Map<string, Hold>();
  /** Request ids of open admissions whose record already reached the store (settle must not add it again). */
  readonly recordedEarly = new Set<string>();
  /** Request ids of open admissions. */
  readonly open = new Set<string>();

  /** Drops window entries older than the RPM window. */
  pruneWindow(now: number): void {
    let i = 0;
    while (i < this.window.length && this.window[i]! <= now - RPM_WINDOW_MS) i++;
    if (i > 0) this.window.splice(0, i);
  }

  /** Tokens and cost held by open reservations and unrecorded settlements, all days or one day. */
  held(now: number, day?: string): { tokens: number; cost: number } {
    let tokens = 0;
    let cost = 0;
    for (const [id, h] of this.pending) {
      if (now - h.at > PENDING_TTL_MS) { this.pending.delete(id); continue; }
      if (day === undefined || h.day === day) { tokens += h.tokens; cost += h.cost; }
    }
    for (const h of this.reservations.values()) {
      if (day === undefined || h.day === day) { tokens += h.tokens; cost += h.cost; }
    }
    return { tokens, cost };
  }

  /** Called when the usage store records `requestId`: its usage is now counted there. */
  recorded(requestId: string): void {
    if (this.pending.delete(requestId)) return;
    if (this.open.has(requestId)) this.recordedEarly.add(requestId);
  }

}
