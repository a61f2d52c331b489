/** Turns the bench's raw samples into figures (medians over repetitions), target verdicts and one printed table. */
import { median } from './sse-client.mjs';

const med = (samples, pick) => median(samples.map(pick).filter((v) => v !== null && v !== undefined));
const of = (samples, where) => samples.filter((s) => Object.entries(where).every(([k, v]) => s[k] === v));

/** Builds the flat figure map: every value the table shows, by a stable dotted name. */
export function figures(raw, opts) {
  const f = {};
  for (const c of opts.concurrencies) {
    for (const t of ['direct', 'reference', 'gateway']) {
      const s = of(raw.nonStreaming, { target: t, connections: c });
      f[`nonstream.c${c}.${t}.reqPerSec`] = med(s, (x) => x.reqPerSec);
      f[`nonstream.c${c}.${t}.p50Ms`] = med(s, (x) => x.p50Ms);
      f[`nonstream.c${c}.${t}.p99Ms`] = med(s, (x) => x.p99Ms);
      f[`nonstream.c${c}.${t}.cpuUsPerReq`] = t === 'direct' ? med(s, (x) => x.upstreamCpuUsPerReq) : med(s, (x) => x.proxyCpuUsPerReq);
    }
  }
  for (const t of ['direct', 'reference', 'gateway']) {
    const s = of(raw.latencyC1, { target: t });
    f[`latencyC1.${t}.p50Ms`] = med(s, (x) => x.p50Ms);
    f[`latencyC1.${t}.p99Ms`] = med(s, (x) => x.p99Ms);
    const st = of(raw.streaming, { target: t });
    f[`stream.${t}.firstByteMs`] = med(st, (x) => x.firstByteP50Ms);
    f[`stream.${t}.lastByteMs`] = med(st, (x) => x.lastByteP50Ms);
    f[`stream.${t}.readsPerChunk`] = med(st, (x) => x.readsPerChunk);
    f[`stream.${t}.spreadRatio`] = med(st, (x) => x.spreadRatio);
    f[`stream.${t}.completedRatio`] = med(st, (x) => x.completed / x.count);
    const m = of(raw.manyStreams, { target: t });
    f[`streams${opts.manyCount}.${t}.completed`] = Math.min(...m.map((x) => x.completed));
    f[`streams${opts.manyCount}.${t}.firstByteP50Ms`] = med(m, (x) => x.firstByteP50Ms);
    f[`streams${opts.manyCount}.${t}.firstByteP99Ms`] = med(m, (x) => x.firstByteP99Ms);
    if (t !== 'direct') f[`streams${opts.manyCount}.${t}.peakRssMb`] = med(m, (x) => x.peakRssMb);
  }
  for (const r of raw.routes.load.map((x) => x.target).filter((v, i, a) => a.indexOf(v) === i)) {
    const s = of(raw.routes.load, { target: r });
    f[`routes.${r}.c64.reqPerSec`] = med(s, (x) => x.reqPerSec);
    f[`routes.${r}.c64.cpuUsPerReq`] = med(s, (x) => x.proxyCpuUsPerReq);
    const st = of(raw.routes.stream, { target: r });
    f[`routes.${r}.stream.firstByteMs`] = med(st, (x) => x.firstByteP50Ms);
    f[`routes.${r}.stream.lastByteMs`] = med(st, (x) => x.lastByteP50Ms);
    f[`routes.${r}.stream.readsPerChunk`] = med(st, (x) => x.readsPerChunk);
  }
  for (const t of ['reference', 'gateway']) {
    f[`startup.${t}.startMs`] = med(raw.startup[t], (x) => x.startMs);
    f[`startup.${t}.idleRssMb`] = med(raw.startup[t], (x) => x.idleRssMb);
  }
  for (const [file, kb] of Object.entries(raw.bundles.devKb)) f[`bundle.dev.${file}.kb`] = kb;
  for (const [file, kb] of Object.entries(raw.bundles.productionKb)) f[`bundle.production.${file}.kb`] = kb;
  f['bundle.extensionLoadMs'] = median(raw.bundles.extensionLoadMs);
  f['bundle.cliLoadMs'] = median(raw.bundles.cliLoadMs);
  return f;
}

/** The targets, each against the reference (or direct) from the same run. */
export function targets(f, opts) {
  const n = opts.manyCount;
  const t = (name, value, op, limit) => ({ name, value, op, limit, pass: Number.isFinite(value) && (op === '>=' ? value >= limit : value <= limit) });
  return [
    t('pass-through c=64 throughput, gateway ÷ reference', f['nonstream.c64.gateway.reqPerSec'] / f['nonstream.c64.reference.reqPerSec'], '>=', 0.7),
    t('pass-through CPU per request c=64, gateway ÷ reference', f['nonstream.c64.gateway.cpuUsPerReq'] / f['nonstream.c64.reference.cpuUsPerReq'], '<=', 1.5),
    t('added p50 at c=1 over reference (ms)', f['latencyC1.gateway.p50Ms'] - f['latencyC1.reference.p50Ms'], '<=', 0.2),
    t('stream first-byte overhead over direct (ms)', f['stream.gateway.firstByteMs'] - f['stream.direct.firstByteMs'], '<=', 1),
    t('stream not buffered: reads per upstream chunk', f['stream.gateway.readsPerChunk'], '>=', 0.9),
    t('stream not buffered: arrival spread ÷ upstream spread', f['stream.gateway.spreadRatio'], '>=', 0.9),
    t('Anthropic in → OpenAI upstream c=64, ÷ reference pass-through', f['routes.gw-anthropic-to-openai.c64.reqPerSec'] / f['routes.ref-openai.c64.reqPerSec'], '>=', 0.5),
    t('OpenAI in → Anthropic upstream c=64, ÷ reference pass-through', f['routes.gw-openai-to-anthropic.c64.reqPerSec'] / f['routes.ref-anthropic.c64.reqPerSec'], '>=', 0.5),
    t(`${n} streams: completed ÷ started`, f[`streams${n}.gateway.completed`] / n, '>=', 1),
    t(`${n} streams: first-byte p99, gateway ÷ reference`, f[`streams${n}.gateway.firstByteP99Ms`] / f[`streams${n}.reference.firstByteP99Ms`], '<=', 2),
    t(`${n} streams: peak RSS, gateway ÷ reference`, f[`streams${n}.gateway.peakRssMb`] / f[`streams${n}.reference.peakRssMb`], '<=', 1.5),
    t('idle RSS (MB)', f['startup.gateway.idleRssMb'], '<=', 80),
    t('start to first /health (ms)', f['startup.gateway.startMs'], '<=', 400),
  ];
}

