/**
 * The non-blocking rewrite of usage.json: records that arrive while it is in flight stay in the journal, a
 * synchronous flush or close supersedes it, and a crash at any point still replays every record exactly once.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { usageStoreFixture } from './store-fixture';

describe('usage/usage-store (asynchronous flush)', () => {
  const fx = usageStoreFixture();
  const { store, journalSeqs, rec } = fx;
  const summarySeq = () => (JSON.parse(fs.readFileSync(path.join(fx.dir, 'usage.json'), 'utf8')) as { seq: number }).seq;
  const tempFiles = () => fs.readdirSync(fx.dir).filter((f) => f.endsWith('.tmp'));

  it('writes the snapshot taken at the call and keeps records that arrive meanwhile in the journal', async () => {
    const s = store();
    rec(3, s);
    const done = s.flushAsync();
    assert.equal(fs.existsSync(path.join(fx.dir, 'usage.json')), false, 'nothing written synchronously');
    rec(2, s); // while the write is in flight
    await done;
    assert.equal(summarySeq(), 3);
    assert.deepEqual(journalSeqs(), [4, 5], 'only the records usage.json lacks');
    // A crash now (no close) loses nothing and counts nothing twice.
    assert.equal(store({ readOnly: true }).keyTotal('k').requests, 5);
    rec(1, s);
    assert.deepEqual(journalSeqs(), [4, 5, 6], 'appends continue on the new journal');
    await s.flushAsync();
    assert.equal(summarySeq(), 6);
    assert.deepEqual(journalSeqs(), []);
    assert.equal(fs.statSync(path.join(fx.dir, 'usage.log')).mode & 0o777, 0o600);
    assert.deepEqual(tempFiles(), []);
  });

  it('runs one write at a time and coalesces calls made during it into one follow-up', async () => {
    const s = store();
    rec(1, s);
    const first = s.flushAsync();
    rec(1, s);
    const second = s.flushAsync();
    rec(1, s);
    const third = s.flushAsync();
    assert.equal(second, third, 'calls during a write share the follow-up');
    await first;
    assert.equal(summarySeq(), 1);
    await third;
    assert.equal(summarySeq(), 3);
    assert.deepEqual(journalSeqs(), []);
    assert.equal(store({ readOnly: true }).keyTotal('k').requests, 3);
  });

  it('a synchronous flush during an asynchronous write wins: the older snapshot never lands', async () => {
    const s = store();
    rec(2, s);
    const done = s.flushAsync();
    rec(1, s);
    s.flush();
    assert.equal(summarySeq(), 3);
    await done;
    assert.equal(summarySeq(), 3, 'not replaced by the seq-2 snapshot');
    assert.deepEqual(journalSeqs(), []);
    assert.deepEqual(tempFiles(), []);
    assert.equal(store({ readOnly: true }).keyTotal('k').requests, 3);
  });

  it('close during an asynchronous write leaves everything on disk and no temp file', async () => {
    const s = store();
    rec(2, s);
    const done = s.flushAsync();
    rec(1, s);
    s.close();
    await done;
    assert.equal(summarySeq(), 3);
    assert.deepEqual(journalSeqs(), []);
    assert.deepEqual(tempFiles(), []);
    assert.equal(store({ readOnly: true }).keyTotal('k').requests, 3);
  });

  it('the timer flushes a replayed journal asynchronously after a crash', async () => {
    const a = store();
    rec(4, a);
    // kill -9 now: no flush; a new process replays the journal and writes usage.json on its timer.
    const b = store({ flushDelayMs: 5 });
    assert.equal(b.keyTotal('k').requests, 4);
    for (let i = 0; i < 200 && !fs.existsSync(path.join(fx.dir, 'usage.json')); i++) await new Promise((r) => setTimeout(r, 10));
    for (let i = 0; i < 200 && journalSeqs().length > 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(summarySeq(), 4);
    assert.deepEqual(journalSeqs(), []);
  });

  it('a journal of `compactAfterLines` records is compacted at once, without waiting for the debounce', async () => {
    const s = store({ flushDelayMs: 3_600_000, compactAfterLines: 5 });
    rec(4, s);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(fs.existsSync(path.join(fx.dir, 'usage.json')), false, 'below the limit the debounce holds');
    assert.deepEqual(journalSeqs(), [1, 2, 3, 4]);
    rec(1, s);
    for (let i = 0; i < 200 && journalSeqs().length > 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(summarySeq(), 5);
    assert.deepEqual(journalSeqs(), []);
    rec(4, s);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(journalSeqs(), [6, 7, 8, 9], 'the count starts over after a compaction');
  });

  it('a long journal found at start-up is compacted soon after, and a short one waits for the debounce', async () => {
    rec(6, store());
    // kill -9 now; the next process finds six records in the journal.
    store({ flushDelayMs: 3_600_000, compactAfterLines: 10 });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(fs.existsSync(path.join(fx.dir, 'usage.json')), false, 'six records are below this limit');
    const c = store({ flushDelayMs: 3_600_000, compactAfterLines: 3 });
    for (let i = 0; i < 200 && journalSeqs().length > 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(summarySeq(), 6);
    assert.equal(c.keyTotal('k').requests, 6);
  });

  it('a clean store has nothing to write asynchronously', async () => {
    const s = store();
    await s.flushAsync();
    assert.equal(fs.existsSync(path.join(fx.dir, 'usage.json')), false);
    store({ readOnly: true }).flushAsync();
  });
});
