/**
 * Checks that stop web pages from using the local gateway (the gateway spends the user's provider keys, and
 * any page the user visits can send requests to 127.0.0.1). Each returns undefined when the request may pass,
 * else a 403 `forbidden_origin` GatewayError — one code for all three as the keys issue specifies, because all
 * three answer the same question ("is this a browser page attacking us?"); the messages tell them apart.
 * - Origin: browsers set it on cross-origin fetches; agents and SDKs never do. Present and not allowed → refuse.
 * - Host: DNS rebinding makes a page on attacker.example reach 127.0.0.1 under the attacker's name, which the
 *   Host header still carries. Loopback names, IP literals (a page whose origin IS the IP is our own origin, so
 *   no rebinding is possible), the bound host and configured extra hosts pass.
 * - Content-Type: a page may POST text/plain or form bodies cross-origin without a CORS preflight; requiring
 *   JSON forces the preflight, which we never grant to foreign origins.
 */
import { isIP } from 'node:net';
import { GatewayError } from '../core/errors';
import { isLoopbackHost } from './auth-mode';

/** The code of every browser-guard refusal. */
export const FORBIDDEN_ORIGIN = 'forbidden_origin';

function forbidden(message: string): GatewayError {
  return new GatewayError('permission', message, { code: FORBIDDEN_ORIGIN, status: 403 });
}

function normalizeOrigin(o: string): string {
  return o.trim().toLowerCase().replace(/\/+$/, '');
}

/**
 * Refuses a present Origin that is not on `allowedOrigins` (exact `scheme://host[:port]`, case-insensitive;
 * `*` allows any). No Origin header (non-browser clients, same-origin GETs) passes.
 */
export function checkOrigin(origin: string | undefined, allowedOrigins: readonly string[]): GatewayError | undefined {
  if (origin === undefined) return undefined;
  const o = normalizeOrigin(origin);
  if (allowedOrigins.some((a) => a.trim() === '*' || normalizeOrigin(a) === o)) return undefined;
  return forbidden(`Requests from browser origin ${JSON.stringify(origin.slice(0, 200))} are not allowed. ` +
    'Add it to server.allowedOrigins to allow it.');
}

/** Splits a Host header into lower-case host name (IPv6 without brackets) and port. */
export function parseHostHeader(value: string): { host: string; port?: string } | undefined {
  const v = value.trim().toLowerCase();
  if (!v) return undefined;
  if (v.startsWith('[')) {
    const m = /^\[([0-9a-f:.]+)\](?::(\d+))?$/.exec(v);
    return m ? { host: m[1]!, port: m[2] } : undefined;
  }
  const m = /^([^:\s/@]+)(?::(\d+))?$/.exec(v);
  return m ? { host: m[1]!.replace(/\.$/, ''), port: m[2] } : undefined;
}

/**
 * Host values `checkHost` allowed, valid while the options stay those below. Clients send one or two distinct
 * values, so the parsing runs once per value instead of once per request. Refusals are not remembered.
 */
const hostMemo = { boundHost: '', allowedHosts: [] as string[], ok: new Set<string>() };
const HOST_MEMO_SIZE = 32;
const HOST_MEMO_MAX_LENGTH = 256;

/** The memo of allowed Host values for `opts`, emptied when the options changed. */
function allowedHostMemo(opts: { boundHost: string; allowedHosts: readonly string[] }): Set<string> {
  const m = hostMemo;
  const list = opts.allowedHosts;
  let same = m.boundHost === opts.boundHost && m.allowedHosts.length === list.length;
  for (let i = 0; same && i < list.length; i++) same = m.allowedHosts[i] === list[i];
  if (!same) {
    m.boundHost = opts.boundHost;
    m.allowedHosts = [...list];
    m.ok.clear();
  }
  return m.ok;
}

/**
 * Refuses a Host that is not a loopback name, an IP literal, the bound host or one of `allowedHosts` (entries
 * with a port must match host and port, entries without match any port). A missing Host passes: browsers always
 * send one, so its absence means a non-browser HTTP/1.0 client.
 */
export function checkHost(
  hostHeader: string | undefined,
  opts: { boundHost: string; allowedHosts: readonly string[] },
): GatewayError | undefined {
  if (hostHeader === undefined) return undefined;
  const memo = allowedHostMemo(opts);
  if (memo.has(hostHeader)) return undefined;
  if (hostAllowed(hostHeader, opts)) {
    if (hostHeader.length <= HOST_MEMO_MAX_LENGTH) {
      if (memo.size >= HOST_MEMO_SIZE) memo.clear();
      memo.add(hostHeader);
    }
    return undefined;
  }
  return forbidden(`Host ${JSON.stringify(hostHeader.slice(0, 200))} is not allowed (possible DNS rebinding). ` +
    'Add it to server.allowedHosts to allow it.');
}

function hostAllowed(hostHeader: string, opts: { boundHost: string; allowedHosts: readonly string[] }): boolean {
  const parsed = parseHostHeader(hostHeader);
  if (!parsed) return false;
  const { host, port } = parsed;
  if (isLoopbackHost(host) || isIP(host) !== 0) return true;
  const bound = parseHostHeader(opts.boundHost);
  if (bound && bound.host === host) return true;
  for (const entry of opts.allowedHosts) {
    const a = parseHostHeader(entry);
    if (a && a.host === host && (a.port === undefined || a.port === port)) return true;
  }
  return false;
}

/** Content types `isJsonContentType` answered, by value: clients send one or two. */
const typeMemo = new Map<string, boolean>();
const TYPE_MEMO_SIZE = 32;
const TYPE_MEMO_MAX_LENGTH = 128;

/** True for `application/json` and `application/*+json`, parameters (charset) ignored. */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  if (contentType === 'application/json') return true;
  let json = typeMemo.get(contentType);
  if (json !== undefined) return json;
  const mime = contentType.split(';')[0]!.trim().toLowerCase();
  json = mime === 'application/json' || /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(mime);
  if (contentType.length <= TYPE_MEMO_MAX_LENGTH) {
    if (typeMemo.size >= TYPE_MEMO_SIZE) typeMemo.clear();
    typeMemo.set(contentType, json);
  }
  return json;
}

/** Refuses a POST whose Content-Type is not JSON (missing included). Other methods pass. */
export function checkContentType(method: string, contentType: string | undefined): GatewayError | undefined {
  if ((method !== 'POST' && method.toUpperCase() !== 'POST') || isJsonContentType(contentType)) return undefined;
  return forbidden(`POST requests must have Content-Type application/json, not ${JSON.stringify((contentType ?? '(none)').slice(0, 100))}.`);
}
