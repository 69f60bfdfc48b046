import { allHandlersFinished, CancellationScope, condition, ContinueAsNew, continueAsNew, isCancellation, setCurrentDetails, setHandler, upsertMemo, workflowInfo } from '@temporalio/workflow';
import type { CustomerBatch } from '../activities/bulk-sync-twenty.js';
import { failure, setupFailureOf } from '../clients/errors.js';
import type { HistoryKind } from '../contracts/history-kinds.js';
import { bulkSyncActivities } from './activity-profiles.js';
import { type BulkSyncPhase, type BulkSyncProgress, bulkSyncProgress, pauseBulkSync, resumeBulkSync } from '../contracts/workflow-messages.js';

const historyKinds: HistoryKind[] = ['rental', 'service', 'order'];

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
  /** Set while the run is paused by a setup error rather than by the operator; it then resumes by itself. */
  setupError?: string | null;
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
  const s: BulkSyncState = input.state ?? initialState(input.historyMonths);
  let segmentStart = Date.now();
  let batchesSinceMemo = 0;
  let cancelled = false;
  /** Activities started and not yet finished: a pause is complete only when none is left. */
  let activitiesInFlight = 0;

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
      paused: s.paused && activitiesInFlight === 0,
      pausing: s.paused && activitiesInFlight > 0,
      pauseReason: s.paused ? (s.setupError ?? 'paused by the operator') : null,
      done: s.stage === 'done',
      contacts: { written: s.contacts.written, failed: s.contacts.failed },
    };
  };
  /** Progress for operators in the Web UI: "Current details" on every batch, the memo every few batches. */
  const checkpoint = (force = false) => {
    const p = progress();
    const pauseNote = p.paused ? ` (paused: ${p.pauseReason})` : p.pausing ? ` (pausing: ${p.pauseReason})` : '';
    setCurrentDetails(`**${p.phase}**${pauseNote}: ${p.processed} / ${p.total ?? '?'} records, ${p.failed} failed, ${p.perSecond}/s, ETA ${p.etaSeconds ?? '?'} s`);
    if (force || ++batchesSinceMemo >= memoEveryBatches) {
      batchesSinceMemo = 0;
      upsertMemo({ bulkSync: p });
    }
  };

  setHandler(bulkSyncProgress, progress);
  const pause = (setupError: string | null) => {
    if (!s.paused) s.activeMs = activeMs();
    s.paused = true;
    s.setupError = setupError;
    checkpoint(true);
  };
  const resume = () => {
    s.paused = false;
    s.setupError = null;
    segmentStart = Date.now();
    checkpoint(true);
  };
  // The operator's pause holds until the operator resumes, also over a pause for a setup error.
  setHandler(pauseBulkSync, () => {
    if (!s.paused || s.setupError) pause(null);
  });
  setHandler(resumeBulkSync, () => {
    if (s.paused) resume();
  });

  /**
   * Every activity goes through here. None starts while the run is paused. A setup error (a revoked key, a role
   * without permission, a data model missing a field) fails every record alike: the run pauses with it as the
   * reason, unless the operator paused it already, and tries the step again after `setupRetryMs` or on resume.
   */
  async function step<T>(call: () => Promise<T>): Promise<T> {
    for (;;) {
      if (s.paused) await condition(() => !s.paused);
      activitiesInFlight++;
      try {
        return await call();
      } catch (err) {
        const setup = setupFailureOf(err);
        if (!setup) throw err;
        if (!s.paused || s.setupError) pause(setup.message);
      } finally {
        activitiesInFlight--;
        if (s.paused && activitiesInFlight === 0) checkpoint(true);
      }
      if (!(await condition(() => !s.paused, setupRetryMs)) && s.setupError) resume();
    }
  }

  const suspend = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > historyEventsPerRun;
  /** Between batches: wait while paused; false when this run should hand over to a new one. */
  const mayContinue = async () => {
    await condition(() => !s.paused);
    return !suspend();
  };

  try {
    checkpoint(true);
    if (s.stage === 'counting') {
      s.customersTotal = (await step(() => counting.countKgcCustomers())).total;
      s.stage = 'loading_history';
      checkpoint(true);
    }
    while (s.stage === 'loading_history') {
      if (!(await mayContinue())) return await handOver();
      const page = await step(() => main.loadHistoryPage({ runId, kind: s.ledger.kind, since: s.since, cursor: s.ledger.cursor }));
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
    throw failure('BulkSyncFailed', `bulk sync ${runId} failed: ${err instanceof Error ? (err.cause?.toString() ?? err.message) : String(err)}`);
  }

  async function handOver(): Promise<never> {
    s.activeMs = activeMs();
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
      s.historyTotal = (await step(() => main.countPendingHistory())).pending;
      s.history.counted = true;
    }
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
    let prepared = await step(() => twenty.prepareCustomerGroup({ runId, cursor, inFlight }));
    while (!prepared.moduleOff && prepared.ownersAfter) {
      const { ownersAfter, claims } = prepared;
      prepared = await step(() => twenty.prepareCustomerGroup({ runId, cursor, inFlight, ownersAfter, claims }));
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
      const out = await step(() => chatwoot.upsertContactsPage({ runId, cursor: s.contacts.cursor }));
      s.contacts.written += out.written;
      s.contacts.failed += out.failed;
      s.failed += out.failed;
      s.contacts.cursor = out.nextCursor;
      s.contacts.done = out.nextCursor === null;
      checkpoint();
    }
  }
}
