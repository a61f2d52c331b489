/**
 * Usage accounting: aggregates per key × model × local day, per-key totals (for quotas), a bounded recent log.
 * Durability: each record is appended to `usage.log` when it is recorded, in one synchronous write (the server
 * records a JSON answer before writing it, so a client never sees an answer whose record a kill -9 could lose; a kill
 * -9 loses only requests still in flight). Batching the lines of an event-loop turn into one write was measured at
 * ~1 µs per request and dropped: it lost records of answers clients had already received. A failed write never
 * throws (it is reported once through `writeFailed`); the record stays counted in memory and reaches the next
 * usage.json. `usage.json` is rewritten atomically at most once per `flushDelayMs` (30 s), sooner once the journal
 * holds `compactAfterLines` records (which bounds the replay at start-up), and on close; the journal is then cut down
 * to the records the new usage.json lacks. Why not more often: a rewrite (serialize, write, two fsyncs, renames) cost
 * ~7 ms of CPU on the bench machine, and every second it ran while requests flowed it also stalled them; the journal
 * already makes each record durable, so a fresher usage.json buys nothing. Journal lines carry a
 * sequence number and usage.json the last one it includes, so a crash between the two steps never counts a record
 * twice.
 *
 * The timed rewrite runs off the event loop (write and fsync on the thread pool, one at a time); records that
 * arrive meanwhile are kept in the journal. `flush()`/`close()` stay synchronous for shutdown and supersede a
 * write still in flight.
 */
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { systemClock, type Clock } from '../ports';
import { atomicTempPath, ensurePrivateDir, readFileIfExists, writeFileAtomic, writeFileAtomicAsync } from '../policy/atomic-file';
import type { UsageRecord } from '../policy/types';
import { lastLocalDays, localDay } from './local-day';
import { addTotals, emptyTotals, totalsOf, type PriceLookup, type UsageTotals } from './totals';

/** Options of a usage store. */
export interface UsageStoreOptions {
  dataDir: string;
  clock?: Clock;
  /** Prices for costs; without it costs stay 0. */
  prices?: PriceLookup;
  /** Debounce of usage.json rewrites in ms (default 30,000); 0 disables the timer (`compactAfterLines` still applies). */
  flushDelayMs?: number;
  /** Journal records after which usage.json is rewritten without waiting for the debounce (default 5,000). */
  compactAfterLines?: number;
  /** Records kept in the recent log (default 500). */
  recentLimit?: number;
  /** Local days of aggregates kept (default 400). */
  retainDays?: number;
  /** Reads state without writing anything (the `usage` CLI next to a running server). */
  readOnly?: boolean;
}

/** Usage of one gateway key. */
export interface KeyUsage {
  keyId: string;
  keyName?: string;
  total: UsageTotals;
  today: UsageTotals;
  /** Per local day. */
  days: Record<string, UsageTotals>;
  /** Per requested model over the retained days. */
  models: Record<string, UsageTotals>;
}

/** Usage over a span of local days. */
export interface UsageSummary {
  days: string[];
  totals: UsageTotals;
  byDay: Record<string, UsageTotals>;
  byModel: Record<string, UsageTotals>;
  /** Per key id; requests without a key are under `-`. */
  byKey: Record<string, UsageTotals>;
  /** Per key id, then model, then day: the table the CLI prints. */
  rows: Array<{ keyId: string; keyName?: string; model: string; day: string; totals: UsageTotals }>;
}

/** Key id under which requests without a gateway key are aggregated. */
export const ANONYMOUS_KEY = '-';

const { O_WRONLY, O_CREAT, O_TRUNC, O_APPEND } = fs.constants;
/** Flags of a fresh journal: created or emptied, then only appended to. */
const APPEND_NEW = O_WRONLY | O_CREAT | O_TRUNC | O_APPEND;
const ZERO_TOTALS: Readonly<UsageTotals> = Object.freeze(emptyTotals());
const newDay = (): Record<string, Record<string, UsageTotals>> => ({});
const newKeyModels = (): Record<string, UsageTotals> => ({});

