/**
 * The per-key counters against a naive model of what they replaced (an array of admission times spliced on every
 * prune, holds summed on every read): same window counts and oldest entry, same held tokens, for any sequence.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { KeyRuntime, RPM_WINDOW_MS, type Hold } from '../../../src/gateway/policy/key-runtime';

const TTL = 5 * 60_000;

/** The straightforward implementation the runtime must agree with. */
class NaiveRuntime {
  window: number[] = [];
  reservations = new Map<number, Hold>();
  pending = new Map<string, Hold>();
  prune(now: number): void {
    let i = 0;
    while (i < this.window.length && this.window[i]! <= now - RPM_WINDOW_MS) i++;
    this.window.splice(0, i);
  }
  held(now: number, day?: string): { tokens: number; cost: number } {
    let tokens = 0;
    let cost = 0;
    for (const [id, h] of this.pending) {
      if (now - h.at > TTL) { this.pending.delete(id); continue; }
      if (day === undefined || h.day === day) { tokens += h.tokens; cost += h.cost; }
    }
    for (const h of this.reservations.values()) if (day === undefined || h.day === day) { tokens += h.tokens; cost += h.cost; }
    return { tokens, cost };
  }
}

type Op =
  | { kind: 'admit'; dt: number; tokens: number; cost: number; day: number }
  | { kind: 'release'; pick: number }
  | { kind: 'settle'; pick: number; tokens: number; cost: number }
  | { kind: 'recorded'; pick: number }
  | { kind: 'check'; dt: number; day: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('admit' as const), dt: fc.integer({ min: 0, max: 20_000 }), tokens: fc.integer({ min: 0, max: 5000 }),
    cost: fc.double({ min: 0, max: 1, noNaN: true }), day: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('settle' as const), pick: fc.nat(), tokens: fc.integer({ min: 0, max: 5000 }), cost: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('recorded' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('check' as const), dt: fc.integer({ min: 0, max: 200_000 }), day: fc.integer({ min: 0, max: 2 }) }),
);

describe('policy/key-runtime', () => {
  it('agrees with the naive window and held sums on any sequence of admissions, settlements and records', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => {
      const r = new KeyRuntime();
      const n = new NaiveRuntime();
      let now = 1_000_000;
      let seq = 0;
      const open: number[] = [];
      const settled: string[] = [];
      const days = ['2025-06-14', '2025-06-15', '2025-06-16'];
      const compare = (day: string) => {
        r.pruneWindow(now);
        n.prune(now);
        assert.equal(r.windowCount(), n.window.length);
        assert.equal(r.oldestInWindow(), n.window[0]);
        r.expirePending(now);
        const all = n.held(now);
        const one = n.held(now, day);
        assert.equal(r.heldTokens(), all.tokens);
        assert.equal(r.heldTokens(day), one.tokens);
        assert.equal(r.heldCost(), all.cost, 'cost summed in the same order, bit for bit');
        assert.equal(r.heldCost(day), one.cost);
      };
      for (const op of ops) {
        if (op.kind === 'admit') {
          now += op.dt;
          const h: Hold = { tokens: op.tokens, cost: op.cost, day: days[op.day]!, at: now };
          r.addToWindow(now); n.window.push(now);
          r.reserve(++seq, h); n.reservations.set(seq, h);
          open.push(seq);
        } else if (op.kind === 'release' && open.length > 0) {
          const id = open.splice(op.pick % open.length, 1)[0]!;
          r.release(id); n.reservations.delete(id);
        } else if (op.kind === 'settle' && open.length > 0) {
          const id = open.splice(op.pick % open.length, 1)[0]!;
          const h: Hold = { tokens: op.tokens, cost: op.cost, day: n.reservations.get(id)!.day, at: now };
          r.release(id); n.reservations.delete(id);
          r.holdPending(`req${id}`, h); n.pending.set(`req${id}`, h);
          settled.push(`req${id}`);
        } else if (op.kind === 'recorded' && settled.length > 0) {
          const id = settled.splice(op.pick % settled.length, 1)[0]!;
          r.recorded(id); n.pending.delete(id);
        } else if (op.kind === 'check') {
          now += op.dt;
          compare(days[op.day]!);
        }
      }
      compare(days[1]!);
    }), { numRuns: 300 });
  });

  it('keeps the window exact across compaction of a long window', () => {
    const r = new KeyRuntime();
    const n = new NaiveRuntime();
    // 5 admissions per ms for 2 minutes: the head moves past thousands of entries and the array is compacted.
    for (let t = 0; t < 120_000; t += 1) {
      for (let i = 0; i < 5; i++) { r.addToWindow(t); n.window.push(t); }
      if (t % 97 === 0) {
        r.pruneWindow(t); n.prune(t);
        assert.equal(r.windowCount(), n.window.length);
        assert.equal(r.oldestInWindow(), n.window[0]);
      }
    }
    r.pruneWindow(119_999);
    // Admissions at 60 000 … 119 999 ms are within a minute of 119 999 ms.
    assert.equal(r.windowCount(), 5 * 60_000);
    assert.equal(r.oldestInWindow(), 60_000);
  });

  it('falls back to exact summation when token counts are not integers', () => {
    const r = new KeyRuntime();
    const vals = [0.1, 0.2, 0.3, 1e-9, 7];
    vals.forEach((v, i) => r.reserve(i, { tokens: v, cost: 0, day: 'd', at: 0 }));
    assert.equal(r.heldTokens(), vals.reduce((a, b) => a + b, 0));
    r.release(0);
    assert.equal(r.heldTokens(), vals.slice(1).reduce((a, b) => a + b, 0));
    for (let i = 1; i < vals.length; i++) r.release(i);
    assert.equal(r.heldTokens(), 0);
    assert.equal(r.heldTokens('d'), 0);
  });

  it('forgets unrecorded settlements after five minutes, and only then', () => {
    const r = new KeyRuntime();
    r.holdPending('a', { tokens: 10, cost: 0, day: 'd', at: 0 });
    r.holdPending('b', { tokens: 5, cost: 0, day: 'd', at: 60_000 });
    r.expirePending(TTL);
    assert.equal(r.heldTokens(), 15);
    r.expirePending(TTL + 1);
    assert.equal(r.heldTokens(), 5);
    r.expirePending(60_000 + TTL + 1);
    assert.equal(r.heldTokens(), 0);
  });
});
