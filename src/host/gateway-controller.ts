/** Owns the host's gateway: start, stop, restart and live reconfiguration, serialized. No `vscode` imports. */
import type { GatewayConfig } from '../gateway/config';
import type { Logger } from '../gateway/ports';
import type { Gateway } from '../gateway/types';
import { describeStartError, formatOnly, type GatewayState, type Translate } from './gateway-state';

/** What the controller needs from the host. */
export interface ControllerDeps {
  /** Builds a fresh gateway for a config (one instance per start). */
  create(config: GatewayConfig): Gateway;
  /** Reads settings and secrets into a config, or explains why it cannot. */
  buildConfig(): { config?: GatewayConfig; errors: string[] };
  logger: Logger;
  t?: Translate;
  /** Whether `baseUrl` is already served by another Switchboard (checked when the port is taken). */
  probe?(baseUrl: string): Promise<boolean>;
  /** While another Switchboard serves the port, re-probe it this often (ms) and take over when it is gone. 0: never. */
  takeoverPollMs?: number;
}

type Listener = (state: GatewayState) => void;

/** Start/stop/reconfigure with one operation at a time, so commands and setting changes cannot race. */
export class GatewayController {
  private current: Gateway | undefined;
  private stateValue: GatewayState = { kind: 'stopped' };
  private readonly listeners = new Set<Listener>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly t: Translate;
  private readonly activity = new Set<() => void>();
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(private readonly deps: ControllerDeps) {
    this.t = deps.t ?? formatOnly;
  }

  /** The current lifecycle state. */
  get state(): GatewayState { return this.stateValue; }

  /** The running gateway, if any. */
  get gateway(): Gateway | undefined { return this.current; }

  /** Subscribes to state changes; returns a disposable. */
  onDidChangeState(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => { this.listeners.delete(listener); } };
  }

  /** Fires after each finished request (usage changed); the status bar refreshes its counters on it. */
  onDidRecord(listener: () => void): { dispose(): void } {
    this.activity.add(listener);
    return { dispose: () => { this.activity.delete(listener); } };
  }

  /** Stops the takeover poll (the gateway itself is stopped with `stop()`). */
  dispose(): void {
    this.disposed = true;
    this.clearPoll();
  }

  /** Starts the gateway (no-op when running). Resolves with the resulting state; never rejects. */
  start(): Promise<GatewayState> { return this.enqueue(() => this.doStart()); }

  /** Stops the gateway and frees its port. */
  stop(): Promise<GatewayState> { return this.enqueue(() => this.doStop()); }

  /** Stops, then starts with freshly read settings. */
  restart(): Promise<GatewayState> { return this.enqueue(async () => { await this.doStop(); return this.doStart(); }); }

  /** Re-reads settings and secrets into the running gateway; does nothing while stopped. */
  apply(): Promise<GatewayState> { return this.enqueue(() => this.doApply()); }

  private enqueue(op: () => Promise<GatewayState>): Promise<GatewayState> {
    const next = this.queue.then(op, op);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private setState(state: GatewayState): GatewayState {
    this.stateValue = state;
    if (state.kind === 'external') this.schedulePoll(); else this.clearPoll();
    for (const l of [...this.listeners]) {
      try { l(state); } catch (e) { this.deps.logger.error('state listener failed', { error: String(e) }); }
    }
    return state;
  }

  private clearPoll(): void {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
  }

  /** One probe per tick, each capped by the probe's own timeout; stops as soon as the state is not `external`. */
  private schedulePoll(): void {
    const every = this.deps.takeoverPollMs ?? 0;
    if (every <= 0 || !this.deps.probe || this.pollTimer || this.disposed) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      const st = this.stateValue;
      if (st.kind !== 'external' || this.disposed) return;
      void this.deps.probe!(st.baseUrl).catch(() => false).then((alive) => {
        if (this.stateValue.kind !== 'external' || this.disposed) return;
        if (alive) { this.schedulePoll(); return; }
        this.deps.logger.info(`the Switchboard on port ${st.port} is gone; taking over`);
        void this.start();
      });
    }, every);
    (this.pollTimer as { unref?: () => void }).unref?.();
  }

  private fail(message: string, code?: string): GatewayState {
    this.deps.logger.error(`gateway: ${message}`, code ? { code } : undefined);
    return this.setState({ kind: 'error', message, code });
  }

  private async doStart(): Promise<GatewayState> {
    if (this.current) return this.stateValue;
    const built = this.deps.buildConfig();
    if (!built.config) return this.fail(this.t('Invalid settings: {0}', built.errors.join('; ')), 'EINVALIDCONFIG');
    for (const w of built.errors) this.deps.logger.warn(w);
    const { host, port } = built.config.server;
    this.setState({ kind: 'starting' });
    let gw: Gateway;
    try {
      gw = this.deps.create(built.config);
      await gw.start();
    } catch (err) {
      const d = describeStartError(err, host, port, this.t);
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      if (d.code === 'EADDRINUSE' && this.deps.probe && (await this.deps.probe(url).catch(() => false))) {
        this.deps.logger.info(`port ${port} is served by another Switchboard; using it`);
        return this.setState({ kind: 'external', port, baseUrl: url });
      }
      return this.fail(d.message, d.code);
    }
    this.current = gw;
    gw.events.on('inflight', (n) => {
      if (this.current === gw && this.stateValue.kind === 'running') this.setState({ ...this.stateValue, inFlight: n });
    });
    gw.events.on('request', () => {
      for (const l of [...this.activity]) { try { l(); } catch { /* a UI listener must not break accounting */ } }
    });
    return this.setState({ kind: 'running', port: gw.port, baseUrl: gw.baseUrl, inFlight: gw.inFlight() });
  }

  private async doStop(): Promise<GatewayState> {
    const gw = this.current;
    this.current = undefined;
    if (gw) {
      try {
        await gw.stop();
        this.deps.logger.info('gateway stopped');
      } catch (err) {
        this.deps.logger.error('gateway stop failed', { error: err instanceof Error ? err.message : String(err) });
      }
      gw.events.removeAllListeners('inflight');
      gw.events.removeAllListeners('request');
    }
    return this.setState({ kind: 'stopped' });
  }

  private async doApply(): Promise<GatewayState> {
    const gw = this.current;
    if (!gw) return this.stateValue;
    const built = this.deps.buildConfig();
    if (!built.config) {
      // Keep serving with the last good config: a half-typed settings.json must not take the gateway down.
      this.deps.logger.warn(`settings not applied: ${built.errors.join('; ')}`);
      return this.stateValue;
    }
    try {
      await gw.reconfigure(built.config);
    } catch (err) {
      const d = describeStartError(err, built.config.server.host, built.config.server.port, this.t);
      this.current = undefined;
      try { await gw.stop(); } catch { /* already broken; the error below is what matters */ }
      return this.fail(d.message, d.code);
    }
    this.deps.logger.debug(`gateway reconfigured (${gw.baseUrl})`);
    return this.setState({ kind: 'running', port: gw.port, baseUrl: gw.baseUrl, inFlight: gw.inFlight() });
  }
}
