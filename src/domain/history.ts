import type { KgcEventData } from '../contracts/kgc-events.js';
import type { HistoryKind } from '../contracts/history-kinds.js';
import type { PersonAggregates } from '../db/history-ledger.js';
import { twentyRecordId } from './ids.js';

export interface LedgerEntry {
  kind: HistoryKind;
  kgcId: string;
  customerId: string;
  amountHuf: number;
  occurredOn: string;
  late: boolean;
  payload: Record<string, unknown>;
}

const day = (iso: string) => iso.slice(0, 10);
export const huf = (amount: number) => ({ amountMicros: amount * 1_000_000, currencyCode: 'HUF' });

export type HistoryEvent = 'rental.completed' | 'service.completed' | 'order.delivered';

/** KGC history events → ledger rows (the one source of Twenty history records and person aggregates). */
export const toLedgerEntry: { [E in HistoryEvent]: (d: KgcEventData<E>) => LedgerEntry } = {
  'rental.completed': (d: KgcEventData<'rental.completed'>): LedgerEntry => ({
    kind: 'rental',
    kgcId: d.rental_id,
    customerId: d.customer_id,
    amountHuf: d.total_cost,
    occurredOn: day(d.rental_end),
    late: d.status === 'late' || (d.late_days ?? 0) > 0,
    payload: d,
  }),
  'service.completed': (d: KgcEventData<'service.completed'>): LedgerEntry => ({
    kind: 'service',
    kgcId: d.worklog_id,
    customerId: d.customer_id,
    amountHuf: d.repair_cost,
    occurredOn: day(d.completed_at),
    late: false,
    payload: d,
  }),
  'order.delivered': (d: KgcEventData<'order.delivered'>): LedgerEntry => ({
    kind: 'order',
    kgcId: d.order_id,
    customerId: d.customer_id,
    amountHuf: d.total_amount,
    occurredOn: day(d.delivered_at),
    late: false,
    payload: d,
  }),
};

/** A person's aggregates as Twenty's person fields. */
export function toTwentyAggregates(agg: PersonAggregates) {
  return { totalRentals: agg.totalRentals, totalRevenue: huf(agg.revenueHuf), lastRentalDate: agg.lastRentalDate, lastServiceDate: agg.lastServiceDate };
}

export const historyObjectOf: Record<HistoryKind, { singular: 'rentalRecord' | 'serviceRecord' | 'salesRecord'; createMany: string; input: string }> = {
  rental: { singular: 'rentalRecord', createMany: 'createRentalRecords', input: 'RentalRecordCreateInput' },
  service: { singular: 'serviceRecord', createMany: 'createServiceRecords', input: 'ServiceRecordCreateInput' },
  order: { singular: 'salesRecord', createMany: 'createSalesRecords', input: 'SalesRecordCreateInput' },
};

/** Twenty shows a custom object's records by their `name` (its label identifier); without one they are "Untitled". */
const title = (kgcId: string, what: string) => `${kgcId} · ${what}`;

/** Ledger row → Twenty record input, with the deterministic id that makes every write an upsert. */
export function toTwentyHistoryRecord(kind: HistoryKind, kgcId: string, payload: Record<string, unknown>, personId: string) {
  const id = twentyRecordId(historyObjectOf[kind].singular, kgcId);
  if (kind === 'rental') {
    const d = payload as KgcEventData<'rental.completed'>;
    return {
      id,
      name: title(d.rental_id, d.machine_name),
      personId,
      kgcRentalId: d.rental_id,
      machineName: d.machine_name,
      rentalStart: day(d.rental_start),
      rentalEnd: day(d.rental_end),
      totalDays: d.total_days,
      totalCost: huf(d.total_cost),
      status: d.status === 'late' || (d.late_days ?? 0) > 0 ? 'LATE' : d.status.toUpperCase(),
    };
  }
  if (kind === 'service') {
    const d = payload as KgcEventData<'service.completed'>;
    return {
      id,
      name: title(d.worklog_id, d.machine_type),
      personId,
      kgcWorklogId: d.worklog_id,
      machineType: d.machine_type,
      issueDescription: d.issue_description,
      repairCost: huf(d.repair_cost),
      status: d.status.toUpperCase(),
      completedAt: new Date(d.completed_at).toISOString(),
    };
  }
  const d = payload as KgcEventData<'order.delivered'>;
  const itemsSummary = d.items.map((i) => `${i.quantity}× ${i.name}`).join(', ');
  return {
    id,
    name: title(d.order_id, itemsSummary),
    personId,
    kgcOrderId: d.order_id,
    itemsSummary,
    totalAmount: huf(d.total_amount),
    orderDate: day(d.order_date),
    deliveredAt: new Date(d.delivered_at).toISOString(),
  };
}
