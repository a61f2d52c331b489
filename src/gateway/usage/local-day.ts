/** Local calendar days, the unit of daily limits and usage aggregates (users think in their own days). */

/** `YYYY-MM-DD` of the local calendar day containing epoch ms `t`. */
export function localDay(t: number): string {
  const d = new Date(t);
  const mm = String(d.getMonth() + 1).padStart(2, '0');
  const dd = String(d.getDate()).padStart(2, '0');
  return `${d.getFullYear()}-${mm}-${dd}`;
}

/** Epoch ms of the next local midnight after `t` (DST-safe: built from calendar fields, not by adding 24 h). */
export function nextLocalMidnight(t: number): number {
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
