/**
 * When a gateway key is required (config `server.authMode`):
 * - `all_except_health` (default): every endpoint but `/health`.
 * - `all`: every endpoint, `/health` included.
 * - `auto`: none while the server is bound to a loopback address; as `all_except_health` otherwise.
 * - `off`: none; refused at startup unless bound to loopback (see assertAuthModeAllowed).
 * Where a key is not required, a key that is sent anyway is used when it is a known, active, unexpired key (its
 * limits apply and usage is attributed to it) and ignored otherwise: clients such as Claude Code always send
 * some key, and a dummy value must not break a setup that needs none.
 */
import { GatewayError } from '../core/errors';
import type { AuthMode, ServerConfig } from '../config';

/** True for hosts that only this machine can reach: `localhost`, `*.localhost`, 127.0.0.0/8, `::1`. */
export function isLoopbackHost(host: string): boolean {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (h.startsWith('::ffff:')) h = h.slice(7);
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return m !== null && m.slice(1).every((x) => Number(x) <= 255);
}

let loopbackMemoHost: string | undefined;
let loopbackMemo = false;

/** `isLoopbackHost` of the bound host, remembered: it is asked on every request and rarely changes. */
function boundToLoopback(boundHost: string): boolean {
  if (boundHost !== loopbackMemoHost) { loopbackMemo = isLoopbackHost(boundHost); loopbackMemoHost = boundHost; }
  return loopbackMemo;
}

/** Whether a request must carry a valid gateway key. */
export function keyRequired(mode: AuthMode, opts: { health: boolean; boundHost: string }): boolean {
  switch (mode) {
    case 'all': return true;
    case 'off': return false;
    case 'auto': return !opts.health && !boundToLoopback(opts.boundHost);
    case 'all_except_health':
    default: return !opts.health;
  }
}

/** Startup check: throws when `authMode: "off"` would expose an unauthenticated gateway beyond this machine. */
export function assertAuthModeAllowed(server: Pick<ServerConfig, 'authMode' | 'host'>): void {
  if (server.authMode === 'off' && !isLoopbackHost(server.host)) {
    throw new GatewayError('invalid_request',
      `server.authMode "off" is only allowed when server.host is a loopback address (127.0.0.1, ::1 or localhost), ` +
      `not "${server.host}": anyone who can reach the port could spend your provider keys. ` +
      `Use authMode "auto" or "all_except_health", or bind to 127.0.0.1.`, { code: 'unsafe_auth_mode', param: 'server.authMode' });
  }
}
