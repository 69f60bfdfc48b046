import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  ContinueAsNew,
  continueAsNew,
  defineQuery,
  defineSignal,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertMemo,
  workflowInfo,
} from '@temporalio/workflow';
import type { BulkSyncActivities, ChatwootBulkActivities, TwentyBulkActivities } from '../activities/index.js';
import type { CustomerBatch } from '../activities/bulk-sync-twenty.js';
import { nonRetryableErrorTypes } from '../clients/errors.js';
import { bulkTwentyPriority, chatwootBulkTaskQueue, twentyTaskQueue } from '../contracts/task-queues.js';
import type { HistoryKind } from '../db/schema.js';

const historyKinds: HistoryKind[] = ['rental', 'service', 'order'];

export type BulkSyncPhase = 'counting' | 'loading_history' | 'customers' | 'history' | 'contacts' | 'done' | 'cancelled';

export interface BulkSyncProgress {
  runId: string;
  phase: BulkSyncPhase;
  processed: number;
  total: number | null;
  failed: number;
  perSecond: number;
  etaSeconds: number | null;
  paused: boolean;
  done: boolean;
  contacts: { written: number; failed: number };
}

/** Everything a run carries across continue-as-new: cursors, the group in flight and counters. Ids only. */
export interface BulkSyncState {
  since: string;
  stage: 'counting' | 'loading_history' | 'writing' | 'done';
  customersTotal: number;
  historyTotal: number;
  ledger: { kind: HistoryKind; cursor: string | null };
  /** `cursor` starts `group`, the group being written; `next` is the group after it, prepared meanwhile. */
  people: { cursor: string | null; group: PeopleGroup | null; next: PeopleGroup | null; done: boolean };
  /** One keyset cursor per kind: the three kinds are written side by side. */
  history: { counted: boolean; cursors: Record<HistoryKind, { after: string; done: boolean }> };
  contacts: { cursor: string | null; done: boolean; written: number; failed: number };
  processed: number;
  failed: number;
  /** Time spent writing, pauses excluded: the base of perSecond. */
  activeMs: number;
  paused: boolean;
}

interface PeopleGroup {
  batches: CustomerBatch[];
  sharedEmail: string[];
  nextCursor: string | null;
  written: number[];
}

export interface BulkSyncInput {
  runId: string;
  historyMonths: number;
  state?: BulkSyncState;
}

export const pauseBulkSync = defineSignal('pause');
export const resumeBulkSync = defineSignal('resume');
export const bulkSyncProgress = defineQuery<BulkSyncProgress>('progress');

const retry = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', nonRetryableErrorTypes };
const main = proxyActivities<BulkSyncActivities>({ startToCloseTimeout: '2m', retry });
const counting = proxyActivities<BulkSyncActivities>({ startToCloseTimeout: '2h', heartbeatTimeout: '30s', retry });

/** Continue-as-new well before Temporal's limits (temporal-notes §4.4), or when the server suggests it. */
const historyEventsPerRun = 8_000;
/**
 * Twenty requests in flight at once. One at a time leaves the rate limit unused while each result travels back
 * through the workflow; the task queue's rate limit, not this number, sets the pace.
 */
const peopleBatchesInFlight = 4;

const historyDone = (s: BulkSyncState) => historyKinds.every((k) => s.history.cursors[k].done);

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

function sinceDate(months: number): string {
  const d = new Date();
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.toISOString().slice(0, 10);
}

function initialState(historyMonths: number): BulkSyncState {
  return {
    since: sinceDate(historyMonths),
    stage: 'counting',
    customersTotal: 0,
    historyTotal: 0,
    ledger: { kind: 'rental', cursor: null },
    people: { cursor: null, group: null, next: null, done: false },
    history: { counted: false, cursors: { rental: { after: '', done: false }, service: { after: '', done: false }, order: { after: '', done: false } } },
    contacts: { cursor: null, done: false, written: 0, failed: 0 },
    processed: 0,
    failed: 0,
    activeMs: 0,
    paused: false,
  };
}

/**
 * Initial bulk sync (`initial-bulk-sync/<run>`, seed 000 §8.2): KGC's customers and their last months of history
 * into Twenty in batches of 60 and into Chatwoot, resumable after every batch. Stages: count the customers, load
 * the history into the ledger, then two tracks side by side: Twenty (people, then history records) and Chatwoot
 * (contacts), each on its rate-limited task queue (Twenty's shared with live syncs, below them in priority).
 */
