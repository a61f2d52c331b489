/**
 * POST /v1/messages/count_tokens: forwarded to an Anthropic upstream when the mapped model lives there, else
 * estimated with a tokenizer (documented as an estimate). Never a fake 0: Claude Code would stop compacting.
 */
import type Koa from 'koa';
import { decodeCountTokensRequest } from '../../protocols/anthropic-messages';
import { authHeaders } from '../../providers/runtime';
import type { ProviderRuntime } from '../../providers/runtime';
import { estimateInputTokens } from '../../tokens/estimate';
import { sendUpstreamReply } from '../../transport/upstream';
import { modelNotFound } from '../../pipeline/resolve';
import { readJsonBody } from '../body';
import type { ServerContext } from '../context';
import type { Principal } from '../../policy/types';

/** Asks an Anthropic upstream to count; undefined when that fails (then we estimate). */
async function countUpstream(provider: ProviderRuntime, body: Record<string, unknown>, model: string, headers: Record<string, string>, signal: AbortSignal): Promise<unknown> {
  const key = provider.pool.acquire(model, Date.now());
  if (!key) return undefined;
  try {
    const res = await sendUpstreamReply({
      url: `${provider.baseUrl}/messages/count_tokens`, method: 'POST', body: JSON.stringify({ ...body, model }),
      headers: { 'content-type': 'application/json', ...provider.spec.defaultHeaders, ...headers, ...provider.config.headers, ...authHeaders(provider.spec, key.secret) },
      dispatcher: provider.dispatcher, signal, firstByteMs: provider.timeouts.firstByteMs, idleMs: provider.timeouts.idleMs, providerId: provider.id,
    });
    if (res.statusCode !== 200 || !res.whole) { res.body?.destroy(); return undefined; }
    const parsed = JSON.parse(res.whole.toString('utf8')) as { input_tokens?: unknown };
    return typeof parsed.input_tokens === 'number' && parsed.input_tokens > 0 ? parsed : undefined;
  } catch { return undefined; }
}

/** The count_tokens handler. */
export function countTokensHandler(sc: ServerContext): Koa.Middleware {
  return async (ctx) => {
    ctx.state.protocol = 'anthropic-messages';
    const body = await readJsonBody(ctx.req, sc.config().server.bodyLimit);
    const canonical = decodeCountTokensRequest(body);
    const principal = ctx.state.principal as Principal | undefined;
    sc.access.admit(principal, { endpoint: 'count_tokens', model: canonical.model }).settle();
    const resolution = sc.pipeline().resolve(canonical.model);
    if (!resolution) throw modelNotFound(canonical.model);
    const first = resolution.targets[0]!;
    const provider = sc.providers().get(first.providerId);
    if (provider?.spec.protocol === 'anthropic-messages') {
      const pass: Record<string, string> = {};
      for (const h of ['anthropic-version', 'anthropic-beta']) { const v = ctx.get(h); if (v) pass[h] = v; }
      const counted = await countUpstream(provider, body, first.upstreamModel, pass, AbortSignal.timeout(30_000));
      if (counted) { ctx.set('x-switchboard-token-count', 'upstream'); ctx.body = counted; return; }
    }
    ctx.set('x-switchboard-token-count', 'estimate');
    ctx.body = { input_tokens: estimateInputTokens(canonical) };
  };
}
