/** Validates a config against the shipped JSON Schema (schema/config.schema.json), with errors naming JSON paths. */
import Ajv from 'ajv';
import schema from '../../schema/config.schema.json';
import { withDefaults, type GatewayConfig, type GatewayConfigInput } from './config';
import { QUIRKS } from './providers/quirks';
import { compileRequestRules } from './rules/request-rules';

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(schema);

/** `$.providers[0].type` style path from an Ajv instance path. */
function jsonPath(instancePath: string): string {
  return '$' + instancePath.split('/').slice(1).map((seg) => (/^\d+$/.test(seg) ? `[${seg}]` : `.${seg.replace(/~1/g, '/').replace(/~0/g, '~')}`)).join('');
}

/** Checks the schema, then cross-field rules (unique ids, mappings that name known providers, quirk names). */
export function validateConfig(input: unknown): { config?: GatewayConfig; errors: string[] } {
  if (!validate(input)) {
    const errors = (validate.errors ?? [])
      .filter((e) => e.keyword !== 'oneOf' || !(validate.errors ?? []).some((o) => o !== e && o.instancePath.startsWith(e.instancePath) && o.keyword !== 'oneOf'))
      .map((e) => `${jsonPath(e.instancePath)}: ${e.message ?? 'is invalid'}${e.keyword === 'enum' ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : ''}${e.keyword === 'additionalProperties' ? ` ('${(e.params as { additionalProperty: string }).additionalProperty}')` : ''}`);
    return { errors: [...new Set(errors)] };
  }
  const cfg = withDefaults(input as GatewayConfigInput);
  const errors: string[] = [];
  const ids = new Set<string>();
  cfg.providers.forEach((p, i) => {
    if (ids.has(p.id)) errors.push(`$.providers[${i}].id: duplicate provider id '${p.id}'`);
    ids.add(p.id);
    p.keys ??= [];
    (p.quirks ?? []).forEach((q, j) => { if (!QUIRKS[q]) errors.push(`$.providers[${i}].quirks[${j}]: unknown quirk '${q}' (known: ${Object.keys(QUIRKS).join(', ') || 'none'})`); });
  });
  cfg.modelMappings.forEach((m, i) => {
    const targets = Array.isArray(m.to) ? m.to : [m.to];
    targets.forEach((t, j) => {
      const provider = t.slice(0, t.indexOf('/'));
      if (!ids.has(provider)) errors.push(`$.modelMappings[${i}].to${Array.isArray(m.to) ? `[${j}]` : ''}: unknown provider '${provider}'`);
    });
  });
  try { compileRequestRules(cfg.requestRules); } catch (e) { errors.push(`$.requestRules: ${e instanceof Error ? e.message : String(e)}`); }
  return errors.length ? { errors } : { config: cfg, errors: [] };
}