const num = (v, digits = 1) => (v === undefined || v === null || Number.isNaN(v) ? '-' : Math.abs(v) >= 1000 ? v.toFixed(0) : v.toFixed(digits));

/** The printed table: one row per figure, with gateway ÷ reference and gateway − direct. */
export function table(f, opts) {
  const rows = [['figure', 'direct', 'reference', 'gateway', 'gw÷ref', 'gw−direct']];
  const row = (label, key, digits = 1, { ratio = true, diff = true } = {}) => {
    const d = f[key.replace('$', 'direct')];
    const r = f[key.replace('$', 'reference')];
    const g = f[key.replace('$', 'gateway')];
    rows.push([label, num(d, digits), num(r, digits), num(g, digits), ratio ? num(g / r, 2) : '', diff && d !== undefined ? num(g - d, digits + 1) : '']);
  };
  const section = (title) => rows.push([`— ${title}`, '', '', '', '', '']);
  section('non-streaming pass-through (OpenAI chat), autocannon');
  for (const c of opts.concurrencies) {
    row(`c=${c} req/s`, `nonstream.c${c}.$.reqPerSec`, 0, { diff: false });
    row(`c=${c} p50 ms`, `nonstream.c${c}.$.p50Ms`, 0);
    row(`c=${c} p99 ms`, `nonstream.c${c}.$.p99Ms`, 0);
    row(`c=${c} CPU µs/req (direct: upstream)`, `nonstream.c${c}.$.cpuUsPerReq`, 0, { diff: false });
  }
  section('c=1 sequential, own client (µs timer)');
  row('c=1 p50 ms', 'latencyC1.$.p50Ms', 3);
  row('c=1 p99 ms', 'latencyC1.$.p99Ms', 3);
  section(`streaming ${opts.chunks} chunks × ${opts.delayMs} ms`);
  row('first byte ms (p50)', 'stream.$.firstByteMs', 2);
  row('last byte ms (p50)', 'stream.$.lastByteMs', 1);
  row('reads per upstream chunk', 'stream.$.readsPerChunk', 2, { diff: false });
  row('arrival spread ÷ upstream spread', 'stream.$.spreadRatio', 2, { diff: false });
  section('routes (reference = bare pass-through to the same upstream protocol)');
  const routeRow = (label, refName, gwName) => {
    for (const [what, key, digits] of [['c=64 req/s', 'c64.reqPerSec', 0], ['c=64 CPU µs/req', 'c64.cpuUsPerReq', 0], ['stream first byte ms', 'stream.firstByteMs', 2], ['stream reads/chunk', 'stream.readsPerChunk', 2]]) {
      const r = f[`routes.${refName}.${key}`];
      const g = f[`routes.${gwName}.${key}`];
      rows.push([`${label} ${what}`, '', num(r, digits), num(g, digits), num(g / r, 2), '']);
    }
  };
  routeRow('OpenAI identity', 'ref-openai', 'gw-openai');
  routeRow('Anthropic identity', 'ref-anthropic', 'gw-anthropic');
  routeRow('Anthropic→OpenAI', 'ref-openai', 'gw-anthropic-to-openai');
  routeRow('OpenAI→Anthropic', 'ref-anthropic', 'gw-openai-to-anthropic');
  section(`${opts.manyCount} concurrent streams of ${(opts.manyChunks * opts.manyDelayMs / 1000).toFixed(1)} s`);
  row('completed', `streams${opts.manyCount}.$.completed`, 0, { ratio: false, diff: false });
  row('first byte p50 ms', `streams${opts.manyCount}.$.firstByteP50Ms`, 1);
  row('first byte p99 ms', `streams${opts.manyCount}.$.firstByteP99Ms`, 1);
  row('peak RSS MB', `streams${opts.manyCount}.$.peakRssMb`, 0, { diff: false });
  section('start-up and bundles');
  row('start → first response/health ms', 'startup.$.startMs', 0, { diff: false });
  row('idle RSS MB', 'startup.$.idleRssMb', 1, { diff: false });
  for (const k of Object.keys(f).filter((k) => k.startsWith('bundle.') && k.endsWith('.kb'))) rows.push([k.slice(7, -3) + ' KiB', '', '', num(f[k], 0), '', '']);
  rows.push(['extension bundle load ms (no VS Code)', '', '', num(f['bundle.extensionLoadMs'], 0), '', '']);
  rows.push(['CLI bundle load ms', '', '', num(f['bundle.cliLoadMs'], 0), '', '']);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ')).join('\n');
}

/** The targets as printed lines. */
export function targetLines(list) {
  return list.map((t) => `${t.pass ? 'PASS' : 'FAIL'}  ${t.name}: ${num(t.value, 3)} (target ${t.op} ${t.limit})`).join('\n');
}