const JOURNAL_PREFIX = '{"seq":';
const JOURNAL_R = ',"r":';

/** Strings JSON writes as they are: no quote, backslash, control character or (possibly lone) surrogate. */
const PLAIN_STRING = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/** The JSON text of a record field: as `JSON.stringify(v)`, with plain strings and finite numbers done inline. */
function json(v: unknown): string {
  if (typeof v === 'string') return PLAIN_STRING.test(v) ? `"${v}"` : JSON.stringify(v);
  if (typeof v === 'number') return Number.isFinite(v) ? `${v}` : 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return JSON.stringify(v) ?? 'null';
}

/** The fields `journalLine` writes. A field added to UsageRecord but not here fails to compile below. */
type Journaled = 'time' | 'requestId' | 'endpoint' | 'protocol' | 'keyId' | 'keyName' | 'model' | 'mappedModel'
  | 'provider' | 'upstreamKey' | 'status' | 'errorCode' | 'inputTokens' | 'outputTokens' | 'cachedTokens' | 'latencyMs'
  | 'ttftMs' | 'stream';
type NoneMissing<T extends never> = T;
type CheckJournaled = NoneMissing<Exclude<keyof UsageRecord, Journaled>>;

/**
 * The journal line of record `r`: the text of `JSON.stringify({ seq, r }) + '\n'` (same format, so any reader of
 * the journal reads it), written field by field because the generic stringify was a large part of record()'s cost.
 */
export function journalLine(seq: number, r: UsageRecord): string {
  let s = `{"seq":${seq},"r":{"time":${json(r.time)},"requestId":${json(r.requestId)},"endpoint":${json(r.endpoint)},"protocol":${json(r.protocol)}`;
  if (r.keyId !== undefined) s += `,"keyId":${json(r.keyId)}`;
  if (r.keyName !== undefined) s += `,"keyName":${json(r.keyName)}`;
  s += `,"model":${json(r.model)}`;
  if (r.mappedModel !== undefined) s += `,"mappedModel":${json(r.mappedModel)}`;
  if (r.provider !== undefined) s += `,"provider":${json(r.provider)}`;
  if (r.upstreamKey !== undefined) s += `,"upstreamKey":${json(r.upstreamKey)}`;
  s += `,"status":${json(r.status)}`;
  if (r.errorCode !== undefined) s += `,"errorCode":${json(r.errorCode)}`;
  s += `,"inputTokens":${json(r.inputTokens)},"outputTokens":${json(r.outputTokens)},"cachedTokens":${json(r.cachedTokens)},"latencyMs":${json(r.latencyMs)}`;
  if (r.ttftMs !== undefined) s += `,"ttftMs":${json(r.ttftMs)}`;
  return s + `,"stream":${json(r.stream)}}}\n`;
}

interface KeyState { name?: string; total: UsageTotals; days: Record<string, UsageTotals> }

interface UsageState {
  version: 1;
  /** Sequence number of the last journal line folded into this state. */
  seq: number;
  /** day → key id → requested model → totals. */
  days: Record<string, Record<string, Record<string, UsageTotals>>>;
  keys: Record<string, KeyState>;
  recent: UsageRecord[];
}

function emptyState(): UsageState {
  return { version: 1, seq: 0, days: {}, keys: {}, recent: [] };
}

function parseState(text: string | undefined): UsageState {
  if (text === undefined) return emptyState();
  try {
    const s = JSON.parse(text) as Partial<UsageState>;
    if (typeof s !== 'object' || s === null || typeof s.days !== 'object' || typeof s.keys !== 'object') return emptyState();
    return { version: 1, seq: typeof s.seq === 'number' ? s.seq : 0, days: s.days ?? {}, keys: s.keys ?? {},
      recent: Array.isArray(s.recent) ? s.recent : [] };
  } catch {
    // A corrupt summary must not stop the gateway; it is only accounting. The journal still replays.
    return emptyState();
  }
}

