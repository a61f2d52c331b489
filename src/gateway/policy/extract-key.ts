/** Where a gateway key is read from a request, covering every client's habit. */

/** Request headers as Node gives them (lower-case names). */
export type HeaderBag = Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  const v = headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  const t = s?.trim();
  return t ? t : undefined;
}

const BEARER = /^bearer\s+(.+)$/i;

/** The token of a trimmed `Bearer <token>` value, or undefined. */
function bearerToken(auth: string): string | undefined {
  // The usual `Bearer <token>` without the regex: when the token starts with a visible ASCII character and no line
  // break follows (`.` stops at those), the regex would capture exactly the rest, already trimmed.
  if (auth.startsWith('Bearer ')) {
    const c = auth.charCodeAt(7);
    if (c > 32 && c < 127 && auth.indexOf('\n') < 0 && auth.indexOf('\r') < 0 &&
        auth.indexOf('\u2028') < 0 && auth.indexOf('\u2029') < 0) return auth.slice(7);
  }
  const m = BEARER.exec(auth);
  const t = m?.[1]!.trim();
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
    const token = bearerToken(auth);
    if (token) return token;
  }
  const fromHeader = header(headers, 'x-api-key') ?? header(headers, 'x-goog-api-key');
  if (fromHeader) return fromHeader;
  if (query === undefined) return undefined;
  const params = typeof query === 'string' ? new URLSearchParams(query.startsWith('?') ? query.slice(1) : query) : query;
  const k = params.get('key')?.trim();
  return k ? k : undefined;
}
