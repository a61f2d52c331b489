/** An embedder's own KeyStore (the VS Code host's) is the gateway's: one view of keys.json, closed by its owner. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createGateway } from '../../src/gateway';
import { validateConfig } from '../../src/gateway/config-validate';
import { KeyStore } from '../../src/gateway/policy/key-store';

describe('gateway with an injected key store', () => {
  it('authenticates keys the embedder creates at once, and leaves the store to its owner on stop', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-shared-keys-'));
    const store = new KeyStore(dataDir);
    const { config } = validateConfig({ server: { port: 0 }, providers: [] });
    const gateway = createGateway({ config: config!, dataDir, keyStore: store });
    assert.equal(gateway.keys, store, 'the gateway exposes the injected store');
    await gateway.start();
    try {
      const made = store.create({ name: 'panel-made' });
      const created = made.key;
      const res = await fetch(`${gateway.baseUrl}/v1/usage`, { headers: { authorization: `Bearer ${created}` } });
      assert.equal(res.status, 200, 'no reload interval to wait for');
      assert.equal(((await res.json()) as { key: { name: string } }).key.name, 'panel-made');
      store.disable(made.record.id);
      const refused = await fetch(`${gateway.baseUrl}/v1/usage`, { headers: { authorization: `Bearer ${created}` } });
      assert.equal(refused.status, 403);
      await refused.arrayBuffer();
    } finally {
      await gateway.stop(100);
    }
    // Still usable by its owner after the gateway stopped.
    assert.ok(store.create({ name: 'after-stop' }).key.startsWith('sb-'));
    store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
