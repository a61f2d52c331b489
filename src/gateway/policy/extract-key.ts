/** Where a gateway key is read from a request, covering every client's habit. */

/** Request headers as Node gives them (lower-case names). */
export type HeaderBag = Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  const v = headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  const t = s?.trim();
  return t ? t : undefined;
}

/**
 * The gateway key of a request, first present wins: `Authorization: Bearer …` (OpenAI SDKs, Codex, Kilo),
 * `x-api-key` (Anthropic), `x-goog-api-key` (Gemini), then the `?key=` query parameter (Gemini REST).
 * `query` is the raw query string (with or without `?`) or parsed params.
 */
export function extractKey(headers: HeaderBag, query?: string | URLSearchParams): string | undefined {
  const auth = header(headers, 'authorization');
  if (auth) {
    const m = /^bearer\s+(.+)$/i.exec(auth);
    if (m && m[1]!.trim()) return m[1]!.trim();
  }
  const fromHeader = header(headers, 'x-api-key') ?? header(headers, 'x-goog-api-key');
  if (fromHeader) return fromHeader;
  if (query === undefined) return undefined;
  const params = typeof query === 'string' ? new URLSearchParams(query.startsWith('?') ? query.slice(1) : query) : query;
  const k = params.get('key')?.trim();
  return k ? k : undefined;
}
