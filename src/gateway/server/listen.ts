/** Binds the HTTP listeners: on loopback, both 127.0.0.1 and ::1, so `localhost` works whichever address a client picks. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isLoopbackHost } from '../policy/auth-mode';

type Handler = http.RequestListener;

/** Listens on `host:port` (and on ::1 too for loopback); resolves to the servers and the bound port. */
export async function listen(handler: Handler, host: string, port: number): Promise<{ servers: http.Server[]; port: number }> {
  const loopback = isLoopbackHost(host);
  const primaryHost = loopback ? '127.0.0.1' : host;
  const primary = await bind(handler, primaryHost, port);
  const bound = (primary.address() as AddressInfo).port;
  const servers = [primary];
  if (loopback) {
    try { servers.push(await bind(handler, '::1', bound)); } catch (e) {
      // A machine without IPv6 loopback is fine; anything else holding ::1:<port> is not.
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EADDRNOTAVAIL' && code !== 'EAFNOSUPPORT') { await close(primary); throw e; }
    }
  }
  return { servers, port: bound };
}

/**
 * Connections the kernel may queue before the event loop accepts them (Node's default is 511; Linux caps it at
 * net.core.somaxconn, 4096 on current kernels). A burst of parallel agents opening more than the queue holds gets SYNs
 * dropped, and each dropped one costs its client a 1 s retransmit: measured with 1,000 streams opened at once.
 */
const LISTEN_BACKLOG = 4096;

function bind(handler: Handler, host: string, port: number): Promise<http.Server> {
  return new Promise((resolve, reject) => {
    const server = http.createServer({ keepAliveTimeout: 65_000, requestTimeout: 0, headersTimeout: 60_000 }, handler);
    server.once('error', reject);
    server.listen({ host, port, ipv6Only: host === '::1', backlog: LISTEN_BACKLOG }, () => { server.off('error', reject); resolve(server); });
  });
}

/** Closes a server, ending idle keep-alive sockets. */
export function close(server: http.Server): Promise<void> {
  return new Promise((resolve) => { server.close(() => resolve()); server.closeIdleConnections(); });
}
