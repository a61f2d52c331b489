/** Local calendar days, the unit of daily limits and usage aggregates (users think in their own days). */

// The last answer and the span of epoch ms it covers: the hot path asks about "now" several times per request.
let memoDay = '';
let memoStart = 0;
let memoEnd = -1;

/** `YYYY-MM-DD` of the local calendar day containing epoch ms `t`. */
export function localDay(t: number): string {
  if (t >= memoStart && t < memoEnd) return memoDay;
  const d = new Date(t);
  const day = formatDay(d);
  // Invalid dates and years < 100 (which the Date constructor reads as 19xx) are not memoized.
  if (!(d.getFullYear() >= 100)) return day;
  // Span from the day's first instant to the next day's, built from calendar fields (DST-safe).
  memoStart = new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  memoEnd = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
  memoDay = day;
  return day;
}

function formatDay(d: Date): string {
  const mm = String(d.getMonth() + 1).padStart(2, '0');
  const dd = String(d.getDate()).padStart(2, '0');
  return `${d.getFullYear()}-${mm}-${dd}`;
}

/** Epoch ms of the next local midnight after `t` (DST-safe: built from calendar fields, not by adding 24 h). */
export function nextLocalMidnight(t: number): number {
  if (t >= memoStart && t < memoEnd) return memoEnd;
  const d = new Date(t);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
}

/** The local days from `days - 1` days before `t` up to `t`'s day, oldest first. */
export function lastLocalDays(t: number, days: number): string[] {
  const d = new Date(t);
  const out: string[] = [];
  for (let i = Math.max(1, Math.floor(days)) - 1; i >= 0; i--) {
    out.push(localDay(new Date(d.getFullYear(), d.getMonth(), d.getDate() - i, 12).getTime()));
  }
  return out;
}
