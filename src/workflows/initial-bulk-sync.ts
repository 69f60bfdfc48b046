import { allHandlersFinished, CancellationScope, condition, ContinueAsNew, continueAsNew, isCancellation, setCurrentDetails, setHandler, upsertMemo, workflowInfo } from '@temporalio/workflow';
import type { CustomerBatch } from '../activities/bulk-sync-twenty.js';
import { failure, setupFailureOf } from '../clients/errors.js';
import type { HistoryKind } from '../contracts/history-kinds.js';
import { bulkSyncActivities } from './activity-profiles.js';
import { type BulkSyncProgress, bulkSyncProgress, pauseBulkSync, resumeBulkSync } from '../contracts/workflow-messages.js';
import { BulkSyncRun, type BulkSyncState, historyKinds, initialBulkSyncState, type PeopleGroup } from './initial-bulk-sync-state.js';

export interface BulkSyncInput {
  runId: string;
  historyMonths: number;
  /** How long a run paused by a setup error waits before it tries the failed step again (default 5 min). */
  setupRetryMs?: number;
  state?: BulkSyncState;
}

/** Continue-as-new well before Temporal's history limits, or when the server suggests it. */
const historyEventsPerRun = 8_000;
/**
 * Twenty requests in flight at once. One at a time leaves the rate limit unused while each result travels back
 * through the workflow; the task queue's rate limit, not this number, sets the pace.
 */
const peopleBatchesInFlight = 4;

/** Runs `work` over `items`, at most `width` at a time, in a deterministic order. */
async function inParallel<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}
const memoEveryBatches = 8;

/**
 * Initial bulk sync (`initial-bulk-sync/<run>`): KGC's customers and their last months of history
 * into Twenty in batches of 60 and into Chatwoot, resumable after every batch. Stages: count the customers, load
 * the history into the ledger, then two tracks side by side: Twenty (people, then history records) and Chatwoot
 * (contacts), each on its rate-limited task queue (Twenty's shared with live syncs, below them in priority).
 */
