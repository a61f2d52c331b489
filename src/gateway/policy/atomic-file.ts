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
  const tmp = atomicTempPath(file);
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

/**
 * `writeFileAtomic` without blocking the event loop: the temp file is written and fsynced on the thread pool,
 * then `commit()` decides synchronously whether it still may replace `file` (false: a newer write won, the temp
 * file is dropped). The rename itself is synchronous (a metadata operation, no flush) so a synchronous
 * `writeFileAtomic` issued meanwhile can never be overtaken by this older content. Resolves true when renamed.
 */
export async function writeFileAtomicAsync(
  file: string, data: string, commit: () => boolean, tmp = atomicTempPath(file),
): Promise<boolean> {
  const dir = path.dirname(file);
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
  const fh = await fs.promises.open(tmp, 'wx', 0o600);
  let renamed = false;
  try {
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (commit()) { fs.renameSync(tmp, file); renamed = true; }
  } finally {
    if (!renamed) await fs.promises.unlink(tmp).catch(() => { /* already gone */ });
  }
  try {
    const dh = await fs.promises.open(dir, 'r');
    try { await dh.sync(); } finally { await dh.close(); }
  } catch { /* best effort, as in writeFileAtomic */ }
  return renamed;
}

/** A unique temp name next to `file` (same folder, so the rename stays on one file system). */
export function atomicTempPath(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBase62(8)}.tmp`);
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
