/** Composition root: builds the ports, the gateway controller and the UI pieces; one Disposable owns them all. */
import * as vscode from 'vscode';
import { createGateway } from '../gateway';
import { validateConfig } from '../gateway/config-validate';
import { KeyStore } from '../gateway/policy/key-store';
import type { Logger } from '../gateway/ports';
import type { SwitchboardApi } from './api';
import { registerCommands, notifyState } from './commands';
import { buildGatewayConfig, readHostSettings } from './config-mapping';
import { configPath } from './client-configs';
import { GatewayController } from './gateway-controller';
import { createHostLogger, type LogLevel } from './logger';
import { openPanel, registerPanelSerializer } from './panel/panel';
import { HostSecrets } from './secrets';
import { onDidChangeSettings, settingsGetter } from './settings';
import { StatusBar } from './status-bar';
import { registerClientCommands } from './client-commands';
import { probeSwitchboard } from './probe';
import { buildUpstreamAgent, describeProxy, SwitchableDispatcher, type ProxySettings } from './proxy';

/** How often a window that is not serving re-checks the port owner (ms); each probe is capped at 1.5 s. */
const TAKEOVER_POLL_MS = 3000;

/** VS Code's proxy settings plus ours, read fresh. */
function proxySettings(): ProxySettings {
  const http = vscode.workspace.getConfiguration('http');
  const connectMs = vscode.workspace.getConfiguration('switchboard').get<number>('timeouts.connectMs');
  return { proxy: http.get<string>('proxy') ?? '', strictSSL: http.get<boolean>('proxyStrictSSL') !== false, connectTimeoutMs: connectMs && connectMs > 0 ? connectMs : undefined };
}

/** The activated extension: its API and how to shut it down. */
export interface HostServices extends vscode.Disposable {
  api: SwitchboardApi;
  /** Records how long activation took (set by `activate()`, shown by the API). */
  setActivationMs(ms: number): void;
  /** Stops the gateway and frees the port (awaited by `deactivate`). */
  shutdown(): Promise<void>;
}

