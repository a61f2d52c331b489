/**
 * Cancellation of one request. The pipeline only ever reads `aborted`/`reason` and adds or removes one 'abort'
 * listener per upstream attempt, so it takes this structural subset of AbortSignal: a real AbortSignal still fits,
 * and `Cancellation` is a cheaper one. Why: under load, an AbortController per request (its AbortSignal is an
 * EventTarget) plus an add/removeEventListener per attempt cost several µs of the ~100 µs a whole request may take.
 */

/** The part of AbortSignal the gateway uses; `AbortSignal` satisfies it. */
export interface CancelSignal {
  readonly aborted: boolean;
  /** Why it was cancelled (AbortSignal: a DOMException named AbortError unless a reason was given). */
  readonly reason?: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * A one-shot cancellation that is its own signal: pass it where a CancelSignal goes, call `abort()` when the client
 * leaves. Like AbortSignal: listeners run once, in the order added, on the first `abort()`; a listener added after
 * that never runs (check `aborted` first); a listener that throws does not stop the others (the error is rethrown
 * on a later tick, as Node's EventTarget reports it).
 */
export class Cancellation implements CancelSignal {
  aborted = false;
  reason: unknown = undefined;
  // Almost always zero or one listener (the attempt in flight): no array until a second one comes.
  private one: (() => void) | undefined = undefined;
  private more: Array<() => void> | undefined = undefined;

  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.aborted) return;
    if (this.one === undefined && this.more === undefined) { this.one = listener; return; }
    if (this.one === listener || this.more?.includes(listener)) return; // EventTarget ignores duplicates
    (this.more ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    if (this.one === listener) { this.one = undefined; return; }
    const more = this.more;
    if (!more) return;
    const i = more.indexOf(listener);
    if (i !== -1) more.splice(i, 1);
  }

  /** Cancels (once): sets `aborted` and `reason` (default: an AbortError DOMException, as AbortController's). */
  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
    const first = this.one;
    const more = this.more;
    this.one = undefined;
    this.more = undefined;
    if (first) run(first);
    if (more) for (const l of more) run(l);
  }
}

function run(listener: () => void): void {
  try { listener(); } catch (e) { process.nextTick(() => { throw e; }); }
}
