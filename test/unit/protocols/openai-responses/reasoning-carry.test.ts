import assert from 'node:assert/strict';
import { decodeReasoningCarry, encodeReasoningCarry, encryptedContentFor, isOpenAIReasoningBlob, openAIBlobOf } from '../../../../src/gateway/protocols/openai-responses/reasoning-carry';

describe('openai-responses reasoning carry', () => {
  it('round-trips text, signature and redacted data through a url-safe sbr1 string', () => {
    const carry = { text: 'ünïcode + "quotes"\n', signature: 'sig/+=', redactedData: 'r' };
    const enc = encodeReasoningCarry(carry);
    assert.match(enc, /^sbr1:[A-Za-z0-9_-]+$/);
    assert.deepEqual(decodeReasoningCarry(enc), carry);
    assert.deepEqual(decodeReasoningCarry(encodeReasoningCarry({ text: 'only' })), { text: 'only' });
  });
  it('rejects corrupt or foreign values', () => {
    assert.equal(decodeReasoningCarry('gAAAAAblob'), undefined);
    assert.equal(decodeReasoningCarry('sbr1:!!!notbase64'), undefined);
    assert.equal(decodeReasoningCarry('sbr1:' + Buffer.from('{"x":1}').toString('base64url')), undefined);
  });
  it('chooses OpenAI blobs over carries and skips empty reasoning', () => {
    assert.ok(isOpenAIReasoningBlob('gAAAAABoXyz'));
    assert.ok(!isOpenAIReasoningBlob('EqQBCkgIBxAB'));
    assert.equal(openAIBlobOf({ type: 'reasoning', text: '', extra: { 'openai-responses': { encrypted_content: 'gAAAAAx' } } }), 'gAAAAAx');
    assert.equal(encryptedContentFor({ type: 'reasoning', text: 't', signature: 'gAAAAAy' }), 'gAAAAAy');
    assert.match(encryptedContentFor({ type: 'reasoning', text: 'deepseek thoughts' })!, /^sbr1:/);
    assert.equal(encryptedContentFor({ type: 'reasoning', text: '' }), undefined);
  });
});
