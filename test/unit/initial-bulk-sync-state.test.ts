import { describe, expect, it } from 'vitest';
import { BulkSyncRun, initialBulkSyncState } from '../../src/workflows/initial-bulk-sync-state.js';

const t0 = Date.parse('2026-03-31T12:00:00Z');
const batch = (cursor: string, customerIds: string[]) => ({ cursor, customerIds });

/** A run that has counted 10 customers and loaded 20 history records: it is writing since `t0`. */
function writingRun(): BulkSyncRun {
  const run = new BulkSyncRun('r1', initialBulkSyncState(12, t0), t0);
  run.customersCounted(10);
  for (const kind of ['rental', 'service']) expect(run.historyPageLoaded({ loaded: 5, invalid: 0, nextCursor: null }, t0), `writing started after ${kind}`).toBe(false);
  expect(run.historyPageLoaded({ loaded: 10, invalid: 0, nextCursor: null }, t0)).toBe(true);
  return run;
}

describe('bulk sync run', () => {
  it('loads history from the given number of months back', () => {
    expect(initialBulkSyncState(12, t0).since).toBe('2025-03-31');
  });

  it('knows no total while counting, then counts customers and history', () => {
    const run = new BulkSyncRun('r1', initialBulkSyncState(12, t0), t0);
    expect(run.progress(t0)).toMatchObject({ phase: 'counting', total: null, etaSeconds: null, done: false });
    run.customersCounted(10);
    expect(run.progress(t0)).toMatchObject({ phase: 'loading_history', total: 10 });
  });

  it('loads the ledger kind after kind, following each cursor, and counts invalid rows as failed', () => {
    const run = new BulkSyncRun('r1', initialBulkSyncState(12, t0), t0);
    run.customersCounted(10);
    run.historyPageLoaded({ loaded: 3, invalid: 1, nextCursor: 'c1' }, t0);
    expect(run.state.ledger).toEqual({ kind: 'rental', cursor: 'c1' });
    run.historyPageLoaded({ loaded: 2, invalid: 0, nextCursor: null }, t0);
    expect(run.state.ledger).toEqual({ kind: 'service', cursor: null });
    run.historyPageLoaded({ loaded: 0, invalid: 0, nextCursor: null }, t0);
    expect(run.state.ledger.kind).toBe('order');
    expect(run.state.stage).toBe('loading_history');
    expect(run.progress(t0)).toMatchObject({ total: 15, failed: 1 });
  });

  it('reports speed and ETA over writing time only, pauses excluded', () => {
    const run = writingRun();
    run.peopleBatchWritten(run.groupPrepared({ batches: [batch('a', ['1', '2', '3', '4', '5'])], sharedEmail: [], nextCursor: null, erased: 0, invalid: 0 }), 0, 0);
    expect(run.progress(t0 + 1000)).toMatchObject({ phase: 'customers', processed: 5, total: 30, perSecond: 5, etaSeconds: 5 });
    run.pauseByOperator(t0 + 1000);
    expect(run.progress(t0 + 60_000), 'paused time counted as writing time').toMatchObject({ perSecond: 5, paused: true, pauseReason: 'paused by the operator' });
    run.resume(t0 + 60_000);
    expect(run.progress(t0 + 61_000)).toMatchObject({ perSecond: 2.5, paused: false, pauseReason: null });
  });

  it('is pausing, not paused, while an activity it started is still running', () => {
    const run = writingRun();
    run.activityStarted();
    run.pauseByOperator(t0);
    expect(run.progress(t0)).toMatchObject({ paused: false, pausing: true });
    expect(run.activityEnded(), 'the last activity did not complete the pause').toBe(true);
    expect(run.progress(t0)).toMatchObject({ paused: true, pausing: false });
  });

  it("keeps the operator's pause over a setup error, and lets the operator take over a setup pause", () => {
    const run = writingRun();
    expect(run.pauseForSetup('Twenty API key revoked', t0)).toBe(true);
    expect(run.progress(t0).pauseReason).toBe('Twenty API key revoked');
    expect(run.pauseByOperator(t0)).toBe(true);
    expect(run.setupError).toBeNull();
    expect(run.pauseForSetup('Twenty API key revoked', t0), 'a setup error replaced the operator pause').toBe(false);
    expect(run.pauseByOperator(t0)).toBe(false);
    expect(run.progress(t0).pauseReason).toBe('paused by the operator');
  });

  it('writes people group by group, counting erased and invalid customers as processed', () => {
    const run = writingRun();
    const group = run.groupPrepared({ batches: [batch('a', ['1', '2']), batch('b', ['3'])], sharedEmail: [], nextCursor: 'g2', erased: 1, invalid: 1 });
    run.startGroup(group);
    expect(run.progress(t0)).toMatchObject({ processed: 2, failed: 1 });
    run.peopleBatchWritten(group, 1, 0);
    expect(run.unwrittenBatches(group), 'a written batch would be written again').toEqual([0]);
    expect(run.groupFinished(group)).toBe(false);
    run.peopleBatchWritten(group, 0, 1);
    expect(run.groupFinished(group)).toBe(true);
    expect(run.state.people).toEqual({ cursor: 'g2', group: null, next: null, done: false });
    expect(run.progress(t0)).toMatchObject({ processed: 5, failed: 2 });
  });

  it('keeps the next group prepared meanwhile when the current one finishes, and stops after the last', () => {
    const run = writingRun();
    const first = run.groupPrepared({ batches: [batch('a', ['1'])], sharedEmail: [], nextCursor: 'g2', erased: 0, invalid: 0 });
    run.startGroup(first);
    const second = run.groupPrepared({ batches: [batch('g2', ['2'])], sharedEmail: [], nextCursor: null, erased: 0, invalid: 0 });
    run.nextGroupPrepared(second);
    run.peopleBatchWritten(first, 0, 0);
    run.groupFinished(first);
    expect(run.state.people.next).toBe(second);
    run.startGroup(second);
    run.peopleBatchWritten(second, 0, 0);
    run.groupFinished(second);
    expect(run.state.people.done).toBe(true);
    expect(run.phase()).toBe('history');
  });

  it('recounts history once people are written and follows each kind to its end', () => {
    const run = writingRun();
    run.skipTwenty();
    run.state.history.cursors.rental.done = false;
    run.historyCounted(4);
    run.historyBatchWritten('rental', { written: 2, failed: 1, last: 'r9' });
    expect(run.state.history.cursors.rental).toEqual({ after: 'r9', done: false });
    run.historyBatchWritten('rental', { written: 1, failed: 0, last: null });
    expect(run.historyDone()).toBe(true);
    expect(run.progress(t0)).toMatchObject({ total: 14, processed: 4, failed: 1, phase: 'contacts' });
  });

  it('skips everything for Twenty when the CRM module is off, leaving the contacts', () => {
    const run = writingRun();
    run.skipTwenty();
    expect(run.phase()).toBe('contacts');
    expect(run.allWritten()).toBe(false);
    run.contactsPageWritten({ written: 9, failed: 1, nextCursor: null });
    expect(run.allWritten()).toBe(true);
    expect(run.progress(t0)).toMatchObject({ phase: 'done', failed: 1, contacts: { written: 9, failed: 1 } });
  });

  it('finishes with ETA 0 and the writing time banked', () => {
    const run = writingRun();
    run.skipTwenty();
    run.contactsPageWritten({ written: 1, failed: 0, nextCursor: null });
    run.finished(t0 + 2000);
    expect(run.state.activeMs).toBe(2000);
    expect(run.progress(t0 + 10_000), 'time after the end counted as writing').toMatchObject({ done: true, etaSeconds: 0, phase: 'done' });
    expect(run.activeMs(t0 + 10_000)).toBe(2000);
  });

  it('counts writing time banked before a hand-over once, not twice', () => {
    const run = writingRun();
    run.bankActiveTime(t0 + 2000);
    expect(run.activeMs(t0 + 3000), 'the banked stretch was counted again').toBe(3000);
  });

  it('reports a cancelled run as cancelled', () => {
    const run = writingRun();
    run.cancelled = true;
    expect(run.phase()).toBe('cancelled');
  });
});
