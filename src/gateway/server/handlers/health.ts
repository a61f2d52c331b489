/** Health routes. `/healthz` also identifies the process as Switchboard (used by other VS Code windows). */
import type Koa from 'koa';
import type { ServerContext } from '../context';

/** The identity string other Switchboard instances look for. */
export const SERVICE_NAME = 'switchboard';

/** GET /health: plain text. */
export const healthText: Koa.Middleware = (ctx) => { ctx.type = 'text/plain'; ctx.body = 'ok'; };

/** GET /healthz: JSON with identity. */
export function healthJson(sc: ServerContext): Koa.Middleware {
  return (ctx) => { ctx.body = { status: 'ok', service: SERVICE_NAME, version: sc.version, pid: process.pid }; };
}