function bucket<T>(o: Record<string, T>, k: string, make: () => T): T {
  let v = o[k];
  if (v === undefined) { v = make(); o[k] = v; }
  return v;
}

/** Records and aggregates usage for one data folder. Emits `record` for each recorded request. */
export class UsageStore extends EventEmitter<{ record: [UsageRecord]; writeFailed: [Error] }> {
  readonly file: string;
  readonly journalFile: string;
  private state: UsageState;
  private fd: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Immediate | undefined;
  private readonly clock: Clock;
  private readonly flushDelayMs: number;
  private readonly compactAfterLines: number;
  /** Lines in the journal (usage.log) now: start-up reads them all. */
  private journalLines = 0;
  /** The journal length that starts a compaction; raised past a compaction that failed, so none repeats at once. */
  private compactAt: number;
  private readonly recentLimit: number;
  private readonly retainDays: number;
  private closed = false;
  /** Bumped by every synchronous flush and by close: an asynchronous write begun earlier must not commit. */
  private generation = 0;
  /** The asynchronous write in flight, and the one queued behind it. */
  private writing: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  /** Temp file of the write in flight (removed by close, since the process may exit before the write ends). */
  private writingTmp: string | undefined;
  /** Journal lines appended since the in-flight write took its snapshot (they must survive its truncation). */
  private tail: string[] | undefined;
  /** Whether anything was recorded since the last snapshot. */
  private dirty = false;
  /** A journal write failed, maybe halfway through a line: the next write starts on a fresh line. */
  private torn = false;
  /**
   * The JSON text of recorded requests, taken from their journal lines: stringifying the 500-record recent log for
   * each usage.json rewrite blocked the event loop for ~0.5 ms.
   */
  private readonly recordJson = new WeakMap<UsageRecord, string>();

  constructor(private readonly opts: UsageStoreOptions) {
    super();
    this.clock = opts.clock ?? systemClock;
    this.flushDelayMs = opts.flushDelayMs ?? 30_000;
    this.compactAfterLines = Math.max(1, opts.compactAfterLines ?? 5000);
    this.compactAt = this.compactAfterLines;
    this.recentLimit = opts.recentLimit ?? 500;
    this.retainDays = opts.retainDays ?? 400;
    this.file = path.join(opts.dataDir, 'usage.json');
    this.journalFile = path.join(opts.dataDir, 'usage.log');
    this.state = parseState(readFileIfExists(this.file));
    const journal = readFileIfExists(this.journalFile) ?? '';
    const replayed = this.replayJournal(journal);
    // Every line counts for the next start-up, also those usage.json already holds (a crash before the cut).
    for (let i = journal.indexOf('\n'); i !== -1; i = journal.indexOf('\n', i + 1)) this.journalLines++;
    if (!opts.readOnly) {
      ensurePrivateDir(opts.dataDir);
      this.fd = fs.openSync(this.journalFile, 'a', 0o600);
      // End a line torn by a crash so the next record does not glue onto it.
      if (journal.length > 0 && !journal.endsWith('\n')) fs.writeSync(this.fd, '\n');
      if (replayed > 0) { this.dirty = true; this.scheduleFlush(); }
    }
  }

  /** Accounts one finished request. */
  record(rec: UsageRecord): void {
    if (this.closed) throw new Error('usage store is closed');
    const seq = this.state.seq + 1;
    if (this.fd !== undefined) {
      const line = journalLine(seq, rec);
      this.append(line);
      // The line is `{"seq":N,"r":` + the record's JSON + `}\n`.
      this.recordJson.set(rec, line.slice(JOURNAL_PREFIX.length + String(seq).length + JOURNAL_R.length, -2));
      this.tail?.push(line);
      this.dirty = true;
      this.journalLines++;
    }
    this.apply(rec, seq);
    this.scheduleFlush();
    this.emit('record', rec);
  }