/** Builds everything; starts the gateway when `switchboard.autoStart` is on. */
export async function createHostServices(context: vscode.ExtensionContext, channel: vscode.LogOutputChannel): Promise<HostServices> {
  const disposables: vscode.Disposable[] = [];
  const secrets = new HostSecrets(context.secrets, context.globalState);
  disposables.push(secrets);
  let logLevel: LogLevel = readHostSettings(settingsGetter()).settings.logLevel;
  const logger = createHostLogger(channel, { secrets: () => secrets.knownSecrets(), level: () => logLevel });
  await secrets.load();

  const dataDir = context.globalStorageUri.fsPath;
  const version = String((context.extension.packageJSON as { version?: unknown }).version ?? '0.0.0');
  // The one store of keys.json in this window: the panel, the default key and every gateway this window runs share it.
  const keyStore = new KeyStore(dataDir);

  // One upstream dispatcher for the whole session, owned here: proxy setting changes swap its inner agent.
  let proxy = proxySettings();
  const dispatcher = new SwitchableDispatcher(buildUpstreamAgent(proxy));
  logger.info(`upstream connections: ${describeProxy(proxy)}`);
  const controller = new GatewayController({
    create: (config) => {
      // Before the gateway reads keys.json, so the default key is live at once (the CLI does the same).
      if (config.server.authMode !== 'off') ensureDefaultGatewayKey(keyStore, secrets, logger);
      return createGateway({ config, dataDir, logger, version, dispatcher, keyStore });
    },
    buildConfig: () => buildGatewayConfig(settingsGetter(), (id) => secrets.keysFor(id), validateConfig),
    logger,
    t: vscode.l10n.t,
    probe: (url) => probeSwitchboard(url),
    takeoverPollMs: TAKEOVER_POLL_MS,
  });
  disposables.push(controller);
  // The item re-renders on every in-flight change; today's totals are read at most 4 times a second (the
  // coalesced render after a finished request, 300 ms later, always sees fresh totals).
  let today: { at: number; gw: unknown; value: { requests: number; inputTokens: number; outputTokens: number } } | undefined;
  const statusBar = new StatusBar(controller, () => {
    const gw = controller.gateway;
    if (!gw) return {};
    if (!today || today.gw !== gw || Date.now() - today.at > 250) {
      const t = gw.usage.summary({ days: 1 }).totals;
      today = { at: Date.now(), gw, value: { requests: t.requests, inputTokens: t.inputTokens, outputTokens: t.outputTokens } };
    }
    return { today: today.value, providers: gw.config.providers.filter((p) => p.enabled !== false).length, route: describeProxy(proxy) };
  });
  disposables.push(statusBar);

  const configuredUrl = (): string => {
    const { host, port } = readHostSettings(settingsGetter()).settings;
    return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  };
  const baseUrl = (): string => {
    const st = controller.state;
    return controller.gateway?.baseUrl ?? (st.kind === 'external' ? st.baseUrl : configuredUrl());
  };
  /** Active gateway key ids, "default" first. */
  const gatewayKeyIds = (): string[] => {
    try { keyStore.reload(); } catch { /* a broken keys.json: offer what was loaded last */ }
    const active = keyStore.list().filter((k) => k.status === 'active');
    return [...active.filter((k) => k.name === 'default'), ...active.filter((k) => k.name !== 'default')].map((k) => k.id);
  };
  const panelDeps = { context, controller, secrets, keyStore, logger, channel, baseUrl };
  disposables.push(registerPanelSerializer(panelDeps));
  disposables.push(...registerCommands({
    controller, secrets, channel, baseUrl,
    gatewayKeyIds,
    openPanel: () => openPanel(panelDeps),
  }));
  disposables.push(...registerClientCommands({ baseUrl, gatewayKeyIds, gatewayKey: (id) => secrets.gatewayKey(id) }));

  disposables.push(vscode.workspace.onDidChangeConfiguration((e) => {
    if (!e.affectsConfiguration('http.proxy') && !e.affectsConfiguration('http.proxyStrictSSL') && !e.affectsConfiguration('switchboard.timeouts.connectMs')) return;
    proxy = proxySettings();
    // New requests use the new route at once; requests in flight finish on the old agent, which then closes.
    dispatcher.swap(buildUpstreamAgent(proxy));
    logger.info(`upstream connections: ${describeProxy(proxy)}`);
    statusBar.render();
  }));

  disposables.push(onDidChangeSettings(() => {
    logLevel = readHostSettings(settingsGetter()).settings.logLevel;
    // A failed start (e.g. port in use) is retried when the user changes settings; a running gateway reconfigures.
    const retry = controller.state.kind === 'error' || controller.state.kind === 'external';
    const op = retry ? controller.start() : controller.apply();
    void op.then((s) => notifyState(s, { controller, channel }));
  }));
  disposables.push(secrets.onDidChange(() => { void controller.apply(); }));

  if (readHostSettings(settingsGetter()).settings.autoStart) {
    // Not awaited: activation must not wait on the listener (the state change updates the status bar).
    void controller.start().then((s) => notifyState(s, { controller, channel }));
  } else {
    logger.info('switchboard.autoStart is off; run "Switchboard: Start Gateway" to start');
  }

  let closed = false;
  const shutdown = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await controller.stop();
    keyStore.close();
    for (const d of disposables.reverse()) d.dispose();
    await dispatcher.close().catch(() => undefined);
  };
  let activationMs: number | undefined;

  const api: SwitchboardApi = {
    get port() { return controller.gateway?.port; },
    get baseUrl() { return controller.gateway?.baseUrl; },
    state: () => controller.state,
    onDidChangeState: (l) => controller.onDidChangeState(l),
    statusBar: () => ({ text: statusBar.text, tooltip: statusBar.tooltip }),
    providerKeys: (id) => secrets.list(id),
    secretMatches: (p, k, c) => secrets.matches(p, k, c),
    removeProviderKey: (p, k) => secrets.remove(p, k),
    get activationMs() { return activationMs; },
    clientConfigPath: (client) => configPath(client),
    globalStateJson: () => JSON.stringify(Object.fromEntries(context.globalState.keys().map((k) => [k, context.globalState.get(k)]))),
  };
  return { api, shutdown, setActivationMs: (ms) => { activationMs = ms; }, dispose: () => { void shutdown(); } };
}

/** First start only: creates the "default" gateway key; its plaintext goes to SecretStorage (keys.json holds a hash). */
function ensureDefaultGatewayKey(store: KeyStore, secrets: HostSecrets, logger: Logger): void {
  try {
    const plaintext = store.ensureDefaultKey();
    const record = plaintext ? store.find('default') : undefined;
    if (!plaintext || !record) return;
    void secrets.storeGatewayKey(record.id, plaintext).then(
      () => logger.info(`created the default gateway key "${record.id}" (copy it with "Switchboard: Copy Gateway Key")`),
      (err: unknown) => logger.error(`could not keep the default gateway key in SecretStorage: ${err instanceof Error ? err.message : String(err)}`),
    );
  } catch (err) {
    logger.error(`could not prepare gateway keys: ${err instanceof Error ? err.message : String(err)}`);
  }
}
