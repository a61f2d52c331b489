/**
 * A TCP port whose connects hang (SYNs dropped, as by a firewall or a dead host): a listener in a child process with
 * an accept queue of one, stopped with SIGSTOP and filled, so the kernel drops further handshakes. Only loopback.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';

/** A hanging port; `close()` frees everything. */
export interface Blackhole { port: number; close(): void }

export async function startBlackhole(): Promise<Blackhole> {
  const child = spawn(process.execPath, ['-e',
    "const s = require('net').createServer(() => {}); s.listen({ host: '127.0.0.1', port: 0, backlog: 1 }, () => console.log(s.address().port));"],
  { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
  });
  process.kill(child.pid!, 'SIGSTOP');
  // Fill the accept queue (backlog + 1 on Linux, and a margin): later handshakes are dropped.
  const fillers: net.Socket[] = [];
  for (let i = 0; i < 4; i++) { const s = net.connect(port, '127.0.0.1'); s.on('error', () => {}); fillers.push(s); }
  await new Promise((r) => setTimeout(r, 100));
  return {
    port,
    close: () => { for (const s of fillers) s.destroy(); try { process.kill(child.pid!, 'SIGKILL'); } catch { /* gone */ } },
  };
}