export async function initialBulkSync(input: BulkSyncInput): Promise<BulkSyncProgress> {
  const { runId } = input;
  const taskQueue = workflowInfo().taskQueue;
  // The bulk workers heartbeat for every activity (heartbeatWhileRunning): a lost worker is noticed in seconds.
  const twenty = proxyActivities<TwentyBulkActivities>({ taskQueue: twentyTaskQueue(taskQueue), priority: bulkTwentyPriority, startToCloseTimeout: '2m', heartbeatTimeout: '10s', retry });
  const chatwoot = proxyActivities<ChatwootBulkActivities>({ taskQueue: chatwootBulkTaskQueue(taskQueue), startToCloseTimeout: '10m', heartbeatTimeout: '10s', retry });
  const s: BulkSyncState = input.state ?? initialState(input.historyMonths);
  let segmentStart = Date.now();
  let batchesSinceMemo = 0;
  let cancelled = false;

  const activeMs = () => s.activeMs + (s.stage === 'writing' && !s.paused ? Date.now() - segmentStart : 0);
  const phase = (): BulkSyncPhase => {
    if (cancelled) return 'cancelled';
    if (s.stage !== 'writing') return s.stage;
    if (!s.people.done) return 'customers';
    if (!historyDone(s)) return 'history';
    return s.contacts.done ? 'done' : 'contacts';
  };
  const progress = (): BulkSyncProgress => {
    const total = s.stage === 'counting' ? null : s.customersTotal + s.historyTotal;
    const perSecond = activeMs() > 0 ? s.processed / (activeMs() / 1000) : 0;
    const remaining = total === null ? null : Math.max(0, total - s.processed);
    return {
      runId,
      phase: phase(),
      processed: s.processed,
      total,
      failed: s.failed,
      perSecond: Math.round(perSecond * 10) / 10,
      etaSeconds: remaining === null || perSecond === 0 ? (s.stage === 'done' ? 0 : null) : Math.round(remaining / perSecond),
      paused: s.paused,
      done: s.stage === 'done',
      contacts: { written: s.contacts.written, failed: s.contacts.failed },
    };
  };
  /** Progress for operators in the Web UI: "Current details" on every batch, the memo every few batches. */
  const checkpoint = (force = false) => {
    const p = progress();
    setCurrentDetails(`**${p.phase}**${p.paused ? ' (paused)' : ''}: ${p.processed} / ${p.total ?? '?'} records, ${p.failed} failed, ${p.perSecond}/s, ETA ${p.etaSeconds ?? '?'} s`);
    if (force || ++batchesSinceMemo >= memoEveryBatches) {
      batchesSinceMemo = 0;
      upsertMemo({ bulkSync: p });
    }
  };

  setHandler(bulkSyncProgress, progress);
  setHandler(pauseBulkSync, () => {
    if (s.paused) return;
    s.activeMs = activeMs();
    s.paused = true;
    checkpoint(true);
  });
  setHandler(resumeBulkSync, () => {
    if (!s.paused) return;
    s.paused = false;
    segmentStart = Date.now();
    checkpoint(true);
  });

  const suspend = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > historyEventsPerRun;
  /** Between batches: wait while paused; false when this run should hand over to a new one. */
  const mayContinue = async () => {
    await condition(() => !s.paused);
    return !suspend();
  };

  try {
    checkpoint(true);
    if (s.stage === 'counting') {
      s.customersTotal = (await counting.countKgcCustomers()).total;
      s.stage = 'loading_history';
      checkpoint(true);
    }
    while (s.stage === 'loading_history') {
      if (!(await mayContinue())) return await handOver();
      const page = await main.loadHistoryPage({ runId, kind: s.ledger.kind, since: s.since, cursor: s.ledger.cursor });
      s.historyTotal += page.loaded;
      s.failed += page.invalid;
      if (page.nextCursor) s.ledger.cursor = page.nextCursor;
      else if (s.ledger.kind !== 'order') s.ledger = { kind: historyKinds[historyKinds.indexOf(s.ledger.kind) + 1]!, cursor: null };
      else {
        s.stage = 'writing';
        segmentStart = Date.now();
      }
      checkpoint(s.stage === 'writing');
    }
    if (s.stage === 'writing') {
      await Promise.all([twentyTrack(), contactsTrack()]);
      if (!(s.people.done && historyDone(s) && s.contacts.done)) return await handOver();
      s.activeMs = activeMs();
      s.stage = 'done';
    }
    await main.finishBulkSyncRun({ runId, status: 'completed' });
    checkpoint(true);
    return progress();
  } catch (err) {
    if (err instanceof ContinueAsNew) throw err;
    if (isCancellation(err)) {
      cancelled = true;
      await CancellationScope.nonCancellable(async () => {
        await main.finishBulkSyncRun({ runId, status: 'cancelled' });
        checkpoint(true);
      });
      throw err;
    }
    await main.finishBulkSyncRun({ runId, status: 'failed' });
    checkpoint(true);
    throw ApplicationFailure.nonRetryable(`bulk sync ${runId} failed: ${err instanceof Error ? (err.cause?.toString() ?? err.message) : String(err)}`, 'BulkSyncFailed');
  }

  async function handOver(): Promise<never> {
    s.activeMs = activeMs();
    checkpoint(true);
    await condition(allHandlersFinished);
    return continueAsNew<typeof initialBulkSync>({ runId, historyMonths: input.historyMonths, state: s });
  }

  /**
   * People in groups: one email-owner query per group, its batches in parallel, the next group prepared meanwhile
   * so that the rate limit never waits for KGC or the owner query. Then history, the kinds in parallel.
   */
  async function twentyTrack(): Promise<void> {
    while (!s.people.done) {
      if (!(await mayContinue())) return;
      if (!s.people.group) {
        const group = s.people.next ?? (await prepareGroup(s.people.cursor));
        if (group === 'module_off') return skipTwenty();
        s.people.group = group;
        s.people.next = null;
      }
      const group = s.people.group;
      let moduleOff = false;
      const prepareNext = async () => {
        if (group.nextCursor === null || s.people.next) return;
        const next = await prepareGroup(group.nextCursor, s.people.cursor);
        if (next === 'module_off') moduleOff = true;
        else s.people.next = next;
      };
      const pending = group.batches.map((_, i) => i).filter((i) => !group.written.includes(i));
      const writeGroup = inParallel(pending, peopleBatchesInFlight, async (i) => {
        if (moduleOff || !(await mayContinue())) return;
        const batch = group.batches[i]!;
        const out = await writePeople(batch, group.sharedEmail.filter((id) => batch.customerIds.includes(id)));
        if (out === 'module_off') {
          moduleOff = true;
          return;
        }
        s.processed += batch.customerIds.length;
        s.failed += out.failed;
        group.written.push(i);
        checkpoint();
      });
      await Promise.all([writeGroup, prepareNext()]);
      if (moduleOff) return skipTwenty();
      if (group.written.length < group.batches.length) return;
      s.people = { cursor: group.nextCursor, group: null, next: s.people.next, done: group.nextCursor === null };
    }
    if (!s.history.counted) {
      // Only now is it known which customers have a person in Twenty: the history total is recounted.
      s.historyTotal = (await main.countPendingHistory()).pending;
      s.history.counted = true;
    }
    let moduleOff = false;
    await Promise.all(
      historyKinds.map(async (kind) => {
        const cursor = s.history.cursors[kind];
        while (!cursor.done && !moduleOff) {
          if (!(await mayContinue())) return;
          const out = await twenty.writeHistoryBatch({ runId, kind, after: cursor.after });
          if (out.moduleOff) {
            moduleOff = true;
            return;
          }
          let { written, failed } = out;
          if (out.rejected && out.kgcIds) ({ written, failed } = await splitHistory(kind, out.kgcIds));
          s.processed += written + failed;
          s.failed += failed;
          if (out.last !== null) cursor.after = out.last;
          else cursor.done = true;
          checkpoint();
        }
      }),
    );
    if (moduleOff) skipTwenty();
  }

  /** The group of customers from `cursor` on; `inFlight` starts the group being written meanwhile. */
  async function prepareGroup(cursor: string | null, inFlight?: string | null): Promise<PeopleGroup | 'module_off'> {
    let prepared = await twenty.prepareCustomerGroup({ runId, cursor, inFlight });
    while (!prepared.moduleOff && prepared.ownersAfter) {
      prepared = await twenty.prepareCustomerGroup({ runId, cursor, inFlight, ownersAfter: prepared.ownersAfter, claims: prepared.claims });
    }
    if (prepared.moduleOff) return 'module_off';
    s.processed += prepared.erased + prepared.invalid;
    s.failed += prepared.invalid;
    return { batches: prepared.batches, sharedEmail: prepared.sharedEmail, nextCursor: prepared.nextCursor, written: [] };
  }

  /** The CRM module is off: nothing goes to Twenty in this run. */
  function skipTwenty(): void {
    s.people = { cursor: null, group: null, next: null, done: true };
    for (const kind of historyKinds) s.history.cursors[kind].done = true;
  }

  /** A batch Twenty refuses as a whole is halved until the refused records stand alone (they go to the dead letters). */
  async function writePeople(batch: CustomerBatch, sharedEmail: string[]): Promise<{ failed: number } | 'module_off'> {
    const out = await twenty.upsertPeopleBatch({ runId, batch, sharedEmail });
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
      const out = await twenty.writeHistoryBatch({ runId, kind, kgcIds: ids });
      const half = out.rejected && out.kgcIds ? await splitHistory(kind, out.kgcIds) : out;
      written += half.written;
      failed += half.failed;
    }
    return { written, failed };
  }

  async function contactsTrack(): Promise<void> {
    while (!s.contacts.done) {
      if (!(await mayContinue())) return;
      const out = await chatwoot.upsertContactsPage({ runId, cursor: s.contacts.cursor });
      s.contacts.written += out.written;
      s.contacts.failed += out.failed;
      s.failed += out.failed;
      s.contacts.cursor = out.nextCursor;
      s.contacts.done = out.nextCursor === null;
      checkpoint();
    }
  }
}
