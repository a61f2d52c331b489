/** Child processes for the bench: spawning pinned to a core, reading CPU time and memory from /proc, free ports. */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

/** Whether `taskset` is available (Linux util-linux). */
export const hasTaskset = spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0;

/** Clock ticks per second for /proc/<pid>/stat times. */
export const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

/** The soft open-files limit of this process's shell (`ulimit -n`). */
export function openFileLimit() {
  const out = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).stdout?.trim();
  return out === 'unlimited' ? Infinity : Number(out) || NaN;
}

/** Pins a running process to `core` (no-op without taskset). */
export function pin(pid, core) {
  if (hasTaskset) spawnSync('taskset', ['-pc', String(core), String(pid)], { stdio: 'ignore' });
}

/** Spawns `node args…`, pinned to `core` when taskset exists (taskset execs, so the pid is node's). */
export function spawnNode(args, { core, env } = {}) {
  const cmd = hasTaskset && core !== undefined ? 'taskset' : process.execPath;
  const argv = hasTaskset && core !== undefined ? ['-c', String(core), process.execPath, ...args] : args;
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
  child.output = '';
  const keep = (d) => { if (child.output.length < 64_000) child.output += d.toString(); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return child;
}

/** Waits until the child's output matches `re` (bounded by `timeoutMs`); resolves to the match. */
export function waitForOutput(child, re, timeoutMs = 15_000) {
  return new Promise((resolve, reject) => {
    const check = () => { const m = re.exec(child.output); if (m) { cleanup(); resolve(m); } };
    const onExit = (code) => { cleanup(); reject(new Error(`process exited (${code}) before ready: ${child.output.slice(-2000)}`)); };
    const timer = setTimeout(() => { cleanup(); reject(new Error(`not ready within ${timeoutMs} ms: ${child.output.slice(-2000)}`)); }, timeoutMs);
    const cleanup = () => { clearTimeout(timer); child.stdout.off('data', check); child.stderr.off('data', check); child.off('exit', onExit); };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.once('exit', onExit);
    check();
  });
}

/** Stops a child with SIGTERM (SIGKILL after `graceMs`); resolves when it has exited. */
export function stop(child, graceMs = 5000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
    child.kill('SIGTERM');
  });
}

/** User+system CPU time of `pid` so far, in milliseconds (from /proc/<pid>/stat). */
export function cpuMs(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

/** Current and peak resident memory of `pid` in MB (VmRSS, VmHWM). */
export function memMb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

/** Resets the peak-RSS mark of `pid` (Linux clear_refs 5); false when not allowed. */
export function resetPeak(pid) {
  try { fs.writeFileSync(`/proc/${pid}/clear_refs`, '5'); return true; } catch { return false; }
}

/** Samples VmRSS of `pid` every `everyMs`; `stop()` returns the largest seen, in MB. */
export function rssSampler(pid, everyMs = 50) {
  let max = 0;
  const sample = () => { try { max = Math.max(max, memMb(pid).rss); } catch { /* process gone */ } };
  sample();
  const timer = setInterval(sample, everyMs);
  return { stop: () => { clearInterval(timer); sample(); return max; } };
}

/** A free TCP port on 127.0.0.1 (briefly bound and released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}
