import assert from 'node:assert/strict';
import { runUsageCommand } from '../../../src/cli/usage-command';
import { KeyStore } from '../../../src/gateway/policy/key-store';
import { UsageStore } from '../../../src/gateway/usage/usage-store';
import { cleanupTempDirs, FakeClock, tempDataDir, usageRecord } from '../policy/fixtures';

describe('cli/usage-command', () => {
  afterEach(cleanupTempDirs);

  it('prints per key × model × day totals, filters by key name, and emits JSON', async () => {
    const dir = tempDataDir();
    const clock = new FakeClock();
    const keys = new KeyStore(dir, clock);
    const { record } = keys.create({ name: 'laptop' });
    const usage = new UsageStore({ dataDir: dir, clock, flushDelayMs: 0 });
    usage.record(usageRecord({ keyId: record.id, model: 'claude-x', time: clock.t, inputTokens: 1200, outputTokens: 34 }));
    usage.record(usageRecord({ keyId: record.id, model: 'claude-x', time: clock.t, inputTokens: 800, outputTokens: 66 }));
    usage.record(usageRecord({ model: 'gpt-4o', time: clock.t, inputTokens: 5, outputTokens: 5 }));
    // No flush: the command must see journaled records too, and must not compact the running server's journal.

    const lines: string[] = [];
    assert.equal(await runUsageCommand([], { dataDir: dir, out: (l) => lines.push(l), clock }), 0);
    assert.match(lines[0]!, /^KEY\s+MODEL\s+DAY\s+REQUESTS/);
    const laptop = lines.find((l) => l.startsWith('laptop'))!;
    assert.match(laptop, /claude-x\s+\d{4}-\d{2}-\d{2}\s+2\s+0\s+2,000\s+0\s+100/);
    assert.ok(lines.some((l) => l.startsWith('(no key)')));
    assert.match(lines.at(-1)!, /^TOTAL\s+3\s/);

    const filtered: string[] = [];
    await runUsageCommand(['--key', 'laptop', '--data-dir', dir], { dataDir: '/nonexistent', out: (l) => filtered.push(l), clock });
    assert.equal(filtered.filter((l) => l.includes('gpt-4o')).length, 0);

    const json: string[] = [];
    await runUsageCommand(['--json'], { dataDir: dir, out: (l) => json.push(l), clock });
    const parsed = JSON.parse(json.join('\n')) as { rows: Array<{ keyName?: string; totals: { requests: number } }> };
    assert.equal(parsed.rows.find((r) => r.keyName === 'laptop')?.totals.requests, 2);
    usage.close();
  });

  it('rejects bad options with exit code 2', async () => {
    const errs: string[] = [];
    assert.equal(await runUsageCommand(['--days', '0'], { dataDir: tempDataDir(), out: () => {}, err: (l) => errs.push(l) }), 2);
    assert.equal(await runUsageCommand(['--bogus'], { dataDir: tempDataDir(), out: () => {}, err: (l) => errs.push(l) }), 2);
    assert.equal(errs.length, 2);
  });
});
