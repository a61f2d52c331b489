/** Gathers the panel state's inputs from the live services (the pure part is panel-state.ts). */
import * as vscode from 'vscode';
import type { PanelState } from '../../shared/webview-protocol';
import { readHostSettings } from '../config-mapping';
import { redactText } from '../../gateway/redact';
import { settingsGetter } from '../settings';
import type { PanelDeps } from './deps';
import { buildPanelState, panelLang, type KeyCounters, type PanelStateInput } from './panel-state';
import { defaultSetupModel, panelSetups } from './setups';

/** How many days the usage charts cover, and how many recent requests the table starts with. */
const USAGE_DAYS = 14;
const RECENT = 100;

/** Reads settings, the key index, gateway keys and usage into plain inputs. */
export function collectInputs(deps: PanelDeps, now = Date.now()): PanelStateInput {
  const { settings } = readHostSettings(settingsGetter());
  const gw = deps.controller.gateway;
  const providerIds = new Set([...settings.providers.map((p) => p.id), ...deps.secrets.providerIds()]);
  const store = gw?.keys ?? deps.keyStore;
  let gatewayKeys: PanelStateInput['gatewayKeys'] = [];
  try { gatewayKeys = store.list(); } catch (e) {
    deps.logger.warn(`panel: could not read gateway keys: ${e instanceof Error ? e.message : String(e)}`);
  }
  const keyUsage: Record<string, KeyCounters> = {};
  let usage: PanelStateInput['usage'];
  let todayTokens = 0;
  if (gw) {
    for (const k of gw.usage.byKey()) keyUsage[k.keyId] = k.total;
    const summary = gw.usage.summary({ days: USAGE_DAYS });
    usage = { summary, recent: gw.usage.recent(RECENT) };
    const today = summary.byDay[summary.days[summary.days.length - 1] ?? ''];
    todayTokens = (today?.inputTokens ?? 0) + (today?.outputTokens ?? 0);
  }
  const baseUrl = deps.baseUrl();
  return {
    gateway: deps.controller.state, todayTokens, baseUrl,
    providers: settings.providers,
    keyIndex: Object.fromEntries([...providerIds].map((id) => [id, deps.secrets.list(id)])),
    keyStates: gw?.upstreamKeyStates() ?? {},
    gatewayKeys, keyUsage,
    mappings: settings.modelMappings,
    usage,
    setups: panelSetups(baseUrl, defaultSetupModel(settings.modelMappings, settings.providers)),
    inspector: gw ? { enabled: gw.inspector.enabled, entries: gw.inspector.entries() } : { enabled: false, entries: [] },
    lang: panelLang(vscode.env.language),
    now,
    scrub: (text) => redactText(text, deps.secrets.knownSecrets()),
  };
}

/** The current panel state. */
export function currentState(deps: PanelDeps): PanelState {
  return buildPanelState(collectInputs(deps));
}

/** Loads every gateway key plaintext this machine holds into memory, so the post guard knows them all. */
export async function preloadGatewaySecrets(deps: PanelDeps): Promise<void> {
  let ids: string[] = [];
  try { ids = (deps.controller.gateway?.keys ?? deps.keyStore).list().map((k) => k.id); } catch { /* reported by collectInputs */ }
  await Promise.all(ids.map((id) => deps.secrets.gatewayKey(id).then(() => undefined, () => undefined)));
}
