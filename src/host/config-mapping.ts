/**
 * VS Code settings (non-secret) + upstream keys from SecretStorage → GatewayConfig. Pure: the host passes a
 * `get(key)` over `workspace.getConfiguration('switchboard')`, so plain-Node tests drive it with an object.
 */
import { DEFAULT_PORT, withDefaults, type AuthMode, type GatewayConfig, type GatewayConfigInput, type KeyEntry, type ModelInfo, type ModelMapping, type ProviderConfig } from '../gateway/config';
import type { ProviderType } from '../gateway/providers/types';

/** Provider types the settings accept (mirrors src/gateway/providers/index.ts; checked again by the gateway). */
export const SETTINGS_PROVIDER_TYPES: readonly ProviderType[] = ['openai', 'openai-compatible', 'openai-responses', 'anthropic', 'gemini'];
const AUTH_MODES: readonly AuthMode[] = ['all_except_health', 'all', 'auto', 'off'];
const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
/** Provider ids double as secret-key path segments, so they stay simple. */
export const PROVIDER_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** Fields that would carry secrets: never accepted from settings. */
const SECRET_FIELDS = ['keys', 'key', 'apiKey', 'api_key'];

/** One provider as written in `switchboard.providers` (no keys: they live in SecretStorage). */
export interface ProviderSetting {
  id: string;
  type: ProviderType;
  baseUrl?: string;
  headers?: Record<string, string>;
  models?: Array<string | ModelInfo>;
  enabled?: boolean;
  responses?: boolean;
  quirks?: string[];
}

/** The `switchboard.*` settings after type checks. */
export interface HostSettings {
  autoStart: boolean;
  host: string;
  port: number;
  authMode: AuthMode;
  providers: ProviderSetting[];
  modelMappings: ModelMapping[];
  routing: { maxAttempts?: number; deadlineMs?: number; cooldownMs?: number };
  /** Upstream timeouts applied to every provider. */
  timeouts: { connectMs?: number; firstByteMs?: number; idleMs?: number };
  /** `switchboard.allowLan`: the explicit opt-in to bind beyond loopback. */
  allowLan: boolean;
  logLevel: GatewayConfig['logLevel'];
}

/** Whether `host` only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * Why these settings must not be served at all (empty when fine). Beyond loopback, upstream keys become reachable
 * from the network: that needs `switchboard.allowLan` AND a gateway key on every request.
 */
export function exposureErrors(s: HostSettings): string[] {
  if (isLoopbackHost(s.host)) return [];
  if (!s.allowLan) return [`switchboard.host is "${s.host}", which is reachable from other machines; set "switchboard.allowLan": true to allow it, or use 127.0.0.1`];
  if (s.authMode === 'off' || s.authMode === 'auto') return [`switchboard.authMode "${s.authMode}" is not allowed when switchboard.host is "${s.host}": use "all_except_health" or "all" so every client needs a gateway key`];
  return [];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringRecord = (v: unknown): v is Record<string, string> => isObject(v) && Object.values(v).every((x) => typeof x === 'string');

function readProvider(raw: unknown, path: string, errors: string[]): ProviderSetting | undefined {
  if (!isObject(raw)) { errors.push(`${path} must be an object`); return undefined; }
  for (const f of SECRET_FIELDS) {
    if (f in raw) errors.push(`${path}.${f} is ignored: keys live in SecretStorage (use "Switchboard: Add Provider" or the panel)`);
  }
  const { id, type } = raw;
  if (typeof id !== 'string' || !PROVIDER_ID.test(id)) { errors.push(`${path}.id must match ${PROVIDER_ID.source}`); return undefined; }
  if (typeof type !== 'string' || !(SETTINGS_PROVIDER_TYPES as readonly string[]).includes(type)) {
    errors.push(`${path}.type must be one of ${SETTINGS_PROVIDER_TYPES.join(', ')}`);
    return undefined;
  }
  const p: ProviderSetting = { id, type: type as ProviderType };
  if (typeof raw.baseUrl === 'string' && raw.baseUrl.trim() !== '') p.baseUrl = raw.baseUrl.trim();
  if (raw.headers !== undefined) {
    if (isStringRecord(raw.headers)) p.headers = { ...raw.headers };
    else errors.push(`${path}.headers must map names to strings`);
  }
  if (Array.isArray(raw.models)) {
    p.models = raw.models.filter((m): m is string | ModelInfo => typeof m === 'string' || (isObject(m) && typeof m.id === 'string'));
  }
  if (typeof raw.enabled === 'boolean') p.enabled = raw.enabled;
  if (typeof raw.responses === 'boolean') p.responses = raw.responses;
  if (Array.isArray(raw.quirks)) p.quirks = raw.quirks.filter((q): q is string => typeof q === 'string');
  return p;
}

function readMappings(raw: unknown, errors: string[]): ModelMapping[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) { errors.push('switchboard.modelMappings must be an array'); return []; }
  const out: ModelMapping[] = [];
  raw.forEach((m, i) => {
    const to = isObject(m) ? m.to : undefined;
    const toOk = typeof to === 'string' || (Array.isArray(to) && to.length > 0 && to.every((x) => typeof x === 'string'));
    if (isObject(m) && typeof m.from === 'string' && toOk) out.push({ from: m.from, to: to as string | string[] });
    else errors.push(`switchboard.modelMappings[${i}] needs "from" (string) and "to" (string or list of strings)`);
  });
  return out;
}

