/** Gateway keys: creation, lookup and persistence in `<dataDir>/keys.json` (hashes only, never the keys). */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GatewayError, invalidRequest } from '../core/errors';
import { randomBase62, secretBase62 } from '../core/ids';
import { systemClock, type Clock } from '../ports';
import { atomicTempPath, readFileIfExists, writeFileAtomic, writeFileAtomicAsync } from './atomic-file';
import type { GatewayKeyLimits, GatewayKeyRecord, GatewayKeyStatus } from './types';

/** Every gateway key starts with this; it lets secret scanners and our own logs recognise them. */
export const KEY_PREFIX = 'sb-';
const KEY_RANDOM_LENGTH = 40;
/** How often keys.json is stat'ed to notice changes made by another process (by the watch timer, else by lookups). */
const RELOAD_CHECK_MS = 1000;
/** While watched, how often a lookup of an unknown key may re-read keys.json at once (a key the CLI just made). */
const MISS_CHECK_MS = 100;
/** How often the last-use times are written back; they are informational and not worth a write per request. */
const LAST_USED_FLUSH_MS = 60_000;
/**
 * The timer writes last-use times off the event loop this long before `authenticate` would write them
 * synchronously, so that fallback (for a loop too busy to run timers, or a hand-driven clock) stays idle.
 */
const LAST_USED_TIMER_LEAD_MS = 2_000;

/** Options of `KeyStore.create`. */
export interface CreateKeyOptions extends GatewayKeyLimits {
  name: string;
  /** Epoch ms. */
  expiresAt?: number;
}

/** A change to a key; `null` removes a limit or the expiry. */
export type KeyPatch = { name?: string; status?: GatewayKeyStatus } & {
  [K in keyof GatewayKeyLimits | 'expiresAt']?: (K extends keyof GatewayKeyLimits ? GatewayKeyLimits[K] : number) | null;
};

interface StoredKey extends GatewayKeyRecord {
  /** Hex sha256 of the whole key. */
  hash: string;
}

interface KeysFile {
  version: 1;
  keys: StoredKey[];
}

const NUMERIC_LIMITS = ['rpm', 'rpd', 'concurrency', 'quotaTokens', 'quotaTokensPerDay', 'maxTokens'] as const;

// crypto.hash (Node >= 20.12) skips the Hash object; VS Code's older Electron Node may lack it. Read once: in the
// bundle every `crypto.x` read is a getter call.
const oneShotHash: typeof crypto.hash | undefined = crypto.hash;

/**
 * sha256 suffices here: a key carries 40 base62 characters (~238 bits) of randomness, so a leaked hash cannot be
 * brute-forced. Slow password hashes (scrypt, argon2) exist for low-entropy secrets and would cost every request.
 */
function hashKeyHex(plaintext: string): string {
  return oneShotHash !== undefined
    ? oneShotHash('sha256', plaintext, 'hex')
    : crypto.createHash('sha256').update(plaintext, 'utf8').digest('hex');
}

/** A stored key and its shared public record (built at the first lookup of this version of the key). */
interface KeyEntry { stored: StoredKey; record?: Readonly<GatewayKeyRecord> }

function publicRecord(k: StoredKey): GatewayKeyRecord {
  const { hash: _hash, ...rest } = k;
  return { ...rest, models: rest.models && [...rest.models], denyModels: rest.denyModels && [...rest.denyModels] };
}

/** The record `lookup` shares between requests: frozen (lists included) so no caller can change it for the others. */
function sharedRecord(k: StoredKey): Readonly<GatewayKeyRecord> {
  const r = publicRecord(k);
  if (r.models) Object.freeze(r.models);
  if (r.denyModels) Object.freeze(r.denyModels);
  return Object.freeze(r);
}

function checkLimits(limits: Record<string, unknown>): void {
  for (const f of NUMERIC_LIMITS) {
    const v = limits[f];
    if (v !== undefined && v !== null && (typeof v !== 'number' || !Number.isInteger(v) || v < 0)) {
      throw invalidRequest(`${f} must be a non-negative integer`, f);
    }
  }
  const spend = limits.quotaSpend;
  if (spend !== undefined && spend !== null && (typeof spend !== 'number' || !Number.isFinite(spend) || spend < 0)) {
    throw invalidRequest('quotaSpend must be a non-negative number', 'quotaSpend');
  }
  for (const f of ['models', 'denyModels'] as const) {
    const v = limits[f];
    if (v !== undefined && v !== null && (!Array.isArray(v) || v.some((g) => typeof g !== 'string'))) {
      throw invalidRequest(`${f} must be a list of globs`, f);
    }
  }
  const exp = limits.expiresAt;
  if (exp !== undefined && exp !== null && (typeof exp !== 'number' || !Number.isFinite(exp))) {
    throw invalidRequest('expiresAt must be a time', 'expiresAt');
  }
}

