/**
 * The upstream dispatcher the host hands the gateway: VS Code's `http.proxy` / `http.proxyStrictSSL`, else the
 * standard HTTPS_PROXY / HTTP_PROXY / NO_PROXY variables. The host owns it (the gateway never closes an injected
 * dispatcher) and swaps its inner agent when settings change, so no restart and no dropped stream is needed.
 */
import { Agent, Dispatcher, EnvHttpProxyAgent } from 'undici';

/** What decides how upstream connections are made. */
export interface ProxySettings {
  /** VS Code `http.proxy` (empty: none). */
  proxy?: string;
  /** VS Code `http.proxyStrictSSL` (default true): verify TLS certificates upstream and of the proxy. */
  strictSSL?: boolean;
  /** Connect timeout, ms. */
  connectTimeoutMs?: number;
  /** Where HTTPS_PROXY, HTTP_PROXY and NO_PROXY are read (default process.env). */
  env?: NodeJS.ProcessEnv;
}

const envVar = (env: NodeJS.ProcessEnv, name: string): string | undefined => {
  const v = env[name] ?? env[name.toLowerCase()];
  return v && v.trim() !== '' ? v.trim() : undefined;
};

/** A short, secret-free description (proxy credentials are cut) for logs. */
export function describeProxy(s: ProxySettings): string {
  const env = s.env ?? process.env;
  const strip = (u: string): string => { try { const x = new URL(u); x.username = ''; x.password = ''; return x.origin; } catch { return '(unparsable proxy URL)'; } };
  if (s.proxy && s.proxy.trim() !== '') return `http.proxy ${strip(s.proxy.trim())}`;
  const p = envVar(env, 'HTTPS_PROXY') ?? envVar(env, 'HTTP_PROXY');
  return p ? `environment proxy ${strip(p)}` : 'direct';
}

/** Builds the agent for the settings: a proxy agent (CONNECT tunnels, NO_PROXY honoured) or a direct pooled agent. */
export function buildUpstreamAgent(s: ProxySettings): Dispatcher {
  const env = s.env ?? process.env;
  const tls = { rejectUnauthorized: s.strictSSL !== false };
  const common = { connect: { timeout: s.connectTimeoutMs ?? 10_000, ...tls }, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, connections: 256 };
  const noProxy = envVar(env, 'NO_PROXY') ?? '';
  const setting = s.proxy && s.proxy.trim() !== '' ? s.proxy.trim() : undefined;
  if (setting) {
    return new EnvHttpProxyAgent({ ...common, httpProxy: setting, httpsProxy: setting, noProxy, requestTls: tls, proxyTls: tls });
  }
  const httpsProxy = envVar(env, 'HTTPS_PROXY');
  const httpProxy = envVar(env, 'HTTP_PROXY');
  if (httpsProxy || httpProxy) {
    // Like curl: https:// upstreams use HTTPS_PROXY (else HTTP_PROXY), http:// upstreams use HTTP_PROXY only.
    return new EnvHttpProxyAgent({ ...common, httpProxy: httpProxy ?? '', httpsProxy: httpsProxy ?? httpProxy, noProxy, requestTls: tls, proxyTls: tls });
  }
  return new Agent(common);
}

/** A stable dispatcher whose inner agent can be replaced; the old agent is closed gracefully (in-flight requests finish). */
export class SwitchableDispatcher extends Dispatcher {
  constructor(private inner: Dispatcher) { super(); }

  /** Routes new requests through `next`; the previous agent drains and closes. */
  swap(next: Dispatcher): void {
    const old = this.inner;
    this.inner = next;
    void old.close().catch(() => undefined);
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return this.inner.dispatch(options, handler);
  }

  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    const p = this.inner.close();
    if (!callback) return p;
    void p.then(callback, callback);
  }

  override destroy(): Promise<void>;
  override destroy(err: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(err: Error | null, callback: () => void): void;
  override destroy(a?: Error | null | (() => void), b?: () => void): Promise<void> | void {
    const err = typeof a === 'function' ? null : a ?? null;
    const callback = typeof a === 'function' ? a : b;
    const p = this.inner.destroy(err);
    if (!callback) return p;
    void p.then(callback, callback);
  }
}
