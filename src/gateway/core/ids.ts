/** Id generation for responses and tool calls. */
import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random base62 string of `length` characters. */
export function randomBase62(length: number): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  for (let i = 0; out.length < length && i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 248) out += ALPHABET[b % 62]; // 248 = 4 * 62: rejects bytes that would bias the distribution
  }
  return out.length === length ? out : out + randomBase62(length - out.length);
}

/** An id with a protocol-style prefix, e.g. `chatcmpl-…`, `msg_…`, `call_…`. */
export function generateId(prefix: string, length = 24): string {
  return prefix + randomBase62(length);
}
