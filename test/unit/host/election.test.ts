/**
 * One gateway per machine: two controllers (as two VS Code windows would have) on one port elect one server; the
 * other shows "external", and takes over when the first stops. A foreign process on the port is an error.
 * Real gateways on real loopback sockets.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createGateway } from '../../../src/gateway';
import { withDefaults } from '../../../src/gateway/config';
import { silentLogger } from '../../../src/gateway/ports';
import { GatewayController } from '../../../src/host/gateway-controller';
import type { GatewayState } from '../../../src/host/gateway-state';
import { probeSwitchboard } from '../../../src/host/probe';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
  });
}

function waitFor(c: GatewayController, pred: (s: GatewayState) => boolean, ms = 8000): Promise<GatewayState> {
  if (pred(c.state)) return Promise.resolve(c.state);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { sub.dispose(); reject(new Error(`not reached; state ${JSON.stringify(c.state)}`)); }, ms);
    const sub = c.onDidChangeState((s) => { if (pred(s)) { clearTimeout(timer); sub.dispose(); resolve(s); } });
  });
}

describe('host/election (two controllers, one port)', () => {
  let dataDir: string;
  let port: number;
  const controllers: GatewayController[] = [];
  const make = (): GatewayController => {
    const c = new GatewayController({
      create: (config) => createGateway({ config, dataDir, logger: silentLogger }),
      buildConfig: () => ({ config: withDefaults({ server: { host: '127.0.0.1', port } }), errors: [] }),
      logger: silentLogger,
      probe: (url) => probeSwitchboard(url, 500),
      takeoverPollMs: 50,
    });
    controllers.push(c);
    return c;
  };
  beforeEach(async () => { dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-elect-')); port = await freePort(); });
  afterEach(async () => {
    for (const c of controllers.splice(0)) { c.dispose(); await c.stop(); }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('the first serves, the second reports "external", and takes over when the first stops', async () => {
    const a = make();
    const b = make();
    assert.equal((await a.start()).kind, 'running');
    const sb = await b.start();
    assert.deepEqual(sb, { kind: 'external', port, baseUrl: `http://127.0.0.1:${port}` });
    assert.equal(b.gateway, undefined, 'no second server, no second port');
    await a.stop();
    const took = await waitFor(b, (s) => s.kind === 'running');
    assert.ok(took.kind === 'running' && took.port === port);
    assert.equal(await probeSwitchboard(`http://127.0.0.1:${port}`), true);
    // And back: now A is the one that waits.
    assert.equal((await a.start()).kind, 'external');
  });

  it('a foreign process on the port is an error (never a silent second port), and no polling follows', async () => {
    // Another HTTP service that even answers /healthz, but is not Switchboard.
    const foreign = http.createServer((_req, res) => { res.setHeader('content-type', 'application/json'); res.end('{"status":"ok","service":"other"}'); });
    await new Promise<void>((r) => foreign.listen(port, '127.0.0.1', () => r()));
    try {
      const c = make();
      const s = await c.start();
      assert.ok(s.kind === 'error' && s.code === 'EADDRINUSE', JSON.stringify(s));
      assert.equal(c.gateway, undefined);
      assert.equal(await probeSwitchboard(`http://127.0.0.1:${port}`), false);
    } finally {
      foreign.closeAllConnections();
      await new Promise<void>((r) => foreign.close(() => r()));
    }
  });
});