export async function initialBulkSync(input: BulkSyncInput): Promise<BulkSyncProgress> {
  const { runId } = input;
  // A setup error reaches the workflow at once (profiles.bulkBatch): the run pauses on it instead of each batch retrying.
  const { main, counting, twenty, chatwoot } = bulkSyncActivities();
  const setupRetryMs = input.setupRetryMs ?? 5 * 60_000;
  const run = new BulkSyncRun(runId, input.state ?? initialBulkSyncState(input.historyMonths, Date.now()), Date.now());
  const s = run.state;
  let batchesSinceMemo = 0;

  /** Progress for operators in the Web UI: "Current details" on every batch, the memo every few batches. */
  const checkpoint = (force = false) => {
    const p = run.progress(Date.now());
    const pauseNote = p.paused ? ` (paused: ${p.pauseReason})` : p.pausing ? ` (pausing: ${p.pauseReason})` : '';
    setCurrentDetails(`**${p.phase}**${pauseNote}: ${p.processed} / ${p.total ?? '?'} records, ${p.failed} failed, ${p.perSecond}/s, ETA ${p.etaSeconds ?? '?'} s`);
    if (force || ++batchesSinceMemo >= memoEveryBatches) {
      batchesSinceMemo = 0;
      upsertMemo({ bulkSync: p });
    }
  };
  const resume = () => {
    run.resume(Date.now());
    checkpoint(true);
  };

  setHandler(bulkSyncProgress, () => run.progress(Date.now()));
  setHandler(pauseBulkSync, () => {
    if (run.pauseByOperator(Date.now())) checkpoint(true);
  });
  setHandler(resumeBulkSync, () => {
    if (run.paused) resume();
  });

  /**
   * Every activity goes through here. None starts while the run is paused. A setup error (a revoked key, a role
   * without permission, a data model missing a field) fails every record alike: the run pauses with it as the
   * reason, unless the operator paused it already, and tries the step again after `setupRetryMs` or on resume.
   */
  async function step<T>(call: () => Promise<T>): Promise<T> {
    for (;;) {
      if (run.paused) await condition(() => !run.paused);
      run.activityStarted();
      try {
        return await call();
      } catch (err) {
        const setup = setupFailureOf(err);
        if (!setup) throw err;
        if (run.pauseForSetup(setup.message, Date.now())) checkpoint(true);
      } finally {
        if (run.activityEnded()) checkpoint(true);
      }
      if (!(await condition(() => !run.paused, setupRetryMs)) && run.setupError) resume();
    }
  }

  const suspend = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > historyEventsPerRun;
  /** Between batches: wait while paused; false when this run should hand over to a new one. */
  const mayContinue = async () => {
    await condition(() => !run.paused);
    return !suspend();
  };

  try {
    checkpoint(true);
    if (s.stage === 'counting') {
      run.customersCounted((await step(() => counting.countKgcCustomers())).total);
      checkpoint(true);
    }
    while (s.stage === 'loading_history') {
      if (!(await mayContinue())) return await handOver();
      const page = await step(() => main.loadHistoryPage({ runId, kind: s.ledger.kind, since: s.since, cursor: s.ledger.cursor }));
      checkpoint(run.historyPageLoaded(page, Date.now()));
    }
    if (s.stage === 'writing') {
      await Promise.all([twentyTrack(), contactsTrack()]);
      if (!run.allWritten()) return await handOver();
      run.finished(Date.now());
    }
    await main.finishBulkSyncRun({ runId, status: 'completed' });
    checkpoint(true);
    return run.progress(Date.now());
  } catch (err) {
    if (err instanceof ContinueAsNew) throw err;
    if (isCancellation(err)) {
      run.cancelled = true;
      await CancellationScope.nonCancellable(async () => {
        await main.finishBulkSyncRun({ runId, status: 'cancelled' });
        checkpoint(true);
      });
      throw err;
    }
    await main.finishBulkSyncRun({ runId, status: 'failed' });
    checkpoint(true);
    throw failure('BulkSyncFailed', `bulk sync ${runId} failed: ${err instanceof Error ? (err.cause?.toString() ?? err.message) : String(err)}`);
  }

  async function handOver(): Promise<never> {
    run.bankActiveTime(Date.now());
    checkpoint(true);
    await condition(allHandlersFinished);
    return continueAsNew<typeof initialBulkSync>({ runId, historyMonths: input.historyMonths, setupRetryMs: input.setupRetryMs, state: s });
  }

  /**
   * People in groups: one email-owner query per group, its batches in parallel, the next group prepared meanwhile
   * so that the rate limit never waits for KGC or the owner query. Then history, the kinds in parallel.
   */
  async function twentyTrack(): Promise<void> {
    while (!s.people.done) {
      if (!(await mayContinue())) return;
      const group = s.people.group ?? (await startNextGroup());
      if (group === 'module_off') return run.skipTwenty();
      let moduleOff = false;
      const prepareNext = async () => {
        if (group.nextCursor === null || s.people.next) return;
        const next = await prepareGroup(group.nextCursor, s.people.cursor);
        if (next === 'module_off') moduleOff = true;
        else run.nextGroupPrepared(next);
      };
      const writeGroup = inParallel(run.unwrittenBatches(group), peopleBatchesInFlight, async (i) => {
        if (moduleOff || !(await mayContinue())) return;
        const batch = group.batches[i]!;
        const out = await writePeople(batch, group.sharedEmail.filter((id) => batch.customerIds.includes(id)));
        if (out === 'module_off') {
          moduleOff = true;
          return;
        }
        run.peopleBatchWritten(group, i, out.failed);
        checkpoint();
      });
      await Promise.all([writeGroup, prepareNext()]);
      if (moduleOff) return run.skipTwenty();
      if (!run.groupFinished(group)) return;
    }
    if (!s.history.counted) run.historyCounted((await step(() => main.countPendingHistory())).pending);
    let moduleOff = false;
    await Promise.all(
      historyKinds.map(async (kind) => {
        const cursor = s.history.cursors[kind];
        while (!cursor.done && !moduleOff) {
          if (!(await mayContinue())) return;
          const out = await step(() => twenty.writeHistoryBatch({ runId, kind, after: cursor.after }));
          if (out.moduleOff) {
            moduleOff = true;
            return;
          }
          const { written, failed } = out.rejected && out.kgcIds ? await splitHistory(kind, out.kgcIds) : out;
          run.historyBatchWritten(kind, { written, failed, last: out.last });
          checkpoint();
        }
      }),
    );
    if (moduleOff) run.skipTwenty();
  }

  /** The group prepared while the last one was written, or else the one at the people cursor. */
  async function startNextGroup(): Promise<PeopleGroup | 'module_off'> {
    const group = s.people.next ?? (await prepareGroup(s.people.cursor));
    if (group !== 'module_off') run.startGroup(group);
    return group;
  }

  /** The group of customers from `cursor` on; `inFlight` starts the group being written meanwhile. */
  async function prepareGroup(cursor: string | null, inFlight?: string | null): Promise<PeopleGroup | 'module_off'> {
    let prepared = await step(() => twenty.prepareCustomerGroup({ runId, cursor, inFlight }));
    while (!prepared.moduleOff && prepared.ownersAfter) {
      const { ownersAfter, claims } = prepared;
      prepared = await step(() => twenty.prepareCustomerGroup({ runId, cursor, inFlight, ownersAfter, claims }));
    }
    if (prepared.moduleOff) return 'module_off';
    return run.groupPrepared(prepared);
  }

  /** A batch Twenty refuses as a whole is halved until the refused records stand alone (they go to the dead letters). */
  async function writePeople(batch: CustomerBatch, sharedEmail: string[]): Promise<{ failed: number } | 'module_off'> {
    const out = await step(() => twenty.upsertPeopleBatch({ runId, batch, sharedEmail }));
    if (out.moduleOff) return 'module_off';
    if (!out.rejected) return { failed: out.failed };
    const mid = Math.ceil(batch.customerIds.length / 2);
    let failed = 0;
    for (const ids of [batch.customerIds.slice(0, mid), batch.customerIds.slice(mid)]) {
      const half = await writePeople({ cursor: batch.cursor, customerIds: ids }, sharedEmail.filter((id) => ids.includes(id)));
      if (half === 'module_off') return half;
      failed += half.failed;
    }
    return { failed };
  }

  async function splitHistory(kind: HistoryKind, kgcIds: string[]): Promise<{ written: number; failed: number }> {
    const mid = Math.ceil(kgcIds.length / 2);
    let written = 0;
    let failed = 0;
    for (const ids of [kgcIds.slice(0, mid), kgcIds.slice(mid)]) {
      const out = await step(() => twenty.writeHistoryBatch({ runId, kind, kgcIds: ids }));
      const half = out.rejected && out.kgcIds ? await splitHistory(kind, out.kgcIds) : out;
      written += half.written;
      failed += half.failed;
    }
    return { written, failed };
  }

  async function contactsTrack(): Promise<void> {
    while (!s.contacts.done) {
      if (!(await mayContinue())) return;
      run.contactsPageWritten(await step(() => chatwoot.upsertContactsPage({ runId, cursor: s.contacts.cursor })));
      checkpoint();
    }
  }
}
