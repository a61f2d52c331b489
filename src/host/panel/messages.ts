/** Validation of what the webview posts: untrusted input becomes a typed `ToHost`, or an error naming the bad field. */
import type { ProviderType } from '../../gateway/providers/types';
import { isMessage, type GatewayKeyCreate, type MappingRule, type ProviderForm, type SetupClient, type ToHost } from '../../shared/webview-protocol';

type Obj = Record<string, unknown>;

const PROVIDER_TYPES: readonly ProviderType[] = ['openai', 'openai-compatible', 'openai-responses', 'anthropic', 'gemini'];
const SETUP_CLIENTS: readonly SetupClient[] = ['codex', 'claude-code', 'kilo-code'];
const LIMIT_FIELDS = ['rpm', 'rpd', 'concurrency', 'quotaTokens', 'maxTokens'] as const;

/** Thrown (and reported as an error notice) when a message is malformed. */
class Invalid extends Error {}

const str = (o: Obj, f: string, max = 4096): string => {
  const v = o[f];
  if (typeof v !== 'string' || v.length > max) throw new Invalid(`"${f}" must be a string`);
  return v;
};
const optStr = (o: Obj, f: string): string | undefined => (o[f] === undefined ? undefined : str(o, f));
const bool = (o: Obj, f: string): boolean => {
  if (typeof o[f] !== 'boolean') throw new Invalid(`"${f}" must be true or false`);
  return o[f] as boolean;
};
const strList = (v: unknown, f: string): string[] => {
  if (!Array.isArray(v) || v.length > 1000 || !v.every((x) => typeof x === 'string')) throw new Invalid(`"${f}" must be a list of strings`);
  return [...v] as string[];
};
const oneOf = <T extends string>(v: unknown, allowed: readonly T[], f: string): T => {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw new Invalid(`"${f}" must be one of ${allowed.join(', ')}`);
  return v as T;
};
const obj = (v: unknown, f: string): Obj => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Invalid(`"${f}" must be an object`);
  return v as Obj;
};

function providerForm(v: unknown): ProviderForm {
  const p = obj(v, 'provider');
  const headers = obj(p.headers, 'provider.headers');
  if (!Object.values(headers).every((x) => typeof x === 'string')) throw new Invalid('"provider.headers" must map names to strings');
  return {
    id: str(p, 'id', 64), type: oneOf(p.type, PROVIDER_TYPES, 'provider.type'), baseUrl: str(p, 'baseUrl'),
    headers: { ...(headers as Record<string, string>) }, models: strList(p.models, 'provider.models'), enabled: bool(p, 'enabled'),
  };
}

function mappingRules(v: unknown): MappingRule[] {
  if (!Array.isArray(v) || v.length > 1000) throw new Invalid('"mappings" must be a list');
  return v.map((r, i) => {
    const o = obj(r, `mappings[${i}]`);
    return { from: str(o, 'from'), to: strList(o.to, `mappings[${i}].to`) };
  });
}

function gatewayKeyCreate(o: Obj): GatewayKeyCreate {
  const out: GatewayKeyCreate = { name: str(o, 'name', 200), models: strList(o.models, 'models'), denyModels: strList(o.denyModels, 'denyModels') };
  for (const f of LIMIT_FIELDS) {
    const v = o[f];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Invalid(`"${f}" must be a non-negative integer`);
    out[f] = v;
  }
  const exp = optStr(o, 'expiresAt');
  if (exp !== undefined) {
    if (Number.isNaN(Date.parse(exp))) throw new Invalid('"expiresAt" must be a date');
    out.expiresAt = exp;
  }
  return out;
}

/** Checks every field of a message the webview posted. Returns the typed message, or `{ error }`. */
export function parseToHost(value: unknown): ToHost | { error: string } {
  if (!isMessage(value)) return { error: 'not a message' };
  const o = value as Obj;
  try {
    const type = value.type as ToHost['type'];
    switch (type) {
      case 'panel/ready': return { type };
      case 'provider/save': return { type, provider: providerForm(o.provider) };
      case 'provider/delete': return { type, id: str(o, 'id', 64) };
      case 'provider/test': return { type, id: str(o, 'id', 64) };
      case 'key/add': return { type, providerId: str(o, 'providerId', 64), label: str(o, 'label', 200), secret: str(o, 'secret', 16384) };
      case 'key/delete': return { type, providerId: str(o, 'providerId', 64), keyId: str(o, 'keyId', 64) };
      case 'gatewayKey/create': return { type, ...gatewayKeyCreate(o) };
      case 'gatewayKey/setStatus': return { type, id: str(o, 'id', 64), status: oneOf(o.status, ['active', 'disabled'] as const, 'status') };
      case 'gatewayKey/delete': return { type, id: str(o, 'id', 64) };
      case 'gatewayKey/copy': return { type, id: str(o, 'id', 64) };
      case 'mapping/save': return { type, mappings: mappingRules(o.mappings) };
      case 'mapping/try': return { type, model: str(o, 'model', 512) };
      case 'setup/copy': {
        const keyId = optStr(o, 'keyId');
        const model = optStr(o, 'model');
        return { type, client: oneOf(o.client, SETUP_CLIENTS, 'client'), ...(keyId ? { keyId } : {}), ...(model ? { model } : {}) };
      }
      case 'setup/configure': return { type, client: oneOf(o.client, SETUP_CLIENTS, 'client') };
      case 'inspector/toggle': return { type, enabled: bool(o, 'enabled') };
      case 'inspector/replay': return { type, requestId: str(o, 'requestId', 200) };
      case 'inspector/copyCurl': return { type, requestId: str(o, 'requestId', 200) };
      case 'gateway/toggle': return { type, run: bool(o, 'run') };
      default: {
        const unknownType: never = type;
        return { error: `unknown message type "${String(unknownType).slice(0, 64)}"` };
      }
    }
  } catch (e) {
    if (e instanceof Invalid) return { error: `${String(value.type).slice(0, 64)}: ${e.message}` };
    throw e;
  }
}