function parseKeysFile(text: string, file: string): KeysFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new GatewayError('internal', `${file} is not valid JSON (${(e as Error).message}); fix or remove it`);
  }
  const keys = typeof data === 'object' && data !== null ? (data as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(keys)) throw new GatewayError('internal', `${file} has no "keys" list; fix or remove it`);
  const valid = keys.filter((k): k is StoredKey =>
    typeof k === 'object' && k !== null && typeof (k as StoredKey).id === 'string' &&
    typeof (k as StoredKey).hash === 'string' && /^[0-9a-f]{64}$/.test((k as StoredKey).hash));
  return { version: 1, keys: valid };
}

/** The gateway key store of one data folder. Several processes may share the folder (a server and the CLI). */
export class KeyStore {
  readonly file: string;
  private keys: StoredKey[] = [];
  private byHash = new Map<string, KeyEntry>();
  private signature = '';
  private lastCheck = -Infinity;
  /** The watch timer (`watch()`), how many watch it, and whether its last stat saw keys.json change. */
  private watchTimer: NodeJS.Timeout | undefined;
  private watchers = 0;
  private changed = false;
  private lastMissCheck = -Infinity;
  private readonly lastUsed = new Map<string, number>();
  private lastUsedFlush: number;
  private lastUsedTimer: NodeJS.Timeout | undefined;
  /** The asynchronous last-use write in flight, and its temp file (removed by close). */
  private lastUsedWriting: Promise<void> | undefined;
  private lastUsedTmp: string | undefined;
  /** Bumped by every synchronous write: an asynchronous write begun earlier must not replace it. */
  private generation = 0;

  constructor(readonly dataDir: string, private readonly clock: Clock = systemClock) {
    this.file = path.join(dataDir, 'keys.json');
    this.lastUsedFlush = clock.now();
    this.reload();
  }

  /** Re-reads keys.json when it changed on disk since the last read. Throws when the file is corrupt. */
  reload(): void {
    const sig = this.statSignature();
    if (sig === this.signature) return;
    const text = readFileIfExists(this.file);
    const data = text === undefined ? { version: 1 as const, keys: [] } : parseKeysFile(text, this.file);
    this.setKeys(data.keys);
    this.signature = sig;
  }

  /** Creates a key; the plaintext is returned here and only here. */
  create(opts: CreateKeyOptions): { key: string; record: GatewayKeyRecord } {
    checkLimits(opts as unknown as Record<string, unknown>);
    const name = opts.name.trim();
    if (!name) throw invalidRequest('a key needs a name', 'name');
    return this.mutate((keys) => {
      if (keys.some((k) => k.name === name)) throw invalidRequest(`a key named "${name}" already exists`, 'name');
      const key = KEY_PREFIX + secretBase62(KEY_RANDOM_LENGTH);
      const stored: StoredKey = {
        ...stripUndefined({ ...opts }), id: 'key_' + randomBase62(16), name, status: 'active',
        createdAt: this.clock.now(), hint: key.slice(-4), hash: hashKeyHex(key),
      };
      keys.push(stored);
      return { key, record: publicRecord(stored) };
    });
  }

  /** All keys, oldest first, without hashes. */
  list(): GatewayKeyRecord[] {
    this.reload();
    return this.keys.map((k) => this.withLastUsed(publicRecord(k)));
  }

  /** One key by id. */
  get(id: string): GatewayKeyRecord | undefined {
    this.reload();
    const k = this.keys.find((x) => x.id === id);
    return k && this.withLastUsed(publicRecord(k));
  }

  /** A key by id, else by name. */
  find(idOrName: string): GatewayKeyRecord | undefined {
    this.reload();
    const k = this.keys.find((x) => x.id === idOrName) ?? this.keys.find((x) => x.name === idOrName);
    return k && this.withLastUsed(publicRecord(k));
  }

  /** Changes a key's name, status, limits or expiry. */
  update(id: string, patch: KeyPatch): GatewayKeyRecord {
    checkLimits(patch as Record<string, unknown>);
    return this.mutate((keys) => {
      const k = keys.find((x) => x.id === id);
      if (!k) throw new GatewayError('not_found', `no gateway key with id ${id}`, { code: 'key_not_found' });
      if (patch.name !== undefined) {
        const name = patch.name.trim();
        if (!name) throw invalidRequest('a key needs a name', 'name');
        if (keys.some((x) => x !== k && x.name === name)) throw invalidRequest(`a key named "${name}" already exists`, 'name');
      }
      const target = k as unknown as Record<string, unknown>;
      for (const [f, v] of Object.entries(patch)) {
        if (f === 'id' || f === 'hash' || f === 'hint' || f === 'createdAt') continue;
        if (v === null) delete target[f];
        else if (v !== undefined) target[f] = typeof v === 'string' ? v.trim() : v;
      }
      return publicRecord(k);
    });
  }

