/** Crash-safe writes of small state files (gateway keys, usage) readable only by their owner. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBase62 } from '../core/ids';

/** Creates `dir` (and parents) with mode 0700 when missing. Existing folders keep their mode. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * Replaces `file` with `data` atomically: write a temp file in the same folder, fsync it, rename it over.
 * A reader (or a crash) sees the old content or the new, never half of either. Mode 0600 because these
 * files hold key hashes and usage that other local users have no business reading.
 */
export function writeFileAtomic(file: string, data: string): void {
  const dir = path.dirname(file);
  ensurePrivateDir(dir);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBase62(8)}.tmp`);
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(tmp, file);
  } catch (e) {
    try { fs.unlinkSync(tmp); } catch { /* already gone */ }
    throw e;
  }
  // Persist the rename itself; directories cannot be opened for fsync on Windows, so this is best effort.
  try {
    const dfd = fs.openSync(dir, 'r');
    try { fs.fsyncSync(dfd); } finally { fs.closeSync(dfd); }
  } catch { /* best effort */ }
}

/** Reads a UTF-8 file, or undefined when it does not exist. */
export function readFileIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