  /** Totals over the key's whole life (the basis of total quotas). */
  keyTotal(keyId: string): UsageTotals {
    return { ...(this.state.keys[keyId]?.total ?? emptyTotals()) };
  }

  /** Totals of the key on local day `day` (`YYYY-MM-DD`). */
  keyDay(keyId: string, day: string): UsageTotals {
    return { ...(this.state.keys[keyId]?.days[day] ?? emptyTotals()) };
  }

  /** `keyTotal` without the copy, for the per-request quota checks. Live: read it, do not keep it. */
  keyTotalView(keyId: string): Readonly<UsageTotals> {
    return this.state.keys[keyId]?.total ?? ZERO_TOTALS;
  }

  /** `keyDay` without the copy. Live: read it, do not keep it. */
  keyDayView(keyId: string, day: string): Readonly<UsageTotals> {
    return this.state.keys[keyId]?.days[day] ?? ZERO_TOTALS;
  }

  /** Usage of the last `days` local days (default 7), today included. */
  summary(opts: { days?: number } = {}): UsageSummary {
    const days = lastLocalDays(this.clock.now(), opts.days ?? 7);
    const out: UsageSummary = { days, totals: emptyTotals(), byDay: {}, byModel: {}, byKey: {}, rows: [] };
    for (const day of days) {
      const dayTotals = emptyTotals();
      for (const [keyId, models] of Object.entries(this.state.days[day] ?? {})) {
        for (const [model, t] of Object.entries(models)) {
          addTotals(dayTotals, t);
          addTotals(bucket(out.byModel, model, emptyTotals), t);
          addTotals(bucket(out.byKey, keyId, emptyTotals), t);
          out.rows.push({ keyId, keyName: this.state.keys[keyId]?.name, model, day, totals: { ...t } });
        }
      }
      out.byDay[day] = dayTotals;
      addTotals(out.totals, dayTotals);
    }
    out.rows.sort((a, b) => a.keyId.localeCompare(b.keyId) || a.model.localeCompare(b.model) || a.day.localeCompare(b.day));
    return out;
  }

  /** The last `n` records, newest first. */
  recent(n = 50): UsageRecord[] {
    return this.state.recent.slice(-Math.max(0, n)).reverse();
  }

  /** Usage per gateway key. */
  byKey(): KeyUsage[] {
    return Object.keys(this.state.keys).sort().map((id) => this.forKey(id));
  }

  /** Usage of one gateway key. */
  forKey(keyId: string): KeyUsage {
    const k = this.state.keys[keyId];
    const models: Record<string, UsageTotals> = {};
    for (const perKey of Object.values(this.state.days)) {
      for (const [model, t] of Object.entries(perKey[keyId] ?? {})) addTotals(bucket(models, model, emptyTotals), t);
    }
    const days: Record<string, UsageTotals> = {};
    for (const [d, t] of Object.entries(k?.days ?? {})) days[d] = { ...t };
    return {
      keyId, keyName: k?.name, total: { ...(k?.total ?? emptyTotals()) },
      today: { ...(k?.days[localDay(this.clock.now())] ?? emptyTotals()) }, days, models,
    };
  }

  /** Writes usage.json now and empties the journal (synchronously: for shutdown, tests and the CLI). */
  flush(): void {
    this.cancelScheduled();
    if (this.opts.readOnly || this.fd === undefined) return;
    this.generation++; // a write still in flight holds an older snapshot
    this.tail = undefined;
    this.prune();
    writeFileAtomic(this.file, this.serializeState());
    this.dirty = false;
    // Every journal line is now in usage.json (seq proves it), so the journal can start over.
    fs.ftruncateSync(this.fd, 0);
    this.setJournalLines(0);
  }

