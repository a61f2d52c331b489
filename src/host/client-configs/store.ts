/**
 * Writes a planned config with a backup manifest next to it, and restores from that manifest. The manifest keeps
 * the original bytes, so Restore is byte-exact when nobody touched the file since; otherwise only our part is undone.
 */
import { readFileIfExists } from '../../gateway/policy/atomic-file';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { revertPaths, type ManagedPath } from './json-edit';
import { backupPath, type ConfigClient } from './paths';
import type { ConfigPlan } from './plans';
import { CODEX_BLOCKS } from './plans';
import { removeBlock } from './toml-blocks';

/** The backup manifest (`<file>.switchboard-backup.json`). */
export interface BackupManifest {
  version: 1;
  client: ConfigClient;
  file: string;
  /** Whether the file existed before the first Configure. */
  existed: boolean;
  /** Its bytes before the first Configure (utf8). */
  original: string;
  /** sha256 of what Switchboard last wrote. */
  written: string;
  /** JSON paths set, with their values before the first Configure. */
  managed: ManagedPath[];
  /** Folders Configure created (removed again when empty). */
  createdDirs: string[];
}

/** What Restore did for one file. */
export interface RestoreResult { file: string; outcome: 'restored' | 'reverted-own-changes' | 'removed' }

const sha = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

/** Reads a file as utf8, or undefined when it does not exist. */
export const readIfExists = readFileIfExists;

function readManifest(file: string): BackupManifest | undefined {
  const raw = readIfExists(backupPath(file));
  if (raw === undefined) return undefined;
  const m = JSON.parse(raw) as BackupManifest;
  if (m.version !== 1 || typeof m.original !== 'string') throw new Error(`${backupPath(file)} is not a Switchboard backup`);
  return m;
}

function mkdirs(dir: string): string[] {
  const created: string[] = [];
  let d = dir;
  while (!fs.existsSync(d)) { created.unshift(d); d = path.dirname(d); }
  for (const c of created) fs.mkdirSync(c);
  return created;
}

/** Writes atomically (temp file + rename) so a crash never leaves half a config. */
function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.switchboard-tmp-${process.pid}`;
  fs.writeFileSync(tmp, text, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** Writes `plan.after`, keeping the first backup across repeated Configures. Refuses if the file changed since planning. */
export function applyPlan(plan: ConfigPlan): BackupManifest {
  const now = readIfExists(plan.file);
  if ((now ?? '') !== plan.before || (now !== undefined) !== plan.existed) throw new Error(`${plan.file} changed since the preview; run the command again`);
  const prior = readManifest(plan.file);
  const createdDirs = prior?.createdDirs ?? mkdirs(path.dirname(plan.file));
  // Paths set before keep their first "previous"; new ones are added.
  const managed = [...(prior?.managed ?? [])];
  for (const m of plan.managed) if (!managed.some((p) => JSON.stringify(p.path) === JSON.stringify(m.path))) managed.push(m);
  const manifest: BackupManifest = {
    version: 1, client: plan.client, file: plan.file,
    existed: prior ? prior.existed : plan.existed,
    original: prior ? prior.original : plan.before,
    written: sha(plan.after), managed, createdDirs,
  };
  // The manifest first: if writing the config fails, a backup already exists.
  writeAtomic(backupPath(plan.file), JSON.stringify(manifest, null, 2) + '\n');
  writeAtomic(plan.file, plan.after);
  return manifest;
}

/** Whether a backup manifest exists for `file`. */
export function hasBackup(file: string): boolean {
  return fs.existsSync(backupPath(file));
}

/** Puts the file back: the original bytes if unchanged since Configure, else removes only Switchboard's part. */
export function restoreFile(file: string): RestoreResult | undefined {
  const m = readManifest(file);
  if (!m) return undefined;
  const now = readIfExists(file);
  const manifestFile = backupPath(file);
  let outcome: RestoreResult['outcome'];
  if (now !== undefined && sha(now) !== m.written) {
    const reverted = m.client === 'codex'
      ? removeBlock(removeBlock(now, CODEX_BLOCKS.root), CODEX_BLOCKS.provider)
      : revertPaths(now, m.managed);
    writeAtomic(file, reverted);
    outcome = 'reverted-own-changes';
  } else if (m.existed) {
    writeAtomic(file, m.original);
    outcome = 'restored';
  } else {
    if (now !== undefined) fs.rmSync(file);
    fs.rmSync(manifestFile);
    for (const d of [...m.createdDirs].reverse()) { try { fs.rmdirSync(d); } catch { /* not empty: someone else uses it */ } }
    return { file, outcome: 'removed' };
  }
  fs.rmSync(manifestFile);
  return { file, outcome };
}
