/** What each panel message does, against the real services. One `switch`, exhaustive over `ToHost`. */
import * as vscode from 'vscode';
import type { ProviderConfig } from '../../gateway/config';
import type { KeyStore } from '../../gateway/policy/key-store';
import type { Gateway } from '../../gateway/types';
import { assertNever, type GatewayKeyCreate, type MappingRule, type ProviderForm, type ToHost, type ToWebview } from '../../shared/webview-protocol';
import { checkBaseUrl } from '../add-provider';
import { PROVIDER_ID, readHostSettings } from '../config-mapping';
import { removeProvider, SECTION, settingsGetter, upsertProvider } from '../settings';
import type { PanelDeps } from './deps';
import { curlCommand, replayRequest } from './inspector-replay';
import { testProvider } from './provider-test';
import { CONFIGURE_COMMANDS, COPY_COMMANDS, defaultSetupModel, KEY_PLACEHOLDER, setupText } from './setups';

/** What a handler may use besides the services. */
export interface HandlerContext {
  deps: PanelDeps;
  /** Guarded post (see post.ts). */
  post(msg: ToWebview): boolean;
  /** Sends the full state now. */
  pushState(): Promise<void>;
  /** Remembers a secret seen in a message, so the post guard knows it even before SecretStorage does. */
  rememberSecret(secret: string): void;
}

/** Header names that carry credentials: they belong in keys (SecretStorage), never in settings. */
const AUTH_HEADER = /^(authorization|proxy-authorization|x-api-key|x-goog-api-key|api-key|cookie)$/i;

const notice = (ctx: HandlerContext, level: 'info' | 'warning' | 'error', text: string): void => { ctx.post({ type: 'notice', level, text }); };

/** The gateway key store to write: the running gateway's (takes effect at once), else the host's own view of keys.json. */
function keyStore(deps: PanelDeps): KeyStore {
  return deps.controller.gateway?.keys ?? deps.keyStore;
}

function requireGateway(ctx: HandlerContext, what: string): Gateway | undefined {
  const gw = ctx.deps.controller.gateway;
  if (!gw) notice(ctx, 'warning', vscode.l10n.t('Start the gateway first ({0}).', what));
  return gw;
}

async function saveProvider(ctx: HandlerContext, p: ProviderForm): Promise<void> {
  const id = p.id.trim();
  if (!PROVIDER_ID.test(id)) throw new Error(vscode.l10n.t('Invalid provider id "{0}".', id));
  const urlError = checkBaseUrl(p.baseUrl);
  if (urlError) throw new Error(urlError);
  const secretHeader = Object.keys(p.headers).find((h) => AUTH_HEADER.test(h.trim()));
  if (secretHeader) throw new Error(vscode.l10n.t('"{0}" is a credential: add it as a key instead (keys live in SecretStorage, not settings).', secretHeader));
  const headers = Object.fromEntries(Object.entries(p.headers).map(([k, v]) => [k.trim(), v]).filter(([k]) => k !== ''));
  await upsertProvider({
    id, type: p.type, baseUrl: p.baseUrl.trim() || undefined,
    headers: Object.keys(headers).length ? headers : undefined,
    models: p.models.map((m) => m.trim()).filter((m) => m !== ''), enabled: p.enabled,
  });
  notice(ctx, 'info', vscode.l10n.t('Provider "{0}" saved.', id));
}

/** The provider's config as the gateway would use it: the running one's, else settings plus keys from memory. */
function providerConfig(deps: PanelDeps, id: string): ProviderConfig | undefined {
  const live = deps.controller.gateway?.config.providers.find((p) => p.id === id);
  if (live) return live;
  const p = readHostSettings(settingsGetter()).settings.providers.find((x) => x.id === id);
  return p && { ...p, keys: deps.secrets.keysFor(id) };
}

async function createGatewayKey(ctx: HandlerContext, m: GatewayKeyCreate): Promise<void> {
  const expiresAt = m.expiresAt ? Date.parse(m.expiresAt) : undefined;
  const { key, record } = keyStore(ctx.deps).create({
    name: m.name, ...(m.models.length ? { models: m.models } : {}), ...(m.denyModels.length ? { denyModels: m.denyModels } : {}),
    rpm: m.rpm, rpd: m.rpd, concurrency: m.concurrency, quotaTokens: m.quotaTokens, maxTokens: m.maxTokens, expiresAt,
  });
  // keys.json keeps only a hash: SecretStorage is the one place the plaintext survives, so Copy works later.
  await ctx.deps.secrets.storeGatewayKey(record.id, key);
  ctx.post({ type: 'gatewayKey/created', id: record.id, key });
}

