import { and, count, eq, gt, lt, sql } from 'drizzle-orm';
import { budapestMonth } from '../domain/lifecycle-campaigns.js';
import type { Db } from './client.js';
import { historyLedger, partnerLinks } from './schema.js';

/** Completed rentals of the customer in the history ledger (each KGC rental id counted once). */
export async function ledgerRentalCount(db: Db, customerId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(historyLedger).where(and(eq(historyLedger.customerId, customerId), eq(historyLedger.kind, 'rental')));
  return row?.n ?? 0;
}

export async function vipSinceOf(db: Db, customerId: string): Promise<Date | null> {
  const [row] = await db.select({ vipSince: partnerLinks.vipSince }).from(partnerLinks).where(eq(partnerLinks.customerId, customerId));
  return row?.vipSince ?? null;
}

/**
 * The machines of the customer's completed rentals that ended in a Budapest calendar month (`2026-01`), in order
 * of their end. The ledger's date is KGC's; a day either side is read so a UTC end time near midnight still counts.
 */
export async function rentalsEndedInMonth(db: Db, customerId: string, month: string): Promise<string[]> {
  const rows = await db
    .select({ payload: historyLedger.payload, occurredOn: historyLedger.occurredOn })
    .from(historyLedger)
    .where(and(eq(historyLedger.customerId, customerId), eq(historyLedger.kind, 'rental'), sql`${historyLedger.occurredOn} between (${`${month}-01`}::date - 1) and ((${`${month}-01`}::date + interval '1 month')::date)`))
    .orderBy(historyLedger.occurredOn);
  return rows
    .map((r) => r.payload as { rental_end?: string; machine_name?: string })
    .filter((p) => p.rental_end && budapestMonth(p.rental_end) === month)
    .map((p) => p.machine_name ?? '');
}

const rentalEnd = sql<string>`(${historyLedger.payload}->>'rental_end')`;
/** KGC gave a time of day (ISO 8601, minutes at least), which Postgres reads as it is. */
const timed = sql`${rentalEnd} ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$'`;

/**
 * When a completed rental ended: KGC's moment when it gave a time (Budapest time if without an offset), else the
 * end of its day in Budapest. The win-back's inactivity is measured from it, so WIN_BACK_INACTIVE_AFTER counts to
 * the second, not in whole days. Anything else KGC's date format allows falls back to the day, so one odd value
 * never fails the whole sweep.
 */
const rentalEndedAt = sql<Date>`case
  when ${timed} and ${rentalEnd} ~ '(Z|[+-][0-9]{2}(:?[0-9]{2})?)$' then (${rentalEnd})::timestamptz
  when ${timed} then (${rentalEnd})::timestamp at time zone 'Europe/Budapest'
  else (${historyLedger.occurredOn} + 1)::timestamp at time zone 'Europe/Budapest' end`;

/**
 * The name of the inactive period a rental opens: its end to the millisecond in UTC when KGC gave a time, so two
 * rentals on one day open two periods; else its date.
 */
const periodName = sql<string>`case
  when ${timed} then to_char(${rentalEndedAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
  else ${historyLedger.occurredOn}::text end`;

/** Each customer's latest completed rental: when it ended and the inactive period it opened. */
const latestRentals = (db: Db) =>
  db
    .selectDistinctOn([historyLedger.customerId], { customerId: historyLedger.customerId, endedAt: rentalEndedAt.as('ended_at'), period: periodName.as('period') })
    .from(historyLedger)
    .where(eq(historyLedger.kind, 'rental'))
    .orderBy(historyLedger.customerId, sql`${rentalEndedAt} desc`);

/**
 * A page of customers, in id order after `after`, whose latest completed rental ended before `endedBefore`: the
 * inactive ones, each with the name of that rental's inactive period (`lastRentalOn`).
 */
export async function inactiveRenters(db: Db, o: { endedBefore: Date; after?: string; limit: number }): Promise<Array<{ customerId: string; lastRentalOn: string }>> {
  const latest = latestRentals(db).as('latest');
  return db
    .select({ customerId: latest.customerId, lastRentalOn: latest.period })
    .from(latest)
    .where(and(lt(latest.endedAt, sql`${o.endedBefore.toISOString()}::timestamptz`), o.after ? gt(latest.customerId, o.after) : undefined))
    .orderBy(latest.customerId)
    .limit(o.limit);
}

/** The inactive period the customer's latest completed rental opened (see inactiveRenters), if any. */
export async function lastRentalOn(db: Db, customerId: string): Promise<string | null> {
  const [row] = await db
    .select({ period: periodName })
    .from(historyLedger)
    .where(and(eq(historyLedger.customerId, customerId), eq(historyLedger.kind, 'rental')))
    .orderBy(sql`${rentalEndedAt} desc`)
    .limit(1);
  return row?.period ?? null;
}
