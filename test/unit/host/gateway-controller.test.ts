import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { withDefaults, type GatewayConfig } from '../../../src/gateway/config';
import { silentLogger } from '../../../src/gateway/ports';
import type { Gateway, GatewayEvents } from '../../../src/gateway/types';
import { GatewayController } from '../../../src/host/gateway-controller';
import type { GatewayState } from '../../../src/host/gateway-state';

/** A gateway double that records calls; `failStart` makes start() reject with that errno code. */
function fakeGateway(config: GatewayConfig, log: string[], failStart?: string): Gateway {
  let cfg = config;
  let port = 0;
  const events = new EventEmitter<GatewayEvents>();
  // keys/usage are not used by the controller.
  const g: Omit<Gateway, 'keys' | 'usage' | 'inspector' | 'explainModel'> = {
    async start() {
      log.push(`start:${cfg.server.port}`);
      if (failStart) throw Object.assign(new Error(`listen ${failStart}`), { code: failStart });
      port = cfg.server.port || 50000;
    },
    async stop() { log.push('stop'); port = 0; },
    async reconfigure(next) {
      log.push(`reconfigure:${next.server.port}`);
      if (next.server.port === 1) throw Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });
      cfg = next;
      port = next.server.port || port;
    },
    get port() { return port; },
    get baseUrl() { return `http://127.0.0.1:${port}`; },
    get config() { return cfg; },
    events,
    inFlight: () => 0,
    upstreamKeyStates: () => ({}),
  };
  return g as Gateway;
}

function setup(opts: { failStart?: string; probe?: boolean } = {}) {
  const log: string[] = [];
  const states: GatewayState[] = [];
  let port = 0;
  let invalid = false;
  const created: Gateway[] = [];
  const c = new GatewayController({
    create: (config) => { const g = fakeGateway(config, log, opts.failStart); created.push(g); return g; },
    buildConfig: () => (invalid ? { errors: ['bad thing'] } : { config: withDefaults({ server: { port } }), errors: [] }),
    logger: silentLogger,
    probe: opts.probe === undefined ? undefined : async () => opts.probe!,
  });
  c.onDidChangeState((s) => states.push(s));
  return { c, log, states, created, setPort: (p: number) => { port = p; }, setInvalid: (v: boolean) => { invalid = v; } };
}

describe('host/gateway-controller', () => {
  it('start → running with the bound port; a second start is a no-op', async () => {
    const t = setup();
    const s = await t.c.start();
    assert.deepEqual(s, { kind: 'running', port: 50000, baseUrl: 'http://127.0.0.1:50000', inFlight: 0 });
    await t.c.start();
    assert.deepEqual(t.log, ['start:0']);
    assert.deepEqual(t.states.map((x) => x.kind), ['starting', 'running']);
  });

  it('stop → stopped and the gateway is released; restart builds a fresh gateway', async () => {
    const t = setup();
    await t.c.start();
    assert.equal((await t.c.stop()).kind, 'stopped');
    assert.equal(t.c.gateway, undefined);
    await t.c.restart();
    assert.deepEqual(t.log, ['start:0', 'stop', 'start:0']);
    assert.equal(t.created.length, 2);
  });

  it('EADDRINUSE → error state with a readable message (no other port tried)', async () => {
    const t = setup({ failStart: 'EADDRINUSE' });
    t.setPort(4848);
    const s = await t.c.start();
    assert.equal(s.kind, 'error');
    assert.ok(s.kind === 'error' && s.code === 'EADDRINUSE' && /4848/.test(s.message), JSON.stringify(s));
    assert.deepEqual(t.log, ['start:4848']);
  });

  it('EADDRINUSE held by another Switchboard → external state', async () => {
    const t = setup({ failStart: 'EADDRINUSE', probe: true });
    t.setPort(4848);
    assert.deepEqual(await t.c.start(), { kind: 'external', port: 4848, baseUrl: 'http://127.0.0.1:4848' });
  });

  it('invalid settings → error without creating a gateway', async () => {
    const t = setup();
    t.setInvalid(true);
    const s = await t.c.start();
    assert.ok(s.kind === 'error' && /bad thing/.test(s.message));
    assert.equal(t.created.length, 0);
  });

  it('apply reconfigures a running gateway, is a no-op when stopped, keeps the last good config on bad settings', async () => {
    const t = setup();
    await t.c.apply();
    assert.deepEqual(t.log, []);
    await t.c.start();
    t.setPort(6000);
    assert.equal((await t.c.apply()).kind, 'running');
    assert.equal(t.c.gateway!.port, 6000);
    t.setInvalid(true);
    assert.equal((await t.c.apply()).kind, 'running');
    assert.deepEqual(t.log, ['start:0', 'reconfigure:6000']);
  });

  it('a failed re-bind on apply → error and the gateway is stopped', async () => {
    const t = setup();
    await t.c.start();
    t.setPort(1);
    const s = await t.c.apply();
    assert.ok(s.kind === 'error' && s.code === 'EADDRINUSE');
    assert.equal(t.c.gateway, undefined);
    assert.deepEqual(t.log, ['start:0', 'reconfigure:1', 'stop']);
  });

  it('serializes concurrent operations in call order', async () => {
    const t = setup();
    const results = await Promise.all([t.c.start(), t.c.stop(), t.c.start(), t.c.restart()]);
    assert.deepEqual(results.map((r) => r.kind), ['running', 'stopped', 'running', 'running']);
    assert.deepEqual(t.log, ['start:0', 'stop', 'start:0', 'stop', 'start:0']);
  });

  it('in-flight changes update the running state', async () => {
    const t = setup();
    await t.c.start();
    t.c.gateway!.events.emit('inflight', 3);
    assert.deepEqual(t.c.state, { kind: 'running', port: 50000, baseUrl: 'http://127.0.0.1:50000', inFlight: 3 });
  });
});
