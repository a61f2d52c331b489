/**
 * Golden-suite helpers: scenario discovery, byte re-splitting, canonical serialisation and id normalisation.
 * Layout: test/fixtures/scenarios/<scenario>/upstream.<p>.sse (hand-written raw bytes), optional request.json
 * (overrides of the canonical request the client sent), and per upstream protocol p a folder from-<p>/ holding
 * the goldens canonical.json and expected.<q>.sse for every inbound protocol q.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import assert from 'node:assert/strict';
import type { ChatRequest, ProtocolId, StreamEvent } from '../../src/gateway/core/model';
import { GatewayError } from '../../src/gateway/core/errors';
import { decodeSse } from '../../src/gateway/sse/decode';
import type { SseEvent } from '../../src/gateway/sse/types';

/** Root of the scenario folders. */
export const SCENARIO_ROOT = join(__dirname, '..', 'fixtures', 'scenarios');
/** Whether goldens are rewritten instead of compared. */
export const UPDATE = process.env.UPDATE_GOLDEN === '1';

/** One recorded upstream stream of a scenario. */
export interface Recording { scenario: string; dir: string; protocol: ProtocolId; bytes: Buffer; request: ChatRequest }

const BASE_REQUEST: ChatRequest = {
  model: 'client-model',
  messages: [{ role: 'user', parts: [{ type: 'text', text: 'Hello' }] }],
  stream: true,
};

/** Every upstream.<p>.sse under the scenario root, sorted. */
export function loadRecordings(): Recording[] {
  const out: Recording[] = [];
  for (const scenario of readdirSync(SCENARIO_ROOT).sort()) {
    const dir = join(SCENARIO_ROOT, scenario);
    const reqPath = join(dir, 'request.json');
    const overrides = existsSync(reqPath) ? (JSON.parse(readFileSync(reqPath, 'utf8')) as Partial<ChatRequest>) : {};
    for (const file of readdirSync(dir).sort()) {
      const m = /^upstream\.([a-z-]+)\.sse$/.exec(file);
      if (!m) continue;
      out.push({ scenario, dir, protocol: m[1] as ProtocolId, bytes: readFileSync(join(dir, file)), request: { ...BASE_REQUEST, ...overrides } });
    }
  }
  return out;
}

/** Splits bytes into chunks of `size` (Infinity = one chunk). */
export function splitEvery(bytes: Buffer, size: number): Uint8Array[] {
  if (!Number.isFinite(size)) return [bytes];
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

/** mulberry32: a tiny seeded PRNG so the random split is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Splits bytes at pseudo-random points (chunks of 1..64 bytes) from a fixed seed. */
export function splitRandom(bytes: Buffer, seed: number): Uint8Array[] {
  const rnd = seeded(seed);
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length;) {
    const n = 1 + Math.floor(rnd() * 64);
    out.push(bytes.subarray(i, i + n));
    i += n;
  }
  return out;
}

/** Runs the real SSE decoder over the given chunks, as a socket would deliver them. */
export async function decodeChunks(chunks: Uint8Array[]): Promise<SseEvent[]> {
  async function* source(): AsyncGenerator<Uint8Array> { for (const c of chunks) yield c; }
  const out: SseEvent[] = [];
  for await (const e of decodeSse(source())) out.push(e);
  return out;
}

/** A stream event made JSON-stable: errors become {kind, message, status, code}. */
export function serializableEvent(e: StreamEvent): unknown {
  if (e.type !== 'error') return e;
  const err: GatewayError = e.error;
  return { type: 'error', error: { kind: err.kind, message: err.message, status: err.status, code: err.code ?? null } };
}

const GENERATED = /(?<![A-Za-z0-9])(chatcmpl-|resp_|msg_|rs_|fc_|call_|gen-|toolu_)([A-Za-z0-9]{24})(?![A-Za-z0-9])/g;

/**
 * Replaces ids the gateway generated at random (prefix + 24 base62 characters, absent from the upstream bytes)
 * with numbered placeholders in order of appearance, so goldens are stable across runs.
 */
export function normalizeIds(text: string, upstream: string): string {
  const seen = new Map<string, string>();
  return text.replace(GENERATED, (id: string, prefix: string) => {
    if (upstream.includes(id)) return id;
    let name = seen.get(id);
    if (!name) { name = `${prefix}GENERATED${String(seen.size + 1).padStart(15, '0')}`; seen.set(id, name); }
    return name;
  });
}

/** Compares `actual` with the golden at `path`, or rewrites it under UPDATE_GOLDEN=1. */
export function matchGolden(path: string, actual: string): void {
  if (UPDATE) {
    mkdirSync(dirname(path), { recursive: true });
    if (!existsSync(path) || readFileSync(path, 'utf8') !== actual) writeFileSync(path, actual);
    return;
  }
  assert.ok(existsSync(path), `golden ${path} is missing; run with UPDATE_GOLDEN=1 and review the diff`);
  assert.equal(actual, readFileSync(path, 'utf8'), `golden ${path} differs (UPDATE_GOLDEN=1 rewrites it)`);
}

/** Reads a golden file (after matchGolden has made sure it exists). */
export function readGolden(path: string): string {
  return readFileSync(path, 'utf8');
}

/** Runs `fn` with Date.now fixed, so encoders that stamp `created` are deterministic. */
export function withFixedClock<T>(fn: () => T, ms = 1_760_000_000_000): T {
  const real = Date.now;
  Date.now = () => ms;
  try { return fn(); } finally { Date.now = real; }
}
