import assert from 'node:assert/strict';
import { createGuardedPost, findLeak } from '../../../src/host/panel/post';
import type { PanelState, ToWebview } from '../../../src/shared/webview-protocol';

const UPSTREAM = 'sk-SENTINEL-upstream-key-000111222';
const QUOTED = 'weird"key\\with-escapes-123';
const GATEWAY = 'sb-SENTINELgatewaykeyAAAABBBBCCCCDDDDEEEEFFFF';

const emptyState = (): PanelState => ({
  gateway: { running: false, inFlight: 0, todayTokens: 0 }, providers: [], gatewayKeys: [], mappings: [],
  usage: { days: [], byModel: [], byKey: [], recent: [] }, setups: [], inspector: { enabled: false, entries: [] }, lang: 'en',
});

function harness(secrets: string[]) {
  const sent: ToWebview[] = [];
  const refused: string[] = [];
  const post = createGuardedPost({ send: (m) => sent.push(m), knownSecrets: () => secrets, onRefused: (m) => refused.push(m) });
  return { post, sent, refused };
}

describe('host/panel-post (the outgoing secret guard)', () => {
  it('sends messages that carry no secret', () => {
    const h = harness([UPSTREAM, GATEWAY]);
    assert.equal(h.post({ type: 'state/changed', state: emptyState() }), true);
    assert.equal(h.post({ type: 'notice', level: 'info', text: 'Key "p" (…0222) stored' }), true);
    assert.equal(h.sent.length, 2);
    assert.deepEqual(h.refused, []);
  });

  it('refuses a state that would carry an upstream key, and logs without the key', () => {
    const h = harness([UPSTREAM]);
    const state = emptyState();
    state.setups = [{ client: 'codex', title: 'Codex', text: `export X='${UPSTREAM}'` }];
    assert.equal(h.post({ type: 'state/changed', state }), false);
    assert.equal(h.sent.length, 0);
    assert.equal(h.refused.length, 1);
    assert.match(h.refused[0]!, /state\/changed/);
    assert.ok(!h.refused[0]!.includes(UPSTREAM));
  });

  it('catches a secret as it appears JSON-escaped', () => {
    const msg: ToWebview = { type: 'notice', level: 'error', text: `bad ${QUOTED}` };
    assert.equal(findLeak(msg, [QUOTED]), QUOTED);
    assert.equal(harness([QUOTED]).post(msg), false);
  });

  it('lets gatewayKey/created carry its own plaintext, but nothing else', () => {
    const h = harness([UPSTREAM, GATEWAY]);
    assert.equal(h.post({ type: 'gatewayKey/created', id: 'key_1', key: GATEWAY }), true);
    assert.equal(h.post({ type: 'gatewayKey/created', id: UPSTREAM, key: GATEWAY }), false, 'a secret in another field');
    assert.equal(h.post({ type: 'notice', level: 'info', text: GATEWAY }), false, 'a gateway key anywhere else');
    assert.equal(h.sent.length, 1);
  });

  it('ignores very short known secrets (they would match ordinary text)', () => {
    const h = harness(['abc', '']);
    assert.equal(h.post({ type: 'notice', level: 'info', text: 'abc' }), true);
  });

  it('reads the secrets at every send (a key added later is protected at once)', () => {
    const secrets: string[] = [];
    const h = harness(secrets);
    const msg: ToWebview = { type: 'notice', level: 'info', text: UPSTREAM };
    assert.equal(h.post(msg), true);
    secrets.push(UPSTREAM);
    assert.equal(h.post(msg), false);
  });
});
