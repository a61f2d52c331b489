import assert from 'node:assert/strict';
import { parseToHost } from '../../../src/host/panel/messages';

const provider = { id: 'openai', type: 'openai', baseUrl: '', headers: { 'x-team': 'a' }, models: ['gpt-4o'], enabled: true };

describe('host/panel-messages (validation of webview input)', () => {
  it('accepts every well-formed message and keeps only known fields', () => {
    const ok: unknown[] = [
      { type: 'panel/ready', extra: 1 },
      { type: 'provider/save', provider },
      { type: 'provider/delete', id: 'openai' },
      { type: 'provider/test', id: 'openai' },
      { type: 'key/add', providerId: 'openai', label: 'main', secret: 'sk-x' },
      { type: 'key/delete', providerId: 'openai', keyId: 'k1' },
      { type: 'gatewayKey/create', name: 'ci', models: [], denyModels: ['o1*'], rpm: 10, expiresAt: '2030-01-01' },
      { type: 'gatewayKey/setStatus', id: 'key_1', status: 'disabled' },
      { type: 'gatewayKey/delete', id: 'key_1' },
      { type: 'gatewayKey/copy', id: 'key_1' },
      { type: 'mapping/save', mappings: [{ from: 'fast', to: ['openai/gpt-4o-mini'] }] },
      { type: 'mapping/try', model: 'fast' },
      { type: 'setup/copy', client: 'codex', keyId: 'key_1', model: 'fast' },
      { type: 'setup/configure', client: 'kilo-code' },
      { type: 'inspector/toggle', enabled: true },
      { type: 'inspector/replay', requestId: 'r1' },
      { type: 'inspector/copyCurl', requestId: 'r1' },
      { type: 'gateway/toggle', run: false },
    ];
    for (const m of ok) {
      const r = parseToHost(m);
      assert.ok(!('error' in r), `${JSON.stringify(m)} → ${JSON.stringify(r)}`);
      assert.equal(r.type, (m as { type: string }).type);
    }
    assert.deepEqual(parseToHost({ type: 'panel/ready', extra: 1 }), { type: 'panel/ready' });
    assert.deepEqual(parseToHost({ type: 'gatewayKey/create', name: 'ci', models: [], denyModels: [], rpm: 10, evil: true }),
      { type: 'gatewayKey/create', name: 'ci', models: [], denyModels: [], rpm: 10 });
  });

  it('rejects malformed messages with the bad field named', () => {
    const bad: Array<[unknown, RegExp]> = [
      [null, /not a message/],
      ['panel/ready', /not a message/],
      [{ type: 'nope' }, /unknown message type/],
      [{ type: 'provider/save', provider: { ...provider, type: 'bogus' } }, /provider\.type/],
      [{ type: 'provider/save', provider: { ...provider, headers: { a: 1 } } }, /headers/],
      [{ type: 'provider/save', provider: { ...provider, enabled: 'yes' } }, /enabled/],
      [{ type: 'key/add', providerId: 'openai', label: 'x' }, /secret/],
      [{ type: 'key/add', providerId: 'openai', label: 'x', secret: 42 }, /secret/],
      [{ type: 'gatewayKey/create', name: 'x', models: [], denyModels: [], rpm: -1 }, /rpm/],
      [{ type: 'gatewayKey/create', name: 'x', models: [], denyModels: [], expiresAt: 'soon' }, /expiresAt/],
      [{ type: 'gatewayKey/setStatus', id: 'k', status: 'deleted' }, /status/],
      [{ type: 'mapping/save', mappings: [{ from: 'a', to: 'b' }] }, /to/],
      [{ type: 'setup/copy', client: 'vim' }, /client/],
      [{ type: 'inspector/toggle', enabled: 1 }, /enabled/],
      [{ type: 'gateway/toggle' }, /run/],
    ];
    for (const [m, re] of bad) {
      const r = parseToHost(m);
      assert.ok('error' in r, JSON.stringify(m));
      assert.match(r.error, re);
    }
  });

  it('never echoes a secret in a validation error', () => {
    const r = parseToHost({ type: 'key/add', providerId: { toString: () => 'x' }, label: 'l', secret: 'sk-SENTINEL-not-echoed-123' });
    assert.ok('error' in r);
    assert.ok(!r.error.includes('SENTINEL'));
  });
});
