import type { CustomerBatch } from '../activities/bulk-sync-twenty.js';
import type { HistoryKind } from '../contracts/history-kinds.js';
import type { BulkSyncPhase, BulkSyncProgress } from '../contracts/workflow-messages.js';

export const historyKinds: HistoryKind[] = ['rental', 'service', 'order'];

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

export interface PeopleGroup {
  batches: CustomerBatch[];
  sharedEmail: string[];
  nextCursor: string | null;
  written: number[];
}

/** What preparing a group of customers reports besides the group itself. */
interface PreparedGroup {
  batches: CustomerBatch[];
  sharedEmail: string[];
  nextCursor: string | null;
  erased: number;
  invalid: number;
}

export function initialBulkSyncState(historyMonths: number, now: number): BulkSyncState {
  const since = new Date(now);
  since.setUTCMonth(since.getUTCMonth() - historyMonths);
  return {
    since: since.toISOString().slice(0, 10),
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
 * The bookkeeping of one bulk sync run apart from the workflow that drives it: stage, cursors, counters, pauses
 * and the progress operators see. Plain and deterministic (the caller passes the time), so it is unit-tested
 * without a Temporal server; `state` is what continue-as-new carries.
 */
export class BulkSyncRun {
  cancelled = false;
  private segmentStart: number;
  /** Activities started and not yet finished: a pause is complete only when none is left. */
  private activitiesInFlight = 0;

  constructor(
    private readonly runId: string,
    readonly state: BulkSyncState,
    now: number,
  ) {
    this.segmentStart = now;
  }

  get paused(): boolean {
    return this.state.paused;
  }

  /** Why the run is paused by itself; null or undefined when the operator paused it or it runs. */
  get setupError(): string | null | undefined {
    return this.state.setupError;
  }

  historyDone(): boolean {
    return historyKinds.every((k) => this.state.history.cursors[k].done);
  }

  allWritten(): boolean {
    return this.state.people.done && this.historyDone() && this.state.contacts.done;
  }

  activeMs(now: number): number {
    const s = this.state;
    return s.activeMs + (s.stage === 'writing' && !s.paused ? now - this.segmentStart : 0);
  }

  phase(): BulkSyncPhase {
    const s = this.state;
    if (this.cancelled) return 'cancelled';
    if (s.stage !== 'writing') return s.stage;
    if (!s.people.done) return 'customers';
    if (!this.historyDone()) return 'history';
    return s.contacts.done ? 'done' : 'contacts';
  }

  progress(now: number): BulkSyncProgress {
    const s = this.state;
    const activeMs = this.activeMs(now);
    const total = s.stage === 'counting' ? null : s.customersTotal + s.historyTotal;
    const perSecond = activeMs > 0 ? s.processed / (activeMs / 1000) : 0;
    const remaining = total === null ? null : Math.max(0, total - s.processed);
    return {
      runId: this.runId,
      phase: this.phase(),
      processed: s.processed,
      total,
      failed: s.failed,
      perSecond: Math.round(perSecond * 10) / 10,
      etaSeconds: remaining === null || perSecond === 0 ? (s.stage === 'done' ? 0 : null) : Math.round(remaining / perSecond),
      paused: s.paused && this.activitiesInFlight === 0,
      pausing: s.paused && this.activitiesInFlight > 0,
      pauseReason: s.paused ? (s.setupError ?? 'paused by the operator') : null,
      done: s.stage === 'done',
      contacts: { written: s.contacts.written, failed: s.contacts.failed },
    };
  }

  /** The operator's pause holds until the operator resumes, also over a pause for a setup error. False: no change. */
  pauseByOperator(now: number): boolean {
    if (this.state.paused && !this.state.setupError) return false;
    this.pause(null, now);
    return true;
  }

  /** A setup error pauses the run with it as the reason, unless the operator paused it already. False: no change. */
  pauseForSetup(message: string, now: number): boolean {
    if (this.state.paused && !this.state.setupError) return false;
    this.pause(message, now);
    return true;
  }

  resume(now: number): void {
    this.state.paused = false;
    this.state.setupError = null;
    this.segmentStart = now;
  }

  activityStarted(): void {
    this.activitiesInFlight++;
  }

  /** True when this was the last activity a pause waited for. */
  activityEnded(): boolean {
    this.activitiesInFlight--;
    return this.state.paused && this.activitiesInFlight === 0;
  }

  customersCounted(total: number): void {
    this.state.customersTotal = total;
    this.state.stage = 'loading_history';
  }

  /** The ledger loads the kinds one after the other; after the last page of orders the writing starts (true). */
  historyPageLoaded(page: { loaded: number; invalid: number; nextCursor: string | null }, now: number): boolean {
    const s = this.state;
    s.historyTotal += page.loaded;
    s.failed += page.invalid;
    if (page.nextCursor) s.ledger.cursor = page.nextCursor;
    else if (s.ledger.kind !== 'order') s.ledger = { kind: historyKinds[historyKinds.indexOf(s.ledger.kind) + 1]!, cursor: null };
    else {
      s.stage = 'writing';
      this.segmentStart = now;
    }
    return s.stage === 'writing';
  }

  /** Records dropped while preparing (erased customers, invalid ones) count as processed. */
  groupPrepared(prepared: PreparedGroup): PeopleGroup {
    this.state.processed += prepared.erased + prepared.invalid;
    this.state.failed += prepared.invalid;
    return { batches: prepared.batches, sharedEmail: prepared.sharedEmail, nextCursor: prepared.nextCursor, written: [] };
  }

  startGroup(group: PeopleGroup): void {
    this.state.people.group = group;
    this.state.people.next = null;
  }

  nextGroupPrepared(group: PeopleGroup): void {
    this.state.people.next = group;
  }

  /** Indexes of the group's batches not written yet: a resumed run writes only those. */
  unwrittenBatches(group: PeopleGroup): number[] {
    return group.batches.map((_, i) => i).filter((i) => !group.written.includes(i));
  }

  peopleBatchWritten(group: PeopleGroup, index: number, failed: number): void {
    this.state.processed += group.batches[index]!.customerIds.length;
    this.state.failed += failed;
    group.written.push(index);
  }

  /** Moves on to the next group once every batch of this one is written; false while some are not. */
  groupFinished(group: PeopleGroup): boolean {
    if (group.written.length < group.batches.length) return false;
    this.state.people = { cursor: group.nextCursor, group: null, next: this.state.people.next, done: group.nextCursor === null };
    return true;
  }

  /** Only once the people are written is it known which customers have a person in Twenty. */
  historyCounted(pending: number): void {
    this.state.historyTotal = pending;
    this.state.history.counted = true;
  }

  historyBatchWritten(kind: HistoryKind, out: { written: number; failed: number; last: string | null }): void {
    const cursor = this.state.history.cursors[kind];
    this.state.processed += out.written + out.failed;
    this.state.failed += out.failed;
    if (out.last !== null) cursor.after = out.last;
    else cursor.done = true;
  }

  /** The CRM module is off: nothing goes to Twenty in this run. */
  skipTwenty(): void {
    this.state.people = { cursor: null, group: null, next: null, done: true };
    for (const kind of historyKinds) this.state.history.cursors[kind].done = true;
  }

  contactsPageWritten(out: { written: number; failed: number; nextCursor: string | null }): void {
    const c = this.state.contacts;
    c.written += out.written;
    c.failed += out.failed;
    this.state.failed += out.failed;
    c.cursor = out.nextCursor;
    c.done = out.nextCursor === null;
  }

  /** Banks the writing time so far, before a hand-over or at the end. */
  bankActiveTime(now: number): void {
    this.state.activeMs = this.activeMs(now);
    this.segmentStart = now;
  }

  finished(now: number): void {
    this.bankActiveTime(now);
    this.state.stage = 'done';
  }

  private pause(setupError: string | null, now: number): void {
    if (!this.state.paused) this.bankActiveTime(now);
    this.state.paused = true;
    this.state.setupError = setupError;
  }
}
