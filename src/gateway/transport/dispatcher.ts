/** One pooled keep-alive dispatcher per provider, honouring HTTPS_PROXY / NO_PROXY from the environment. */
import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';

/** Connection settings for one provider. */
export interface DispatcherOptions { connectTimeoutMs: number; env?: NodeJS.ProcessEnv }

const PROXY_VARS = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

/** Builds a dispatcher: a proxy agent when a proxy variable is set, else a plain pooled Agent. */
export function createDispatcher({ connectTimeoutMs, env = process.env }: DispatcherOptions): Dispatcher {
  const common = { connect: { timeout: connectTimeoutMs }, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000 };
  if (PROXY_VARS.some((v) => env[v])) {
    return new EnvHttpProxyAgent({
      ...common,
      httpProxy: env.HTTP_PROXY || env.http_proxy || undefined,
      httpsProxy: env.HTTPS_PROXY || env.https_proxy || undefined,
      noProxy: env.NO_PROXY || env.no_proxy || undefined,
    });
  }
  return new Agent(common);
}