async function copyGatewayKey(ctx: HandlerContext, id: string): Promise<void> {
  const key = await ctx.deps.secrets.gatewayKey(id);
  if (!key) { notice(ctx, 'warning', vscode.l10n.t('This key was not created on this machine, so its plaintext is not stored here.')); return; }
  await vscode.env.clipboard.writeText(key);
  notice(ctx, 'info', vscode.l10n.t('Gateway key copied to the clipboard.'));
}

async function saveMappings(mappings: MappingRule[]): Promise<void> {
  const clean = mappings
    .map((r) => ({ from: r.from.trim(), to: r.to.map((t) => t.trim()).filter((t) => t !== '') }))
    .filter((r) => r.from !== '' && r.to.length > 0)
    .map((r) => ({ from: r.from, to: r.to.length === 1 ? r.to[0]! : r.to }));
  await vscode.workspace.getConfiguration(SECTION).update('modelMappings', clean, vscode.ConfigurationTarget.Global);
}

function tryMapping(ctx: HandlerContext, model: string): void {
  const gw = ctx.deps.controller.gateway;
  if (!gw) { ctx.post({ type: 'mapping/tried', model, result: { error: vscode.l10n.t('The gateway is not running.') } }); return; }
  const e = gw.explainModel(model);
  if (!e.resolution) { ctx.post({ type: 'mapping/tried', model, result: { error: e.reason } }); return; }
  const rule = e.resolution.rule;
  ctx.post({
    type: 'mapping/tried', model,
    result: {
      ...(rule ? { rule: { from: rule.from, to: Array.isArray(rule.to) ? [...rule.to] : [rule.to] } } : {}),
      targets: e.resolution.targets.map((t) => ({ providerId: t.providerId, model: t.upstreamModel })),
    },
  });
}

/** The first active gateway key whose plaintext this machine holds ("default" first). */
async function anyGatewayKey(deps: PanelDeps): Promise<string | undefined> {
  const active = keyStore(deps).list().filter((k) => k.status === 'active');
  for (const k of [...active.filter((x) => x.name === 'default'), ...active.filter((x) => x.name !== 'default')]) {
    const v = await deps.secrets.gatewayKey(k.id);
    if (v) return v;
  }
  return undefined;
}

const hasCommand = async (id: string): Promise<boolean> => (await vscode.commands.getCommands(true)).includes(id);

/** Copy goes through the client's Copy command (it also previews the text); a local copy is the fallback. */
async function copySetup(ctx: HandlerContext, m: Extract<ToHost, { type: 'setup/copy' }>): Promise<void> {
  const command = COPY_COMMANDS[m.client];
  if (await hasCommand(command)) {
    await vscode.commands.executeCommand(command, { ...(m.keyId ? { keyId: m.keyId } : {}), ...(m.model ? { model: m.model } : {}) });
    return;
  }
  const key = m.keyId ? await ctx.deps.secrets.gatewayKey(m.keyId) : await anyGatewayKey(ctx.deps);
  const { settings } = readHostSettings(settingsGetter());
  const model = m.model ?? defaultSetupModel(settings.modelMappings, settings.providers);
  const s = setupText(m.client, { baseUrl: ctx.deps.baseUrl(), key: key ?? KEY_PLACEHOLDER, model });
  await vscode.env.clipboard.writeText(s.text);
  if (key) notice(ctx, 'info', vscode.l10n.t('{0} setup copied to the clipboard (it contains the gateway key).', s.title));
  else notice(ctx, 'warning', vscode.l10n.t('{0} setup copied with a placeholder: no gateway key is stored on this machine.', s.title));
}

async function configureSetup(ctx: HandlerContext, client: keyof typeof CONFIGURE_COMMANDS): Promise<void> {
  const id = CONFIGURE_COMMANDS[client];
  if (!(await hasCommand(id))) {
    notice(ctx, 'error', vscode.l10n.t('This version cannot write that client\'s config; use Copy instead.'));
    return;
  }
  await vscode.commands.executeCommand(id);
}

