/** GET /v1/models: the union of served models and aliases the caller's key may use, in OpenAI, Anthropic or Gemini shape. */
import type Koa from 'koa';
import type { ModelInfo } from '../../config';
import type { ServerContext } from '../context';
import type { Principal } from '../../policy/types';

/** One listed model with where it comes from. */
export interface ListedModel { id: string; ownedBy: string; info?: ModelInfo }

/**
 * Models visible to `principal`: aliases first, then every provider's models, de-duplicated. A name is hidden when
 * the key may not use it, or when the key's deny list covers every target it routes to (a request would be refused).
 */
export function listModels(sc: ServerContext, principal: Principal | undefined): ListedModel[] {
  const seen = new Set<string>();
  const out: ListedModel[] = [];
  const allow = sc.access.targetFilter(principal);
  const deps = sc.pipeline();
  const reachable = (id: string): boolean => {
    if (allow === undefined) return true;
    const targets = deps.resolve(id)?.targets;
    return targets === undefined || targets.some(allow);
  };
  const add = (m: ListedModel) => {
    if (!seen.has(m.id) && sc.access.allowsModel(principal, m.id) && reachable(m.id)) { seen.add(m.id); out.push(m); }
  };
  for (const alias of sc.aliases()) add({ id: alias, ownedBy: 'switchboard' });
  for (const p of sc.providers().values()) {
    if (p.config.enabled === false) continue;
    for (const m of p.models) add({ id: m.id, ownedBy: p.id, info: m });
  }
  return out;
}

const CREATED = Math.floor(Date.UTC(2025, 0, 1) / 1000);

/** The OpenAI (default) or Anthropic (when `anthropic-version` is sent) model list. */
export function modelsHandler(sc: ServerContext): Koa.Middleware {
  return async (ctx) => {
    await Promise.race([sc.refreshModels(), new Promise((r) => setTimeout(r, 3000).unref())]);
    const models = listModels(sc, ctx.state.principal as Principal | undefined);
    if (ctx.get('anthropic-version')) {
      ctx.state.protocol = 'anthropic-messages';
      const data = models.map((m) => ({ type: 'model', id: m.id, display_name: m.id, created_at: new Date(CREATED * 1000).toISOString() }));
      ctx.body = { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
      return;
    }
    ctx.body = {
      object: 'list',
      data: models.map((m) => ({
        id: m.id, object: 'model', created: CREATED, owned_by: m.ownedBy,
        ...(m.info?.contextWindow ? { context_window: m.info.contextWindow } : {}),
        ...(m.info?.maxOutputTokens ? { max_output_tokens: m.info.maxOutputTokens } : {}),
      })),
    };
  };
}

/** GET /v1beta/models in Gemini's shape. */
export function geminiModelsHandler(sc: ServerContext): Koa.Middleware {
  return (ctx) => {
    ctx.state.protocol = 'gemini';
    const models = listModels(sc, ctx.state.principal as Principal | undefined);
    ctx.body = {
      models: models.map((m) => ({
        name: `models/${m.id}`, displayName: m.id, inputTokenLimit: m.info?.contextWindow, outputTokenLimit: m.info?.maxOutputTokens,
        supportedGenerationMethods: ['generateContent', 'streamGenerateContent', 'countTokens'],
      })),
    };
  };
}