  /**
   * Writes usage.json without blocking the event loop, then drops the journal lines it covers. Resolves once
   * everything recorded before the call is in usage.json (or was superseded by a synchronous flush/close).
   */
  flushAsync(): Promise<void> {
    this.cancelScheduled();
    if (this.opts.readOnly || this.fd === undefined) return Promise.resolve();
    if (this.writing) {
      // One write at a time; calls during it share a single follow-up that snapshots everything up to then.
      const next = (): Promise<void> => { this.queued = undefined; return this.flushAsync(); };
      this.queued ??= this.writing.then(next, next);
      return this.queued;
    }
    if (!this.dirty) return Promise.resolve();
    const run = this.writeSnapshot().finally(() => { this.writing = undefined; });
    this.writing = run;
    return run;
  }

  /** Flushes and releases the journal. Records after close throw. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    if (this.writingTmp !== undefined) { try { fs.unlinkSync(this.writingTmp); } catch { /* not created or gone */ } }
    if (this.fd !== undefined) { fs.closeSync(this.fd); this.fd = undefined; }
  }

  private async writeSnapshot(): Promise<void> {
    const gen = this.generation;
    this.prune();
    const text = this.serializeState();
    this.dirty = false;
    const tail: string[] = [];
    this.tail = tail;
    const current = () => gen === this.generation && this.fd !== undefined;
    let renamed = false;
    const tmp = atomicTempPath(this.file);
    this.writingTmp = tmp;
    try {
      renamed = await writeFileAtomicAsync(this.file, text, current, tmp);
    } finally {
      if (this.writingTmp === tmp) this.writingTmp = undefined;
      if (this.tail === tail) this.tail = undefined;
      if (!renamed && current()) this.dirty = true; // failed: the next timer tries again
    }
    if (renamed && current()) this.cutJournal(tail);
  }

  /**
   * Leaves only `tail` (the lines after the snapshot just written) in the journal. A non-empty tail goes through
   * a renamed temp file, so a crash at any point leaves either the old journal (its extra lines are skipped by
   * seq) or the new one: never a journal missing a record usage.json lacks.
   */
  private cutJournal(tail: string[]): void {
    const fd = this.fd!;
    if (tail.length === 0) {
      try { fs.ftruncateSync(fd, 0); this.setJournalLines(0); } catch { /* the journal replays correctly as it is; the next flush retries */ }
      return;
    }
    // The new journal is opened for appending before it replaces the old one, so `this.fd` always names usage.log.
    const tmp = `${this.journalFile}.${process.pid}.tmp`;
    let next: number | undefined;
    try {
      next = fs.openSync(tmp, APPEND_NEW, 0o600);
      fs.writeSync(next, tail.join(''));
      fs.renameSync(tmp, this.journalFile);
    } catch {
      // The old journal is intact and replays correctly; the next flush tries again.
      if (next !== undefined) { try { fs.closeSync(next); fs.unlinkSync(tmp); } catch { /* gone */ } }
      return;
    }
    this.fd = next;
    this.setJournalLines(tail.length);
    try { fs.closeSync(fd); } catch { /* already unlinked by the rename; nothing to lose */ }
  }

  /** Appends one journal line now. */
  private append(text: string): void {
    if (this.fd === undefined) return;
    const data = this.torn ? '\n' + text : text;
    try {
      // Written as a string: a Buffer.from first costs more than the write. A short write (disk full) is continued
      // rather than left as a torn line in the middle of the journal.
      const n = fs.writeSync(this.fd, data);
      if (n < Buffer.byteLength(data)) {
        const rest = Buffer.from(data);
        for (let off = n; off < rest.length;) off += fs.writeSync(this.fd, rest, off);
      }
      this.torn = false;
    } catch (e) {
      // Not thrown: accounting must not fail the request it accounts. The record stays counted in memory (and
      // `dirty`), so the next usage.json write still saves it; the gateway logs the first failure of a run (crash
      // protection is off until a write succeeds again).
      if (!this.torn && this.listenerCount('writeFailed') > 0) this.emit('writeFailed', e instanceof Error ? e : new Error(String(e)));
      this.torn = true;
    }
  }

  private apply(rec: UsageRecord, seq: number): void {
    this.state.seq = Math.max(this.state.seq, seq);
    const t = totalsOf(rec, this.opts.prices);
    const day = localDay(rec.time);
    const keyId = rec.keyId ?? ANONYMOUS_KEY;
    const perKey = bucket(bucket(this.state.days, day, newDay), keyId, newKeyModels);
    addTotals(bucket(perKey, rec.model, emptyTotals), t);
    if (rec.keyId !== undefined) {
      const ks = bucket(this.state.keys, rec.keyId, (): KeyState => ({ total: emptyTotals(), days: {} }));
      if (rec.keyName !== undefined) ks.name = rec.keyName;
      addTotals(ks.total, t);
      addTotals(bucket(ks.days, day, emptyTotals), t);
    }
    this.state.recent.push(rec);
    if (this.state.recent.length > this.recentLimit * 2) this.state.recent.splice(0, this.state.recent.length - this.recentLimit);
  }

  /** `JSON.stringify(this.state)` with the recent log assembled from the records' own JSON text. */
  private serializeState(): string {
    const { recent, ...rest } = this.state;
    let list = '';
    for (let i = 0; i < recent.length; i++) {
      const r = recent[i]!;
      list += (i ? ',' : '') + (this.recordJson.get(r) ?? JSON.stringify(r));
    }
    return `${JSON.stringify(rest).slice(0, -1)},"recent":[${list}]}`;
  }

  private prune(): void {
    if (this.state.recent.length > this.recentLimit) this.state.recent.splice(0, this.state.recent.length - this.recentLimit);
    const oldest = lastLocalDays(this.clock.now(), this.retainDays)[0] ?? '';
    for (const d of Object.keys(this.state.days)) if (d < oldest) delete this.state.days[d];
    for (const ks of Object.values(this.state.keys)) for (const d of Object.keys(ks.days)) if (d < oldest) delete ks.days[d];
  }

  private replayJournal(text: string): number {
    let n = 0;
    for (const line of text.split('\n')) {
      if (!line) continue;
      let entry: { seq?: unknown; r?: unknown };
      try { entry = JSON.parse(line) as typeof entry; } catch { continue; } // a torn last line from a crash
      if (typeof entry.seq !== 'number' || typeof entry.r !== 'object' || entry.r === null) continue;
      if (entry.seq <= this.state.seq) continue;
      this.apply(entry.r as UsageRecord, entry.seq);
      n++;
    }
    return n;
  }

  private cancelScheduled(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    if (this.soon) { clearImmediate(this.soon); this.soon = undefined; }
  }

  /** After a cut: the next compaction is due `compactAfterLines` records on. */
  private setJournalLines(n: number): void {
    this.journalLines = n;
    this.compactAt = n + this.compactAfterLines;
  }

  private scheduleFlush(): void {
    if (this.fd === undefined) return;
    // A long journal is compacted at the next turn (not in the middle of the request that recorded). Should that
    // compaction fail (a full disk), the next try waits for the timer or as many records again.
    if (this.journalLines >= this.compactAt && !this.writing && !this.soon) {
      this.cancelScheduled();
      this.compactAt = this.journalLines + this.compactAfterLines;
      this.soon = setImmediate(() => { this.soon = undefined; this.flushInBackground(); });
      this.soon.unref();
      return;
    }
    if (this.timer || this.soon || this.flushDelayMs <= 0 || !Number.isFinite(this.flushDelayMs)) return;
    this.timer = setTimeout(() => { this.timer = undefined; this.flushInBackground(); }, this.flushDelayMs);
    this.timer.unref();
  }

  private flushInBackground(): void {
    this.flushAsync().catch(() => { /* the journal still holds everything; the next flush retries */ });
  }
}
