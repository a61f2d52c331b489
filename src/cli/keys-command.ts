/** `switchboard keys create|list|disable|enable|delete`: manages gateway keys in the data folder. */
import { parseArgs } from 'node:util';
import { GatewayError } from '../gateway/core/errors';
import type { Clock } from '../gateway/ports';
import { KeyStore, type CreateKeyOptions } from '../gateway/policy/key-store';
import type { GatewayKeyRecord } from '../gateway/policy/types';
import { formatCount, formatTable, formatTime } from '../gateway/usage/format';

/** Where a CLI handler reads and writes. */
export interface CliIo {
  /** Default data folder; `--data-dir` overrides it. */
  dataDir: string;
  /** Prints one line to stdout. */
  out: (line: string) => void;
  /** Prints one line to stderr (defaults to `out`). */
  err?: (line: string) => void;
  clock?: Clock;
}

const HELP = [
  'Usage: switchboard keys <command> [options] [--data-dir DIR]',
  '',
  'Commands:',
  '  create --name NAME [limits]    Create a key and print it (shown only this once)',
  '  list                           List keys (never the keys themselves, only their last 4 characters)',
  '  disable <id|name>              Refuse a key from now on',
  '  enable <id|name>               Accept a disabled key again',
  '  delete <id|name>               Remove a key for good',
  '',
  'Limits for create:',
  '  --models GLOB,...      Allowed models (default: all). `*` matches any characters, `/` included',
  '  --deny-models GLOB,... Denied models (wins over --models)',
  '  --rpm N  --rpd N       Requests per minute / per local day',
  '  --concurrency N        Requests at once',
  '  --quota TOKENS         Total tokens; --quota-per-day TOKENS; --quota-spend AMOUNT (needs model prices)',
  '  --max-tokens N         Largest max_tokens a request may ask for',
  '  --expires DATE         ISO date or date-time; a bare date expires at the end of that local day',
];

const LIMIT_OPTIONS = {
  name: { type: 'string' }, models: { type: 'string' }, 'deny-models': { type: 'string' },
  rpm: { type: 'string' }, rpd: { type: 'string' }, concurrency: { type: 'string' },
  quota: { type: 'string' }, 'quota-per-day': { type: 'string' }, 'quota-spend': { type: 'string' },
  'max-tokens': { type: 'string' }, expires: { type: 'string' },
} as const;

class UsageError extends Error {}

function int(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`--${flag} must be a non-negative integer, got "${value}"`);
  return Number(value);
}

function globs(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const list = value.split(',').map((g) => g.trim()).filter(Boolean);
  return list.length > 0 ? list : undefined;
}

/** Parses `--expires`: a bare `YYYY-MM-DD` means the end of that local day; anything else goes to Date.parse. */
export function parseExpiry(value: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  const t = m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1).getTime() : Date.parse(value);
  if (!Number.isFinite(t)) throw new UsageError(`--expires must be an ISO date or date-time, got "${value}"`);
  return t;
}

function limitsSummary(k: GatewayKeyRecord): string {
  const parts: string[] = [];
  if (k.rpm !== undefined) parts.push(`rpm=${k.rpm}`);
  if (k.rpd !== undefined) parts.push(`rpd=${k.rpd}`);
  if (k.concurrency !== undefined) parts.push(`conc=${k.concurrency}`);
  if (k.quotaTokens !== undefined) parts.push(`quota=${formatCount(k.quotaTokens)}`);
  if (k.quotaTokensPerDay !== undefined) parts.push(`quota/day=${formatCount(k.quotaTokensPerDay)}`);
  if (k.quotaSpend !== undefined) parts.push(`spend=${k.quotaSpend}`);
  if (k.maxTokens !== undefined) parts.push(`max_tokens=${k.maxTokens}`);
  return parts.join(' ') || '-';
}

function modelsSummary(k: GatewayKeyRecord): string {
  const allow = k.models && k.models.length > 0 ? k.models.join(',') : '*';
  return k.denyModels && k.denyModels.length > 0 ? `${allow} !${k.denyModels.join(',!')}` : allow;
}

