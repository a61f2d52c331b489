/** Secret redaction for anything that leaves the process as text (logs, error messages, inspector dumps). */

// Bearer tokens and common key shapes (sk-…, sk-ant-…, AIza…, sb-…) even when we do not know them as secrets.
const KEY_SHAPES = /\b(?:Bearer\s+)?(?:sk-(?:ant-)?[A-Za-z0-9_-]{8,}|AIza[0-9A-Za-z_-]{20,}|sb-[A-Za-z0-9]{20,})/g;

/** Replaces every known secret and every key-shaped token in `text`. */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 6) out = out.split(s).join('[redacted]');
  return out.replace(KEY_SHAPES, (m) => (m.startsWith('Bearer') ? 'Bearer [redacted]' : '[redacted]'));
}

/** Redacts every string inside a JSON-like value. */
export function redactDeep(value: unknown, secrets: Iterable<string> = []): unknown {
  const list = [...secrets];
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redact(v, list);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, /^(authorization|x-api-key|x-goog-api-key|api[-_]?key|key)$/i.test(k) ? '[redacted]' : walk(x)]));
    return v;
  };
  return walk(value);
}
