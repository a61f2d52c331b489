/**
 * PanelState from plain inputs (settings, the key index, key records, usage, inspector entries). Pure: no `vscode`,
 * no I/O, so unit tests can plant secrets in the inputs and prove none reaches the state.
 */
import type { ModelMapping } from '../../gateway/config';
import type { InspectorEntry as CapturedEntry, InspectedMessage } from '../../gateway/inspector/inspector';
import type { GatewayKeyRecord, UsageRecord } from '../../gateway/policy/types';
import type { KeyState } from '../../gateway/routing/types';
import type { UsageSummary } from '../../gateway/usage/usage-store';
import type {
  GatewayKeyView, GatewayStatus, InspectorEntry, PanelLang, PanelState, ProviderKeyView, ProviderView, RecentRequest, SetupSnippet, UsageGroup, UsageView,
} from '../../shared/webview-protocol';
import type { ProviderSetting } from '../config-mapping';
import type { GatewayState } from '../gateway-state';
import type { KeyIndexEntry } from '../secrets';

/** Counters the panel shows per gateway key. */
export interface KeyCounters { requests: number; inputTokens: number; outputTokens: number }

/** Everything the state is built from. Secrets are never needed, and none given are copied. */
export interface PanelStateInput {
  gateway: GatewayState;
  /** Tokens (input + output) of today, from the usage store. */
  todayTokens: number;
  /** The URL clients should use. */
  baseUrl: string;
  providers: ProviderSetting[];
  /** Upstream key index per provider id (labels and hints only). */
  keyIndex: Record<string, KeyIndexEntry[]>;
  /** Live upstream key states per provider id (from the running gateway). */
  keyStates: Record<string, KeyState[]>;
  gatewayKeys: GatewayKeyRecord[];
  /** Lifetime usage per gateway key id. */
  keyUsage: Record<string, KeyCounters>;
  mappings: ModelMapping[];
  /** Absent while no gateway runs (usage lives in the gateway's store). */
  usage?: { summary: UsageSummary; recent: UsageRecord[] };
  setups: SetupSnippet[];
  inspector: { enabled: boolean; entries: CapturedEntry[] };
  lang: PanelLang;
  /** Epoch ms (cooldowns in the past show as ok). */
  now: number;
  /** Applied to free texts that came from outside (inspector bodies, upstream errors): the host redacts known secrets. */
  scrub?: (text: string) => string;
}

/** The panel language for a `vscode.env.language` value. */
export function panelLang(language: string): PanelLang {
  const l = language.toLowerCase();
  return l === 'zh-cn' || l === 'zh-hans' || l.startsWith('zh-hans-') ? 'zh-cn' : 'en';
}

const same = (t: string): string => t;
const iso = (ms: number | undefined): string | undefined => (ms === undefined || !Number.isFinite(ms) ? undefined : new Date(ms).toISOString());

function gatewayStatus(s: GatewayState, inputs: Pick<PanelStateInput, 'todayTokens' | 'baseUrl'>): GatewayStatus {
  switch (s.kind) {
    case 'running': return { running: true, port: s.port, baseUrl: s.baseUrl, inFlight: s.inFlight, todayTokens: inputs.todayTokens };
    case 'external': return { running: false, port: s.port, baseUrl: s.baseUrl, error: `Port ${s.port} is served by another Switchboard (another window or the CLI).`, inFlight: 0, todayTokens: 0 };
    case 'error': return { running: false, error: s.message, inFlight: 0, todayTokens: 0 };
    case 'starting':
    case 'stopped': return { running: false, inFlight: 0, todayTokens: 0 };
  }
}

function keyView(e: KeyIndexEntry, live: KeyState | undefined, now: number, scrub: (t: string) => string): ProviderKeyView {
  const v: ProviderKeyView = { keyId: e.keyId, label: e.label, hint: e.hint, status: 'ok' };
  if (!live) return v;
  const until = Math.max(0, ...live.cooldowns.map((c) => c.until));
  if (live.status === 'invalid') v.status = 'invalid';
  else if (live.status === 'cooling' && until > now) { v.status = 'cooling'; v.cooldownUntil = until; }
  if (live.lastError) v.lastError = scrub(live.lastError);
  return v;
}

function providerViews(i: PanelStateInput): ProviderView[] {
  return i.providers.map((p) => {
    const live = i.keyStates[p.id] ?? [];
    const keys = (i.keyIndex[p.id] ?? []).map((e) => keyView(e, live.find((s) => s.label === e.label), i.now, i.scrub ?? same));
    return {
      id: p.id, type: p.type, baseUrl: p.baseUrl ?? '', headers: { ...(p.headers ?? {}) },
      models: (p.models ?? []).map((m) => (typeof m === 'string' ? m : m.id)), enabled: p.enabled !== false, keys,
    };
  });
}

