/** Gateway URL shapes: clients differ on whether they want the origin or the `/v1` prefix. */

/** The gateway root without a trailing `/` or `/v1` (Claude Code appends `/v1/messages` itself). */
export function rootUrl(baseUrl: string): string {
  let u = baseUrl.trim().replace(/\/+$/, '');
  if (/\/v1$/i.test(u)) u = u.slice(0, -3);
  return u.replace(/\/+$/, '');
}

/** The OpenAI-style base URL ending in `/v1` (Codex and Kilo append `/responses`, `/chat/completions`, `/models`). */
export function v1Url(baseUrl: string): string {
  return `${rootUrl(baseUrl)}/v1`;
}

/** A POSIX shell single-quoted word (safe for any key or URL). */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A TOML basic string (JSON string escapes are a subset TOML accepts). */
export function tomlString(value: string): string {
  return JSON.stringify(value);
}
