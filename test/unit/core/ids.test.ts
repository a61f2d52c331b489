import assert from 'node:assert/strict';
import { generateId, randomBase62 } from '../../../src/gateway/core/ids';

describe('ids', () => {
  it('makes base62 strings of the asked length, all different, across pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const id = randomBase62(24);
      assert.match(id, /^[A-Za-z0-9]{24}$/);
      seen.add(id);
    }
    assert.equal(seen.size, 2000);
    assert.match(generateId('msg_'), /^msg_[A-Za-z0-9]{24}$/);
    assert.equal(randomBase62(0), '');
  });
});