  /** Refuses the key from now on (keeps it listed). */
  disable(id: string): GatewayKeyRecord { return this.update(id, { status: 'disabled' }); }

  /** Accepts a disabled key again. */
  enable(id: string): GatewayKeyRecord { return this.update(id, { status: 'active' }); }

  /** Removes a key for good; false when there was none. */
  delete(id: string): boolean {
    return this.mutate((keys) => {
      const i = keys.findIndex((x) => x.id === id);
      if (i < 0) return false;
      keys.splice(i, 1);
      return true;
    });
  }

  /**
   * The record of the key `plaintext`, whatever its status (the policy decides what a disabled or expired key
   * means), or undefined when no key matches. Notices keys created by another process within a second.
   * Each call returns a fresh copy that includes this process's latest use; the request path uses `lookup`.
   */
  authenticate(plaintext: string): GatewayKeyRecord | undefined {
    const r = this.lookup(plaintext);
    if (!r) return undefined;
    return this.withLastUsed({ ...r, models: r.models && [...r.models], denyModels: r.denyModels && [...r.denyModels] });
  }

  /**
   * `authenticate` without the copy, for the per-request path: the key's shared record, frozen. A change to the
   * key (here or on disk) gives a new record object, so callers may cache what they derive from it by identity.
   * Its `lastUsedAt` is the one last read from keys.json; this process's newer uses show in `get`/`list`.
   */
  lookup(plaintext: string): Readonly<GatewayKeyRecord> | undefined {
    const now = this.clock.now();
    if (this.watchTimer === undefined ? now - this.lastCheck >= RELOAD_CHECK_MS : this.changed) {
      this.lastCheck = now;
      this.changed = false;
      this.tryReload();
    }
    if (!plaintext.startsWith(KEY_PREFIX) || plaintext.length !== KEY_PREFIX.length + KEY_RANDOM_LENGTH) return undefined;
    // Looked up by digest: how long the lookup takes depends on the digest only, and the digest tells nothing about
    // the key (sha256 is preimage resistant), so this is as safe as a constant-time comparison of the keys.
    const digest = hashKeyHex(plaintext);
    let e = this.byHash.get(digest);
    if (e === undefined && this.watchTimer !== undefined && now - this.lastMissCheck >= MISS_CHECK_MS) {
      // A key another process created since the last tick works at once, without waiting for the timer.
      this.lastMissCheck = now;
      this.tryReload();
      e = this.byHash.get(digest);
    }
    if (e === undefined) return undefined;
    const k = e.stored;
    this.lastUsed.set(k.id, now);
    if (now - this.lastUsedFlush >= LAST_USED_FLUSH_MS) this.flushLastUsed();
    else this.scheduleLastUsed();
    return e.record ??= sharedRecord(k);
  }

