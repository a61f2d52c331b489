/** `switchboard usage`: prints usage per gateway key × model × local day from the data folder. */
import { parseArgs } from 'node:util';
import { KeyStore } from '../gateway/policy/key-store';
import { ANONYMOUS_KEY, UsageStore } from '../gateway/usage/usage-store';
import { formatCost, formatCount, formatTable } from '../gateway/usage/format';
import type { CliIo } from './keys-command';
import { dataDirFrom } from './keys-command';

const HELP = [
  'Usage: switchboard usage [--days N] [--key ID|NAME] [--json] [--data-dir DIR]',
  '',
  'Prints requests and tokens per gateway key, model and local day (default: the last 7 days).',
  'Reads the data folder without changing it, so it is safe next to a running gateway.',
];

/** Runs `switchboard usage …`; `argv` is everything after `usage`. Resolves to the process exit code. */
export async function runUsageCommand(argv: string[], io: CliIo): Promise<number> {
  const err = io.err ?? io.out;
  let values: { days?: string; key?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv, allowPositionals: false,
      options: { days: { type: 'string' }, key: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, 'data-dir': { type: 'string' } },
    }));
  } catch (e) {
    err(`switchboard usage: ${(e as Error).message}`);
    return 2;
  }
  if (values.help) {
    for (const line of HELP) io.out(line);
    return 0;
  }
  const days = values.days === undefined ? 7 : Number(values.days);
  if (!Number.isInteger(days) || days < 1) {
    err(`switchboard usage: --days must be a positive integer, got "${values.days}"`);
    return 2;
  }
  const dataDir = dataDirFrom(argv, io.dataDir);
  const usage = new UsageStore({ dataDir, clock: io.clock, readOnly: true });
  let names = new Map<string, string>();
  try {
    names = new Map(new KeyStore(dataDir, io.clock).list().map((k) => [k.id, k.name]));
  } catch { /* a corrupt keys.json must not hide usage; ids are printed instead */ }

  let keyFilter: string | undefined;
  if (values.key !== undefined) {
    keyFilter = names.has(values.key) ? values.key : [...names].find(([, n]) => n === values.key)?.[0] ?? values.key;
  }
  const summary = usage.summary({ days });
  const rows = summary.rows.filter((r) => keyFilter === undefined || r.keyId === keyFilter);
  if (values.json) {
    io.out(JSON.stringify({ days: summary.days, rows: rows.map((r) => ({ ...r, keyName: names.get(r.keyId) ?? r.keyName })) }, null, 2));
    return 0;
  }
  if (rows.length === 0) {
    io.out(`No usage in the last ${days} day${days === 1 ? '' : 's'}.`);
    return 0;
  }
  const keyLabel = (id: string, fallback?: string) => (id === ANONYMOUS_KEY ? '(no key)' : names.get(id) ?? fallback ?? id);
  const table = rows.map((r) => [
    keyLabel(r.keyId, r.keyName), r.model, r.day, formatCount(r.totals.requests), formatCount(r.totals.errors),
    formatCount(r.totals.inputTokens), formatCount(r.totals.cachedTokens), formatCount(r.totals.outputTokens), formatCost(r.totals.cost),
  ]);
  const t = rows.reduce((a, r) => ({
    requests: a.requests + r.totals.requests, errors: a.errors + r.totals.errors, input: a.input + r.totals.inputTokens,
    cached: a.cached + r.totals.cachedTokens, output: a.output + r.totals.outputTokens, cost: a.cost + r.totals.cost,
  }), { requests: 0, errors: 0, input: 0, cached: 0, output: 0, cost: 0 });
  table.push(['TOTAL', '', '', formatCount(t.requests), formatCount(t.errors), formatCount(t.input), formatCount(t.cached), formatCount(t.output), formatCost(t.cost)]);
  for (const line of formatTable(['KEY', 'MODEL', 'DAY', 'REQUESTS', 'ERRORS', 'INPUT', 'CACHED', 'OUTPUT', 'COST'], table)) io.out(line);
  return 0;
}
