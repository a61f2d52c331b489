/** The gateway core's entry point: `createGateway(options)` builds a gateway that the CLI and VS Code host run. */
import { EventEmitter } from 'node:events';
import type http from 'node:http';
import type { GatewayConfig } from './config';
import { silentLogger, systemClock } from './ports';
import type { PipelineDeps } from './pipeline/chat';
import { buildProvider } from './providers/build';
import { ModelDiscovery } from './providers/discovery';
import type { ProviderRuntime } from './providers/runtime';
import { createModelMapper, type ModelMapper } from './routing/model-mapper';
import { compileRequestRules } from './rules/request-rules';
import type { KeyState } from './routing/types';
import { createAccessPolicy } from './policy/access-policy';
import { Inspector } from './inspector/inspector';
import { resolveKeys } from './routing/key-pool';
import { KeyStore } from './policy/key-store';
import { UsageStore } from './usage/usage-store';
import { pricesFromConfig, type PriceLookup } from './usage/totals';
import { buildApp } from './server/app';
import { frontDoor } from './server/model-lane';
import type { ServerContext } from './server/context';
import { close, listen } from './server/listen';
import type { Gateway, GatewayEvents, GatewayOptions } from './types';
import type { UsageRecord } from './policy/types';

export type { Gateway, GatewayOptions, GatewayEvents } from './types';
export type { GatewayConfig } from './config';
export { withDefaults, DEFAULT_PORT } from './config';

/** Tuning for tests and embedders. */
export interface GatewayInternals {
  /** Keep-alive interval for silent streams, ms (default 15 s). */
  keepAliveMs?: number;
}

/** Builds a gateway. Nothing listens until `start()`. */
export function createGateway(options: GatewayOptions & GatewayInternals): Gateway {
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const events = new EventEmitter<GatewayEvents>();
  let config = options.config;
  let providers = new Map<string, ProviderRuntime>();
  let mapper: ModelMapper;
  let prices: PriceLookup;
  /** The providers' secrets, resolved once per configuration (the inspector scrubs every captured chunk with them). */
  let secrets: string[] = [];
  let deps: PipelineDeps;
  let inflight = 0;
  let servers: http.Server[] = [];
  let port = 0;

  const rebuild = (next: GatewayConfig): void => {
    const old = providers;
    providers = new Map(next.providers.map((p) => [p.id, buildProvider(p, next, old.get(p.id), options.dispatcher)]));
    mapper = createModelMapper(next.modelMappings, next.providers);
    secrets = next.providers.flatMap((p) => resolveKeys(p.keys, process.env).map((k) => k.secret));
    prices = pricesFromConfig(next);
    for (const p of providers.values()) if (!p.config.models && p.models.length) mapper.setDiscovered(p.id, p.models.map((m) => m.id));
    const rules = next.requestRules.length ? compileRequestRules(next.requestRules) : undefined;
    deps = {
      refreshModels: () => discovery.refresh(providers.values(), clock.now(), true),
      rewrite: rules && ((body, providerId, upstreamModel) => {
        const applied = rules.apply(body, { providerId, upstreamModel });
        if (applied.changes.length) logger.debug('request rules applied', { provider: providerId, model: upstreamModel, changes: applied.changes });
        return applied.body;
      }),
      providers, resolve: (m) => mapper.resolve(m), maxAttempts: next.routing.maxAttempts, deadlineMs: next.routing.deadlineMs,
      clock, logger, dispatcher: options.dispatcher,
    };
    // Close only dispatchers this gateway created: an injected one (a proxy agent) belongs to the host.
    for (const [id, p] of old) {
      if (p.dispatcher === options.dispatcher) continue;
      if (!providers.has(id) || providers.get(id)!.dispatcher !== p.dispatcher) void p.dispatcher.close().catch(() => {});
    }
    config = next;
  };
  const discovery = new ModelDiscovery(logger, (p, ids) => {
    p.models = ids.map((id) => ({ id }));
    mapper.setDiscovered(p.id, ids);
  });
  rebuild(config);
  const keys = options.keyStore ?? new KeyStore(options.dataDir, clock);
  let stopKeyWatch: (() => void) | undefined;
  const currentPrices: PriceLookup = (m, p) => prices(m, p);
  const usage = new UsageStore({ dataDir: options.dataDir, clock, prices: currentPrices });
  usage.on('writeFailed', (e) => logger.warn('usage journal write failed; records are kept in memory until usage.json is written', { error: e.message }));
  const inspector = new Inspector(() => secrets);
  const access = createAccessPolicy({ keyStore: keys, usageStore: usage, clock, config, prices: currentPrices });

  const sc: ServerContext = {
    config: () => config,
    access,
    pipeline: () => deps,
    providers: () => providers,
    aliases: () => mapper.listAliases(),
    refreshModels: () => discovery.refresh(providers.values(), clock.now()),
    clock, logger,
    keepAliveMs: options.keepAliveMs ?? 15_000,
    version: options.version ?? '0.0.0',
    inspector,
    trackInflight: (d) => { inflight += d; events.emit('inflight', inflight); },
    record: (r: UsageRecord) => { usage.record(r); events.emit('request', r); },
  };
  const handler = frontDoor(sc, buildApp(sc).callback());

  const stopServers = async (list: http.Server[], graceMs: number): Promise<void> => {
    await Promise.race([Promise.all(list.map(close)), new Promise((r) => setTimeout(r, graceMs).unref())]);
    for (const s of list) s.closeAllConnections();
  };

  const gateway: Gateway = {
    async start() {
      const bound = await listen(handler, config.server.host, config.server.port);
      stopKeyWatch ??= keys.watch();
      servers = bound.servers;
      port = bound.port;
      logger.info('gateway listening', { url: gateway.baseUrl });
      void discovery.refresh(providers.values(), clock.now());
    },
    async stop(graceMs = 5000) {
      const list = servers;
      servers = [];
      await stopServers(list, graceMs);
      stopKeyWatch?.();
      stopKeyWatch = undefined;
      for (const p of providers.values()) if (p.dispatcher !== options.dispatcher) await p.dispatcher.close().catch(() => {});
      access.close();
      if (keys !== options.keyStore) keys.close();
      usage.close();
    },
    async reconfigure(next) {
      const rebind = next.server.host !== config.server.host || next.server.port !== config.server.port;
      rebuild(next);
      if (rebind && servers.length) {
        const old = servers;
        servers = [];
        // Stop accepting on the old listeners first (the port may be the same); in-flight streams keep their sockets.
        for (const s of old) { s.close(); s.closeIdleConnections(); }
        const bound = await listen(handler, next.server.host, next.server.port);
        servers = bound.servers;
        port = bound.port;
      }
    },
    get port() { return port; },
    get baseUrl() {
      const h = config.server.host;
      const host = h === '0.0.0.0' || h === '::' ? '127.0.0.1' : h.includes(':') ? `[${h}]` : h;
      return `http://${host}:${port}`;
    },
    get config() { return config; },
    events,
    keys,
    usage,
    inspector,
    explainModel: (model) => mapper.explain(model),
    inFlight: () => inflight,
    upstreamKeyStates() {
      const out: Record<string, KeyState[]> = {};
      for (const [id, p] of providers) out[id] = p.pool.states(clock.now());
      return out;
    },
  };
  return gateway;
}
