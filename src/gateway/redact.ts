/**
 * Secret redaction for anything that leaves the process as text (logs, error messages, inspector dumps): known
 * secrets by value, plus anything shaped like a key.
 */

/** What a redacted secret is replaced with. */
export const REDACTED = '[REDACTED]';

/** Known secrets shorter than this are not replaced by value (they would shred ordinary words); patterns still apply. */
const MIN_SECRET_LENGTH = 6;

/** Field names whose values are always secret, whatever they look like. */
const SECRET_FIELD = /^(authorization|proxy-authorization|x-api-key|x-goog-api-key|api[-_]?key|apikey|secret|password|token|access[-_]?token|key)$/i;

// Patterns for secrets we were not told about: bearer tokens, OpenAI/Anthropic style `sk-…`, Google `AIza…`, gateway `sb-…`,
// and header lines of the three auth headers the gateway handles.
const PATTERNS: Array<[RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi, `$1 ${REDACTED}`],
  [/\bsk-[A-Za-z0-9_-]{6,}/g, REDACTED],
  [/\bAIza[0-9A-Za-z_-]{20,}/g, REDACTED],
  // Gateway keys (src/gateway/policy/key-store.ts KEY_PREFIX).
  [/\bsb-[A-Za-z0-9]{20,}/g, REDACTED],
  [/((?:x-api-key|x-goog-api-key|authorization)["']?\s*[:=]\s*["']?)(?!(?:Bearer|Basic)\s)[^\s"',}]+/gi, `$1${REDACTED}`],
];

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replaces every known secret and every key-looking token in `text`. */
export function redactText(text: string, secrets: Iterable<string> = []): string {
  const known = [...new Set(secrets)].filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  let out = text;
  if (known.length > 0) out = out.replace(new RegExp(known.map(escapeRegExp).join('|'), 'g'), REDACTED);
  for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
  return out;
}

/** Deep-copies `value` with secret-named fields blanked and every string passed through {@link redactText}. */
export function redactValue(value: unknown, secrets: Iterable<string> = [], depth = 0): unknown {
  const list = Array.isArray(secrets) ? (secrets as string[]) : [...secrets];
  if (typeof value === 'string') return redactText(value, list);
  if (value instanceof Error) return redactText(value.stack ?? `${value.name}: ${value.message}`, list);
  if (typeof value !== 'object' || value === null) return value;
  if (depth > 8) return '[…]';
  if (Array.isArray(value)) return value.map((v) => redactValue(v, list, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_FIELD.test(k) && v !== undefined && v !== null && v !== '' ? REDACTED : redactValue(v, list, depth + 1);
  }
  return out;
}