  /**
   * Notices other processes' changes to keys.json off the request path: an asynchronous stat every second on an
   * unref'd timer, the file re-read by the next lookup only when it changed. Unwatched (the CLI, tests driving a
   * clock by hand), lookups stat the file themselves at most once a second, which measured ~60 µs on the first
   * request after an idle second. Returns the function that stops this watch.
   */
  watch(): () => void {
    this.watchers++;
    if (this.watchTimer === undefined) {
      this.watchTimer = setInterval(() => {
        fs.stat(this.file, (err, st) => { if (signatureOf(err ? undefined : st) !== this.signature) this.changed = true; });
      }, RELOAD_CHECK_MS);
      this.watchTimer.unref();
    }
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      // close() may have stopped every watch already.
      if (this.watchers > 0 && --this.watchers === 0 && this.watchTimer) { clearInterval(this.watchTimer); this.watchTimer = undefined; }
    };
  }

  private tryReload(): void {
    try { this.reload(); } catch { /* keep the last good keys while another writer fixes the file */ }
  }

  /** Creates a key named "default" on first start (no keys.json yet); returns its plaintext only then. */
  ensureDefaultKey(): string | undefined {
    this.reload();
    if (fs.existsSync(this.file)) return undefined;
    return this.create({ name: 'default' }).key;
  }

  /** Writes pending last-use times. Call on shutdown. */
  close(): void {
    if (this.watchTimer) { clearInterval(this.watchTimer); this.watchTimer = undefined; this.watchers = 0; }
    this.flushLastUsed();
    // The process may exit before a superseded asynchronous write cleans up after itself.
    if (this.lastUsedTmp !== undefined) { try { fs.unlinkSync(this.lastUsedTmp); } catch { /* not created or gone */ } }
  }

  /** Arms the timer that writes last-use times off the event loop, shortly before they would be due. */
  private scheduleLastUsed(): void {
    if (this.lastUsedTimer || this.lastUsedWriting) return;
    const period = LAST_USED_FLUSH_MS - LAST_USED_TIMER_LEAD_MS;
    // Clamped: a clock set back must not push the write out (or overflow setTimeout, which then fires at once).
    const delay = Math.min(period, Math.max(0, this.lastUsedFlush + period - this.clock.now()));
    this.lastUsedTimer = setTimeout(() => {
      this.lastUsedTimer = undefined;
      const run = this.flushLastUsedAsync().catch(() => { /* informational; retried later */ });
      this.lastUsedWriting = run.finally(() => {
        this.lastUsedWriting = undefined;
        if (this.lastUsed.size > 0) this.scheduleLastUsed();
      });
    }, delay);
    this.lastUsedTimer.unref();
  }

  /**
   * Writes last-use times without blocking: fsync on the thread pool, then a synchronous rename only if no other
   * write (ours or another process's) landed meanwhile; otherwise the times stay pending for the next try.
   */
  private async flushLastUsedAsync(): Promise<void> {
    if (this.lastUsed.size === 0) return;
    this.lastUsedFlush = this.clock.now();
    this.reload();
    const sig = this.signature;
    const gen = this.generation;
    const written = new Map(this.lastUsed);
    const keys = this.keys.map((k) => ({ ...k }));
    for (const k of keys) {
      const t = written.get(k.id);
      if (t !== undefined && (k.lastUsedAt ?? 0) < t) k.lastUsedAt = t;
    }
    const file: KeysFile = { version: 1, keys };
    const tmp = atomicTempPath(this.file);
    this.lastUsedTmp = tmp;
    let renamed = false;
    try {
      renamed = await writeFileAtomicAsync(this.file, JSON.stringify(file, null, 2) + '\n',
        () => gen === this.generation && this.statSignature() === sig, tmp);
    } finally {
      if (this.lastUsedTmp === tmp) this.lastUsedTmp = undefined;
    }
    if (!renamed) return;
    // The file changed under the cached keys: the next lookup re-reads it (the overlay keeps times meanwhile).
    this.signature = '';
    for (const [id, t] of written) if (this.lastUsed.get(id) === t) this.lastUsed.delete(id);
  }

  private flushLastUsed(): void {
    if (this.lastUsedTimer) { clearTimeout(this.lastUsedTimer); this.lastUsedTimer = undefined; }
    this.lastUsedFlush = this.clock.now();
    if (this.lastUsed.size === 0) return;
    const pending = new Map(this.lastUsed);
    this.lastUsed.clear();
    try {
      this.mutate((keys) => {
        for (const k of keys) {
          const t = pending.get(k.id);
          if (t !== undefined && (k.lastUsedAt ?? 0) < t) k.lastUsedAt = t;
        }
      });
    } catch { /* informational only; a read-only data folder must not fail requests */ }
  }

  private withLastUsed(r: GatewayKeyRecord): GatewayKeyRecord {
    const t = this.lastUsed.get(r.id);
    if (t !== undefined && (r.lastUsedAt ?? 0) < t) r.lastUsedAt = t;
    return r;
  }

  /** Read-modify-write against the freshest file, so a concurrent CLI change is not overwritten. */
  private mutate<T>(fn: (keys: StoredKey[]) => T): T {
    this.signature = '';
    this.reload();
    const keys = this.keys.map((k) => ({ ...k }));
    const result = fn(keys);
    const file: KeysFile = { version: 1, keys };
    this.generation++;
    writeFileAtomic(this.file, JSON.stringify(file, null, 2) + '\n');
    this.setKeys(keys);
    this.signature = this.statSignature();
    return result;
  }

  private setKeys(keys: StoredKey[]): void {
    this.keys = keys;
    this.byHash = new Map(keys.map((k) => [k.hash, { stored: k }]));
  }

  private statSignature(): string {
    let st: fs.Stats | undefined;
    try { st = fs.statSync(this.file); } catch { /* missing */ }
    return signatureOf(st);
  }
}

/** What identifies one version of keys.json on disk. */
function signatureOf(st: fs.Stats | undefined): string {
  return st ? `${st.ino}:${st.size}:${st.mtimeMs}` : 'missing';
}

function stripUndefined<T extends object>(o: T): T {
  for (const [k, v] of Object.entries(o)) if (v === undefined) delete (o as Record<string, unknown>)[k];
  return o;
}
