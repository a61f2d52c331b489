/**
 * POST /v1/messages/count_tokens: forwarded to an Anthropic upstream when the mapped model lives there, else
 * estimated with a tokenizer (documented as an estimate). Never a fake 0: Claude Code would stop compacting.
 */
import { decodeCountTokensRequest } from '../../protocols/anthropic-messages';
import { authHeaders } from '../../providers/runtime';
import type { ProviderRuntime } from '../../providers/runtime';
import { estimateInputTokens } from '../../tokens/estimate';
import { sendUpstreamReply } from '../../transport/upstream';
import { allowedTargets, modelNotFound } from '../../pipeline/resolve';
import { readJsonBody } from '../body';
import type { ServerContext } from '../context';
import { headerOf } from '../exchange';
import { sendBody } from '../respond';
import type { ModelHandler } from './chat';

/** Asks an Anthropic upstream to count; undefined when that fails (then we estimate). */
async function countUpstream(provider: ProviderRuntime, body: Record<string, unknown>, model: string, headers: Record<string, string>, signal: AbortSignal): Promise<unknown> {
  const key = provider.pool.acquire(model, Date.now());
  if (!key) return undefined;
  try {
    const res = await sendUpstreamReply({
      url: `${provider.baseUrl}/messages/count_tokens`, method: 'POST', body: JSON.stringify({ ...body, model }),
      headers: { 'content-type': 'application/json', ...provider.spec.defaultHeaders, ...headers, ...provider.config.headers, ...authHeaders(provider.spec, key.secret) },
      dispatcher: provider.dispatcher, signal, firstByteMs: provider.timeouts.firstByteMs, idleMs: provider.timeouts.idleMs, connectMs: provider.timeouts.connectMs, providerId: provider.id,
    });
    if (res.statusCode !== 200 || !res.whole) { res.body?.destroy(); return undefined; }
    const parsed = JSON.parse(res.whole.toString('utf8')) as { input_tokens?: unknown };
    return typeof parsed.input_tokens === 'number' && parsed.input_tokens > 0 ? parsed : undefined;
  } catch { return undefined; }
}

/** The count_tokens handler. */
export function countTokensHandler(sc: ServerContext): ModelHandler {
  return async (ex) => {
    ex.protocol = 'anthropic-messages';
    const body = await readJsonBody(ex.req, sc.config().server.bodyLimit);
    const canonical = decodeCountTokensRequest(body);
    sc.access.admit(ex.principal, { endpoint: 'count_tokens', model: canonical.model }).settle();
    const resolution = sc.pipeline().resolve(canonical.model);
    if (!resolution) throw modelNotFound(canonical.model);
    // Counted by the first target the key may reach; none (its deny list covers them all): refused like a request.
    const first = allowedTargets(canonical.model, resolution.targets, sc.access.targetFilter(ex.principal))[0]!;
    const provider = sc.providers().get(first.providerId);
    if (provider?.spec.protocol === 'anthropic-messages') {
      const pass: Record<string, string> = {};
      for (const h of ['anthropic-version', 'anthropic-beta']) { const v = headerOf(ex, h); if (v) pass[h] = v; }
      const counted = await countUpstream(provider, body, first.upstreamModel, pass, AbortSignal.timeout(30_000));
      if (counted) { sendBody(ex.res, 200, counted, undefined, { 'x-switchboard-token-count': 'upstream' }); return; }
    }
    sendBody(ex.res, 200, { input_tokens: estimateInputTokens(canonical) }, undefined, { 'x-switchboard-token-count': 'estimate' });
  };
}
