/** The memoized local-day helpers give the same answers as computing from scratch, in any order of times. */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { localDay, nextLocalMidnight } from '../../../src/gateway/usage/local-day';

const p2 = (n: number) => String(n).padStart(2, '0');
const plainDay = (t: number) => { const d = new Date(t); return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}`; };
const plainMidnight = (t: number) => { const d = new Date(t); return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime(); };

describe('usage/local-day', () => {
  it('localDay and nextLocalMidnight match the direct computation for any sequence of times', () => {
    const base = new Date(2025, 2, 1).getTime(); // spans DST changes in most zones
    const t = fc.integer({ min: base - 86_400_000 * 400, max: base + 86_400_000 * 400 });
    // Times close together exercise the memo; the boundaries are where it could go wrong.
    const near = fc.tuple(t, fc.array(fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }), { maxLength: 20 }))
      .map(([a, ds]) => [a, ...ds.map((d) => a + d), plainMidnight(a), plainMidnight(a) - 1]);
    fc.assert(fc.property(near, (times) => {
      for (const x of times) {
        assert.equal(localDay(x), plainDay(x), `localDay(${x})`);
        assert.equal(nextLocalMidnight(x), plainMidnight(x), `nextLocalMidnight(${x})`);
      }
    }), { numRuns: 500 });
  });

  it('handles invalid times and years before 100 (which the Date constructor reads as 19xx)', () => {
    const year50 = new Date(2000, 5, 15, 12); year50.setFullYear(50);
    const year1950 = new Date(1950, 5, 15, 12).getTime();
    for (const x of [NaN, year50.getTime(), year1950, year50.getTime() + 3_600_000, year1950 + 3_600_000]) {
      assert.equal(localDay(x), plainDay(x));
    }
    assert.equal(localDay(year50.getTime()), '50-06-15');
    assert.equal(localDay(year1950), '1950-06-15');
    assert.equal(localDay(NaN), 'NaN-NaN-NaN');
  });
});