function positiveInt(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}

/** Reads and type-checks `switchboard.*`; problems are reported, and the offending entry is skipped. */
export function readHostSettings(get: (key: string) => unknown): { settings: HostSettings; errors: string[] } {
  const errors: string[] = [];
  const port = get('port');
  const host = get('host');
  const authMode = get('authMode');
  const logLevel = get('logLevel');
  const rawProviders = get('providers');
  const providers: ProviderSetting[] = [];
  if (Array.isArray(rawProviders)) {
    rawProviders.forEach((p, i) => {
      const r = readProvider(p, `switchboard.providers[${i}]`, errors);
      if (r && providers.some((q) => q.id === r.id)) errors.push(`switchboard.providers[${i}].id "${r.id}" is a duplicate`);
      else if (r) providers.push(r);
    });
  } else if (rawProviders !== undefined && rawProviders !== null) errors.push('switchboard.providers must be an array');
  const portOk = typeof port === 'number' && Number.isInteger(port) && port >= 0 && port <= 65535;
  if (port !== undefined && !portOk) errors.push('switchboard.port must be an integer from 0 to 65535');
  const settings: HostSettings = {
    autoStart: get('autoStart') !== false,
    host: typeof host === 'string' && host.trim() !== '' ? host.trim() : '127.0.0.1',
    port: portOk ? port : DEFAULT_PORT,
    authMode: (AUTH_MODES as readonly unknown[]).includes(authMode) ? (authMode as AuthMode) : 'all_except_health',
    providers,
    modelMappings: readMappings(get('modelMappings'), errors),
    routing: {
      maxAttempts: positiveInt(get('routing.maxAttempts')),
      deadlineMs: positiveInt(get('routing.deadlineMs')),
      cooldownMs: positiveInt(get('routing.cooldownMs')),
    },
    timeouts: {
      connectMs: positiveInt(get('timeouts.connectMs')),
      firstByteMs: positiveInt(get('timeouts.firstByteMs')),
      idleMs: positiveInt(get('timeouts.idleMs')),
    },
    allowLan: get('allowLan') === true,
    logLevel: (LOG_LEVELS as readonly unknown[]).includes(logLevel) ? (logLevel as HostSettings['logLevel']) : 'info',
  };
  return { settings, errors };
}

/** The gateway config input for settings plus in-memory keys (keys never come from settings). */
export function toConfigInput(settings: HostSettings, keysFor: (providerId: string) => KeyEntry[]): GatewayConfigInput {
  const routing = Object.fromEntries(Object.entries(settings.routing).filter(([, v]) => v !== undefined));
  const timeouts = Object.fromEntries(Object.entries(settings.timeouts ?? {}).filter(([, v]) => v !== undefined));
  const providers: ProviderConfig[] = settings.providers.map((p) => ({ ...p, keys: keysFor(p.id), ...(Object.keys(timeouts).length ? { timeouts } : {}) }));
  return {
    server: { host: settings.host, port: settings.port, authMode: settings.authMode },
    providers,
    modelMappings: settings.modelMappings,
    routing,
    logLevel: settings.logLevel,
  };
}

/** The full GatewayConfig for the host, or the reasons there is none. Setting problems are warnings, not fatal. */
export function buildGatewayConfig(
  get: (key: string) => unknown,
  keysFor: (providerId: string) => KeyEntry[],
  validate: (input: unknown) => { config?: GatewayConfig; errors: string[] } = (input) => ({ config: withDefaults(input as GatewayConfigInput), errors: [] }),
): { config?: GatewayConfig; errors: string[] } {
  const { settings, errors } = readHostSettings(get);
  const exposure = exposureErrors(settings);
  if (exposure.length > 0) return { errors: [...exposure, ...errors] };
  const v = validate(toConfigInput(settings, keysFor));
  // Validation errors may quote config values; keys are only ever under providers[i].keys, which we never echo.
  return v.config ? { config: v.config, errors: [...errors, ...v.errors] } : { errors: [...errors, ...v.errors] };
}
