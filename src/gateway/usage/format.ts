/** Plain-text rendering of usage and key tables for the CLI. */

/** Left-aligned columns separated by two spaces; numbers (cells matching a number) right-aligned. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^-?[\d,.]+$/.test(r[i] ?? '')));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

/** An integer with thousands separators. */
export function formatCount(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A cost with 4 decimals (prices per million tokens make small numbers common). */
export function formatCost(n: number): string {
  return n.toFixed(4);
}

/** A local date-time `YYYY-MM-DD HH:MM`, or `-`. */
export function formatTime(t: number | undefined): string {
  if (t === undefined) return '-';
  const d = new Date(t);
  const p = (x: number) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
