/** Id generation for responses and tool calls. */
import { randomBytes, randomFillSync } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

// Random bytes are drawn from a pool refilled by the CSPRNG 4 KB at a time (as crypto.randomUUID does): a
// randomBytes call per id cost several µs, about a third of a translated request. Each byte is used once.
const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafeSlow(POOL_SIZE);
let next = POOL_SIZE;

/** A random base62 string of `length` characters. */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    if (next === POOL_SIZE) { randomFillSync(pool); next = 0; }
    const b = pool[next++]!;
    if (b < 248) out += ALPHABET[b % 62]; // 248 = 4 * 62: rejects bytes that would bias the distribution
  }
  return out;
}

/**
 * A random base62 secret of `length` characters (gateway keys), from its own CSPRNG bytes, zeroed after use: a
 * secret's bytes never sit in the shared id pool.
 */
export function secretBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    const bytes = randomBytes(length * 2);
    for (let i = 0; i < bytes.length && out.length < length; i++) if (bytes[i]! < 248) out += ALPHABET[bytes[i]! % 62];
    bytes.fill(0);
  }
  return out;
}

/** An id with a protocol-style prefix, e.g. `chatcmpl-…`, `msg_…`, `call_…`. */
export function generateId(prefix: string, length = 24): string {
  return prefix + randomBase62(length);
}