function create(store: KeyStore, argv: string[], io: CliIo): number {
  const { values, positionals } = parseArgs({ args: argv, options: { ...LIMIT_OPTIONS, 'data-dir': { type: 'string' } }, allowPositionals: true });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (!values.name) throw new UsageError('create needs --name NAME');
  const spend = values['quota-spend'];
  if (spend !== undefined && !(Number(spend) >= 0)) throw new UsageError(`--quota-spend must be a non-negative number, got "${spend}"`);
  const opts: CreateKeyOptions = {
    name: values.name, models: globs(values.models), denyModels: globs(values['deny-models']),
    rpm: int(values.rpm, 'rpm'), rpd: int(values.rpd, 'rpd'), concurrency: int(values.concurrency, 'concurrency'),
    quotaTokens: int(values.quota, 'quota'), quotaTokensPerDay: int(values['quota-per-day'], 'quota-per-day'),
    quotaSpend: spend === undefined ? undefined : Number(spend), maxTokens: int(values['max-tokens'], 'max-tokens'),
    expiresAt: values.expires === undefined ? undefined : parseExpiry(values.expires),
  };
  const { key, record } = store.create(opts);
  io.out(`Created gateway key "${record.name}" (${record.id}).`);
  io.out('');
  io.out(`  ${key}`);
  io.out('');
  io.out('Copy it now: it is stored only as a hash and cannot be shown again.');
  return 0;
}

function list(store: KeyStore, io: CliIo): number {
  const keys = store.list();
  if (keys.length === 0) {
    io.out('No gateway keys. Create one with: switchboard keys create --name NAME');
    return 0;
  }
  const rows = keys.map((k) => [
    k.id, k.name, k.status, `sb-…${k.hint}`, modelsSummary(k), limitsSummary(k),
    formatTime(k.createdAt), formatTime(k.lastUsedAt), formatTime(k.expiresAt),
  ]);
  for (const line of formatTable(['ID', 'NAME', 'STATUS', 'KEY', 'MODELS', 'LIMITS', 'CREATED', 'LAST USED', 'EXPIRES'], rows)) io.out(line);
  return 0;
}

function byIdOrName(store: KeyStore, command: string, argv: string[], io: CliIo): number {
  const { positionals } = parseArgs({ args: argv, options: { 'data-dir': { type: 'string' } }, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError(`${command} needs exactly one key id or name`);
  const target = store.find(positionals[0]!);
  if (!target) {
    (io.err ?? io.out)(`No gateway key with id or name "${positionals[0]}".`);
    return 1;
  }
  if (command === 'delete') store.delete(target.id);
  else if (command === 'disable') store.disable(target.id);
  else store.enable(target.id);
  io.out(`${command === 'delete' ? 'Deleted' : command === 'disable' ? 'Disabled' : 'Enabled'} gateway key "${target.name}" (${target.id}).`);
  return 0;
}

/** Pulls `--data-dir DIR` / `--data-dir=DIR` out of argv wherever it appears. */
export function dataDirFrom(argv: string[], fallback: string): string {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--data-dir' && argv[i + 1] !== undefined) return argv[i + 1]!;
    if (a.startsWith('--data-dir=')) return a.slice('--data-dir='.length);
  }
  return fallback;
}

/**
 * Runs `switchboard keys …`; `argv` is everything after `keys`. Resolves to the process exit code
 * (0 ok, 1 failure, 2 bad usage). Never prints a key except the new one from `create`.
 */
export async function runKeysCommand(argv: string[], io: CliIo): Promise<number> {
  const err = io.err ?? io.out;
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    for (const line of HELP) io.out(line);
    return command === undefined ? 2 : 0;
  }
  try {
    const store = new KeyStore(dataDirFrom(rest, io.dataDir), io.clock);
    switch (command) {
      case 'create': return create(store, rest, io);
      case 'list': case 'ls':
        parseArgs({ args: rest, options: { 'data-dir': { type: 'string' } }, allowPositionals: false });
        return list(store, io);
      case 'disable': case 'enable': case 'delete': return byIdOrName(store, command, rest, io);
      default:
        err(`Unknown keys command "${command}". Run: switchboard keys --help`);
        return 2;
    }
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`switchboard keys: ${(e as Error).message}`);
      return 2;
    }
    if (GatewayError.is(e)) {
      err(`switchboard keys: ${e.message}`);
      return 1;
    }
    throw e;
  }
}