function gatewayKeyView(k: GatewayKeyRecord, usage: KeyCounters | undefined): GatewayKeyView {
  const limits: GatewayKeyView['limits'] = {};
  for (const f of ['rpm', 'rpd', 'concurrency', 'quotaTokens', 'maxTokens'] as const) if (k[f] !== undefined) limits[f] = k[f];
  const v: GatewayKeyView = {
    id: k.id, name: k.name, hint: `…${k.hint}`, status: k.status, models: [...(k.models ?? [])], denyModels: [...(k.denyModels ?? [])], limits,
    usage: { requests: usage?.requests ?? 0, inputTokens: usage?.inputTokens ?? 0, outputTokens: usage?.outputTokens ?? 0 },
    createdAt: iso(k.createdAt) ?? new Date(0).toISOString(),
  };
  const last = iso(k.lastUsedAt);
  const exp = iso(k.expiresAt);
  if (last) v.lastUsedAt = last;
  if (exp) v.expiresAt = exp;
  return v;
}

/** One finished request as the live usage table shows it (also sent alone as `usage/record`). */
export function recentRequest(r: UsageRecord): RecentRequest {
  return {
    time: new Date(r.time).toISOString(), keyName: r.keyName ?? '-', model: r.model, mappedModel: r.mappedModel ?? r.model,
    provider: r.provider ?? '-', status: r.status, inputTokens: r.inputTokens, outputTokens: r.outputTokens, latencyMs: r.latencyMs,
  };
}

function groups(totals: UsageSummary['byModel'], name: (key: string) => string): UsageGroup[] {
  return Object.entries(totals)
    .map(([k, t]) => ({ name: name(k), requests: t.requests, inputTokens: t.inputTokens, outputTokens: t.outputTokens }))
    .sort((a, b) => b.requests - a.requests || a.name.localeCompare(b.name));
}

function usageView(i: PanelStateInput): UsageView {
  if (!i.usage) return { days: [], byModel: [], byKey: [], recent: [] };
  const { summary, recent } = i.usage;
  const names = new Map(i.gatewayKeys.map((k) => [k.id, k.name]));
  const nameOf = (id: string): string => names.get(id) ?? summary.rows.find((r) => r.keyId === id)?.keyName ?? (id === '-' ? '(no key)' : id);
  return {
    days: summary.days.map((day) => {
      const t = summary.byDay[day];
      return { day, requests: t?.requests ?? 0, inputTokens: t?.inputTokens ?? 0, outputTokens: t?.outputTokens ?? 0, errors: t?.errors ?? 0 };
    }),
    byModel: groups(summary.byModel, (m) => m),
    byKey: groups(summary.byKey, nameOf),
    // The store gives newest first; the panel lists newest last.
    recent: [...recent].reverse().map(recentRequest),
  };
}

function messageLines(head: string, m: InspectedMessage): string {
  const headers = Object.entries(m.headers).map(([k, v]) => `${k}: ${v}`).join('\n');
  return `${head}\n${headers}\n\n${m.body}${m.truncated ? '\n… (truncated)' : ''}`;
}

/** A captured exchange as three readable texts (the inspector already redacted them). */
export function inspectorView(e: CapturedEntry, scrub: (t: string) => string = same): InspectorEntry {
  const messageText = (head: string, m: InspectedMessage): string => scrub(messageLines(head, m));
  return {
    id: e.id, time: new Date(e.time).toISOString(), model: e.model, status: e.response?.status ?? 0,
    inbound: messageText(`${e.inbound.method} ${e.inbound.path}`, e.inbound),
    upstream: e.upstream ? messageText(`POST ${e.upstream.url} (${e.upstream.providerId})`, e.upstream) : '',
    response: e.response ? messageText(`${e.response.status}${e.response.stream ? ' (stream)' : ''}`, e.response) : '',
  };
}

/** Builds the whole panel state. */
export function buildPanelState(i: PanelStateInput): PanelState {
  return {
    gateway: gatewayStatus(i.gateway, i),
    providers: providerViews(i),
    gatewayKeys: i.gatewayKeys.map((k) => gatewayKeyView(k, i.keyUsage[k.id])),
    mappings: i.mappings.map((m) => ({ from: m.from, to: Array.isArray(m.to) ? [...m.to] : [m.to] })),
    usage: usageView(i),
    setups: i.setups.map((s) => ({ ...s })),
    inspector: { enabled: i.inspector.enabled, entries: i.inspector.entries.map((e) => inspectorView(e, i.scrub)) },
    lang: i.lang,
  };
}