async function replay(ctx: HandlerContext, requestId: string): Promise<void> {
  const gw = requireGateway(ctx, vscode.l10n.t('replay'));
  const entry = gw?.inspector.get(requestId);
  if (!gw) return;
  if (!entry) { notice(ctx, 'warning', vscode.l10n.t('That request is no longer captured.')); return; }
  const key = await anyGatewayKey(ctx.deps);
  const r = await replayRequest(entry, gw.baseUrl, key ?? '');
  notice(ctx, r.status < 400 ? 'info' : 'warning', vscode.l10n.t('Replayed {0} {1}: HTTP {2} in {3} ms.', entry.inbound.method, entry.model, r.status, r.latencyMs));
}

async function copyCurl(ctx: HandlerContext, requestId: string): Promise<void> {
  const entry = ctx.deps.controller.gateway?.inspector.get(requestId);
  if (!entry) { notice(ctx, 'warning', vscode.l10n.t('That request is no longer captured.')); return; }
  await vscode.env.clipboard.writeText(curlCommand(entry, ctx.deps.baseUrl()));
  notice(ctx, 'info', vscode.l10n.t('curl command copied; set SWITCHBOARD_API_KEY to a gateway key before running it.'));
}

/** Runs one validated message. Throws on failure; the caller turns errors into an error notice. */
export async function handleMessage(msg: ToHost, ctx: HandlerContext): Promise<void> {
  const { deps } = ctx;
  switch (msg.type) {
    case 'panel/ready': return ctx.pushState();
    case 'provider/save': return saveProvider(ctx, msg.provider);
    case 'provider/delete': {
      await deps.secrets.removeProvider(msg.id);
      await removeProvider(msg.id);
      return ctx.pushState();
    }
    case 'provider/test': {
      const config = providerConfig(deps, msg.id);
      const r = config ? await testProvider(config) : { ok: false, message: vscode.l10n.t('No provider "{0}".', msg.id) };
      ctx.post({ type: 'provider/tested', id: msg.id, ...r });
      return;
    }
    case 'key/add': {
      ctx.rememberSecret(msg.secret.trim());
      if (!PROVIDER_ID.test(msg.providerId)) throw new Error(vscode.l10n.t('Invalid provider id "{0}".', msg.providerId));
      const e = await deps.secrets.add(msg.providerId, msg.label || `key-${deps.secrets.list(msg.providerId).length + 1}`, msg.secret);
      notice(ctx, 'info', vscode.l10n.t('Key "{0}" ({1}) stored in SecretStorage.', e.label, e.hint));
      return ctx.pushState();
    }
    case 'key/delete': {
      await deps.secrets.remove(msg.providerId, msg.keyId);
      return ctx.pushState();
    }
    case 'gatewayKey/create': {
      const { type: _type, ...fields } = msg;
      await createGatewayKey(ctx, fields);
      return ctx.pushState();
    }
    case 'gatewayKey/setStatus': {
      keyStore(deps).update(msg.id, { status: msg.status });
      return ctx.pushState();
    }
    case 'gatewayKey/delete': {
      keyStore(deps).delete(msg.id);
      await deps.secrets.deleteGatewayKey(msg.id);
      return ctx.pushState();
    }
    case 'gatewayKey/copy': return copyGatewayKey(ctx, msg.id);
    case 'mapping/save': return saveMappings(msg.mappings);
    case 'mapping/try': return tryMapping(ctx, msg.model);
    case 'setup/copy': return copySetup(ctx, msg);
    case 'setup/configure': return configureSetup(ctx, msg.client);
    case 'inspector/toggle': {
      const gw = requireGateway(ctx, vscode.l10n.t('inspector'));
      gw?.inspector.setEnabled(msg.enabled);
      return ctx.pushState();
    }
    case 'inspector/replay': return replay(ctx, msg.requestId);
    case 'inspector/copyCurl': return copyCurl(ctx, msg.requestId);
    case 'gateway/toggle': {
      await vscode.commands.executeCommand(msg.run ? 'switchboard.start' : 'switchboard.stop');
      return ctx.pushState();
    }
    default: return assertNever(msg);
  }
}
