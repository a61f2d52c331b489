/** What Configure Codex / Claude Code / Kilo Code would change: the file's text before and after, never written here. */
import { claudeCodeSetup, codexSetup, kiloSetup, PROVIDER_ID, type ClaudeAuthVariable, type SetupInput } from '../../shared/client-setups';
import type { ConfigClient } from './paths';
import { readJsonObject, setPaths, valueAt, type ManagedPath } from './json-edit';
import { appendBlock, hasBlock, parseToml, prependBlock, removeBlock } from './toml-blocks';
import type { JSONPath } from './jsonc';

/** A proposed edit of one config file. */
export interface ConfigPlan {
  client: ConfigClient;
  file: string;
  /** Current content (`''` when the file does not exist). */
  before: string;
  existed: boolean;
  after: string;
  /** JSON paths set (JSON files only), with what they held before. */
  managed: ManagedPath[];
  /** Things the user should know (e.g. a root key left alone). */
  notes: string[];
}

/** Names of the marked TOML blocks in config.toml. */
export const CODEX_BLOCKS = { root: 'root', provider: 'provider' } as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** config.toml with Switchboard's two marked blocks (root keys at the top, the provider table at the end). */
export function planCodex(file: string, current: string | undefined, input: SetupInput): ConfigPlan {
  const before = current ?? '';
  parseToml(before, file);
  const stripped = removeBlock(removeBlock(before, CODEX_BLOCKS.root), CODEX_BLOCKS.provider);
  const user = parseToml(stripped, file);
  const providers = user.model_providers;
  if (isObject(providers) && PROVIDER_ID in providers) {
    throw new Error(`${file} already defines [model_providers.${PROVIDER_ID}] outside Switchboard's block; rename or remove it first`);
  }
  const setup = codexSetup(input);
  const notes: string[] = [];
  let after = stripped;
  const ownRoot = ['model_provider', 'model'].filter((k) => k in user);
  if (ownRoot.length > 0) {
    // Duplicate root keys make the file invalid, and the user's own lines are theirs: leave them and say how to switch.
    notes.push(`${file} already sets ${ownRoot.join(' and ')}; left as is. Run: codex -c model_provider=${PROVIDER_ID} -m ${input.model}`);
  } else {
    after = prependBlock(after, CODEX_BLOCKS.root, setup.rootToml);
  }
  after = appendBlock(after, CODEX_BLOCKS.provider, setup.providerToml);
  const parsed = parseToml(after, `the new ${file}`);
  const mine = isObject(parsed.model_providers) ? parsed.model_providers[PROVIDER_ID] : undefined;
  if (!isObject(mine) || mine.wire_api !== 'responses') throw new Error(`internal: the generated ${file} lost the provider table`);
  notes.push(`Codex reads the key from ${setup.envKey}: ${setup.exportLine.replace(/=.*/, '=…')}`);
  return { client: 'codex', file, before, existed: current !== undefined, after, managed: [], notes };
}

/** JSON edits: when the parent object is missing, set it whole so Restore removes it whole. */
function objectSets(text: string, parent: JSONPath, entries: Record<string, unknown>): Array<[JSONPath, unknown]> {
  const cur = valueAt(text, parent);
  if (!cur.existed || !isObject(cur.value)) return [[parent, entries]];
  return Object.entries(entries).map(([k, v]) => [[...parent, k], v]);
}

/** ~/.claude/settings.json with the Switchboard env variables (exactly one auth variable). */
export function planClaudeCode(file: string, current: string | undefined, input: SetupInput): ConfigPlan {
  const before = current ?? '';
  const json = readJsonObject(before, file);
  const env = isObject(json.env) ? json.env : {};
  // Keep whichever auth variable the user already uses, so the file never ends up with both.
  const auth: ClaudeAuthVariable = 'ANTHROPIC_API_KEY' in env && !('ANTHROPIC_AUTH_TOKEN' in env) ? 'ANTHROPIC_API_KEY' : 'ANTHROPIC_AUTH_TOKEN';
  const setup = claudeCodeSetup(input, auth);
  const notes: string[] = [];
  if ('ANTHROPIC_API_KEY' in env && 'ANTHROPIC_AUTH_TOKEN' in env) notes.push(`${file} sets both ANTHROPIC_AUTH_TOKEN and ANTHROPIC_API_KEY; remove one`);
  const { text, managed } = setPaths(before, objectSets(before, ['env'], setup.env));
  return { client: 'claude-code', file, before, existed: current !== undefined, after: text, managed, notes };
}

/** kilo.jsonc with `provider.switchboard` and `model` pointing at it. */
export function planKilo(file: string, current: string | undefined, input: SetupInput): ConfigPlan {
  const before = current ?? '';
  readJsonObject(before, file);
  const setup = kiloSetup(input);
  const sets: Array<[JSONPath, unknown]> = [...objectSets(before, ['provider'], { [PROVIDER_ID]: setup.provider }), [['model'], setup.modelRef]];
  const { text, managed } = setPaths(before, sets);
  return { client: 'kilo-code', file, before, existed: current !== undefined, after: text, managed, notes: [] };
}

/** Whether a TOML text carries Switchboard blocks (used by Restore when the file changed after Configure). */
export function hasCodexBlocks(text: string): boolean {
  return hasBlock(text, CODEX_BLOCKS.root) || hasBlock(text, CODEX_BLOCKS.provider);
}
