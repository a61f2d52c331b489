import assert from 'node:assert/strict';
import { createHostLogger, type LogChannelLike, type LogLevel } from '../../../src/host/logger';
import { REDACTED } from '../../../src/gateway/redact';

function channel(): LogChannelLike & { lines: string[] } {
  const lines: string[] = [];
  const put = (lvl: string) => (m: string): void => { lines.push(`${lvl} ${m}`); };
  return { lines, debug: put('debug'), info: put('info'), warn: put('warn'), error: put('error') };
}

describe('host/logger', () => {
  it('redacts known secrets in messages and fields, and secret-named fields', () => {
    const ch = channel();
    const secrets = ['provider-key-123456'];
    const log = createHostLogger(ch, { secrets: () => secrets, level: () => 'debug' });
    log.error('upstream rejected provider-key-123456', { error: 'key provider-key-123456 invalid', authorization: 'Bearer x', status: 401 });
    assert.equal(ch.lines.length, 1);
    assert.ok(!ch.lines[0]!.includes('provider-key-123456'), ch.lines[0]);
    assert.ok(!ch.lines[0]!.includes('Bearer x'), ch.lines[0]);
    assert.ok(ch.lines[0]!.startsWith(`error upstream rejected ${REDACTED} {`), ch.lines[0]);
    assert.ok(ch.lines[0]!.includes('"status":401'));
  });

  it('sees secrets added after it was created', () => {
    const ch = channel();
    const secrets: string[] = [];
    const log = createHostLogger(ch, { secrets: () => secrets, level: () => 'info' });
    secrets.push('late-secret-abcdef');
    log.info('got late-secret-abcdef');
    assert.equal(ch.lines[0], `info got ${REDACTED}`);
  });

  it('filters by the live log level', () => {
    const ch = channel();
    let level: LogLevel = 'warn';
    const log = createHostLogger(ch, { secrets: () => [], level: () => level });
    log.debug('d'); log.info('i'); log.warn('w'); log.error('e');
    level = 'debug';
    log.debug('d2');
    assert.deepEqual(ch.lines, ['warn w', 'error e', 'debug d2']);
  });

  it('survives unserializable fields', () => {
    const ch = channel();
    createHostLogger(ch, { secrets: () => [], level: () => 'info' }).info('x', { big: 10n });
    assert.equal(ch.lines[0], 'info x [unserializable fields]');
  });
});
