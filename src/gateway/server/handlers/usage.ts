/** GET /v1/usage: the calling key's own limits and usage (nothing about other keys). */
import type Koa from 'koa';
import type { ServerContext } from '../context';
import type { Principal } from '../../policy/types';

/** Answers with `access.describe(principal)`. */
export function usageHandler(sc: ServerContext): Koa.Middleware {
  return (ctx) => {
    const principal = ctx.state.principal as Principal | undefined;
    ctx.body = principal ? sc.access.describe(principal) : { key: null, message: 'No gateway key was sent; usage is reported per key.' };
  };
}
