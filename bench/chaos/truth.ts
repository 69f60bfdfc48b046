import type { Client } from '@temporalio/client';
import { isDeepStrictEqual } from 'node:util';
import type postgres from 'postgres';
import type { ChatwootStandIn, SmtpStandIn, TwentyStandIn } from '../../sandbox/index.js';
import { kgcEventSchemas, type KgcCustomer } from '../../src/contracts/kgc-events.js';
import { historyObjectOf, toLedgerEntry, toTwentyAggregates, toTwentyHistoryRecord, type HistoryEvent } from '../../src/domain/history.js';
import { twentyRecordId } from '../../src/domain/ids.js';
import { toChatwootContact } from '../../src/domain/chatwoot-contact.js';
import { toTwentyPerson } from '../../src/domain/twenty-person.js';
import type { Day, Delivery } from './traffic.js';

/**
 * The truth after a chaos run, read from the stand-ins' own state (and the service's tables only for what must be
 * gone), against what the generated day says must exist. Never from the service's counters.
 */

export interface Finding {
  kind: 'lost' | 'duplicated' | 'wrong' | 'not erased' | 'stuck';
  what: string;
}

export interface Truth {
  findings: Finding[];
  /** Effects the day asks for, by kind: what "lost" is out of. */
  expected: Record<string, number>;
  /** Emails: deliveries, distinct Message-IDs, keys delivered more than once (same Message-ID each time or not). */
  emails: { delivered: number; distinctMessageIds: number; secondDeliveries: string[] };
  /** Workflows left open by design (rental-expiry on its timer) or cancelled by an erasure, by id prefix. */
  open: Map<string, number>;
}

export interface TruthSources {
  day: Day;
  /** Final ERP state of every customer not deleted. */
  customers: ReadonlyMap<string, KgcCustomer>;
  twenty: TwentyStandIn;
  chatwoot: ChatwootStandIn;
  smtp: SmtpStandIn;
  sql: postgres.Sql;
  temporal: Client;
  admin: (path: string) => Promise<{ status: number; body: any }>;
}

const historyEvents = new Set(['rental.completed', 'service.completed', 'order.delivered']);
const notificationEvents = new Set(['service.quote_ready', 'service.repair_done', 'order.arrived', 'rental.started', 'rental.ended']);
const notificationId = (d: Delivery) => String(d.data.worklog_id ?? d.data.order_id ?? d.data.rental_id);

const empty = (v: unknown) => v === undefined || v === null || (Array.isArray(v) && v.length === 0);

/** Every leaf of `expected` equals the record's (null, a missing field and an empty list alike). */
function mismatches(expected: unknown, actual: unknown, path = ''): string[] {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    return Object.entries(expected).flatMap(([k, v]) => mismatches(v, (actual as Record<string, unknown> | undefined)?.[k], path ? `${path}.${k}` : k));
  }
  const same = (empty(expected) && empty(actual)) || isDeepStrictEqual(expected, actual) || (typeof expected === 'string' && typeof actual === 'string' && Date.parse(expected) === Date.parse(actual) && /^\d{4}-/.test(expected));
  return same ? [] : [path];
}

export async function checkTruth(src: TruthSources): Promise<Truth> {
  const findings: Finding[] = [];
  const found = (kind: Finding['kind'], what: string) => void findings.push({ kind, what });
  const valid = src.day.deliveries.filter((d) => !d.invalid);
  const alive = (customerId: string) => !src.day.deleted.has(customerId);
  const expected: Record<string, number> = { people: 0, contacts: 0, 'history records': 0, notifications: 0, emails: 0, 'rental reminders': 0, 'late notices': 0, erasures: src.day.deleted.size };

  // People and contacts: one each per customer, with the ERP's final data and aggregates from its distinct history.
  const people = src.twenty.listRecords('people', { withDeleted: true });
  const contacts = src.chatwoot.contacts();
  const history = new Map<string, { event: HistoryEvent; data: Record<string, unknown>; customerId: string }>();
  for (const d of valid) if (historyEvents.has(d.event)) history.set(`${d.event}:${notificationId(d)}`, { event: d.event as HistoryEvent, data: d.data, customerId: d.customerId });
  for (const [customerId, customer] of src.customers) {
    expected.people!++;
    expected.contacts!++;
    const mine = [...history.values()].filter((h) => h.customerId === customerId).map((h) => toLedgerEntry[h.event](kgcEventSchemas[h.event].parse(h.data) as never));
    const rentals = mine.filter((e) => e.kind === 'rental');
    const services = mine.filter((e) => e.kind === 'service');
    const max = (xs: string[]) => (xs.length ? xs.sort().at(-1)! : null);
    // A customer without history has no aggregates written; with history, they are recomputed from it.
    const aggregates = mine.length === 0 ? {} : toTwentyAggregates({
      totalRentals: rentals.length,
      revenueHuf: rentals.reduce((s, e) => s + e.amountHuf, 0) + mine.filter((e) => e.kind === 'order').reduce((s, e) => s + e.amountHuf, 0),
      lastRentalDate: max(rentals.map((e) => e.occurredOn)),
      lastServiceDate: max(services.map((e) => e.occurredOn)),
    });
    const persons = people.filter((p) => p.kgcCustomerId === customerId);
    if (persons.length === 0) found('lost', `person of ${customerId}`);
    else if (persons.length > 1) found('duplicated', `${persons.length} people for ${customerId}`);
    const person = src.twenty.getRecord('person', twentyRecordId('person', customerId));
    if (person) {
      const { id: _id, ...want } = { ...toTwentyPerson(customer, { emailOwnedByOther: false }), ...aggregates };
      const off = mismatches(want, person);
      if (off.length) found('wrong', `person of ${customerId}: ${off.join(', ')}`);
      if (person.deletedAt) found('wrong', `person of ${customerId} is in the trash`);
    }
    const theirs = contacts.filter((c) => c.identifier === customerId);
    if (theirs.length === 0) found('lost', `contact of ${customerId}`);
    else if (theirs.length > 1) found('duplicated', `${theirs.length} contacts for ${customerId}`);
    else {
      const off = mismatches({ name: customer.name, email: toChatwootContact(customer).email, phone_number: customer.phone }, theirs[0]);
      if (off.length) found('wrong', `contact of ${customerId}: ${off.join(', ')}`);
    }
  }

  // History records: one per KGC id, with the event's content, for every customer not erased.
  const recordsByKgcId = new Map<string, Array<Record<string, unknown>>>();
  for (const { singular } of Object.values(historyObjectOf)) {
    for (const r of src.twenty.listRecords(`${singular}s`, { withDeleted: true })) {
      if (typeof r.name !== 'string') continue;
      const kgcId = `${singular}:${r.name.split(' · ')[0]}`;
      recordsByKgcId.set(kgcId, [...(recordsByKgcId.get(kgcId) ?? []), r]);
    }
  }
  for (const [key, h] of history) {
    const kind = toLedgerEntry[h.event](kgcEventSchemas[h.event].parse(h.data) as never).kind;
    const { singular } = historyObjectOf[kind];
    const kgcId = notificationId({ data: h.data } as Delivery);
    const records = recordsByKgcId.get(`${singular}:${kgcId}`) ?? [];
    if (!alive(h.customerId)) {
      if (records.length > 0) found('not erased', `${key} of erased ${h.customerId}`);
      continue;
    }
    expected['history records']!++;
    if (records.length === 0) found('lost', key);
    else if (records.length > 1) found('duplicated', `${records.length} Twenty records for ${key}`);
    else {
      const want = toTwentyHistoryRecord(kind, kgcId, kgcEventSchemas[h.event].parse(h.data) as Record<string, unknown>, twentyRecordId('person', h.customerId));
      const off = mismatches(want, records[0]);
      if (off.length) found('wrong', `${key}: ${off.join(', ')}`);
    }
  }

  // Notifications: each key posted exactly once for a customer not erased, nowhere for an erased one.
  const posted = new Map<string, number>();
  for (const cv of src.chatwoot.conversations()) {
    for (const m of src.chatwoot.messages(cv.id)) {
      const key = (m.content_attributes as { kgc_notification?: string } | undefined)?.kgc_notification;
      if (key) posted.set(key, (posted.get(key) ?? 0) + 1);
    }
  }
  const notificationKeys = new Map<string, string>();
  for (const d of valid) if (notificationEvents.has(d.event)) notificationKeys.set(`${d.event}:${notificationId(d)}`, d.customerId);
  for (const [key, customerId] of notificationKeys) {
    const n = posted.get(key) ?? 0;
    if (!alive(customerId)) {
      if (n > 0) found('not erased', `message ${key} of erased ${customerId}`);
      continue;
    }
    expected.notifications!++;
    if (n === 0) found('lost', `message ${key}`);
    else if (n > 1) found('duplicated', `message ${key} posted ${n} times`);
  }

  // Emails: the repair-done email once per worklog of a customer with an address; count Message-IDs, not keys.
  const inbox = src.smtp.inbox();
  const byKey = new Map<string, string[]>();
  for (const m of inbox) {
    const key = m.headers['x-kgc-email-key'] ?? '(no key)';
    byKey.set(key, [...(byKey.get(key) ?? []), m.messageId ?? '(no Message-ID)']);
  }
  const secondDeliveries: string[] = [];
  for (const [key, ids] of byKey) {
    if (ids.length < 2) continue;
    const distinct = new Set(ids).size;
    secondDeliveries.push(`${key}: ${ids.length} deliveries, ${distinct} Message-ID${distinct > 1 ? 's' : ''}`);
    found('duplicated', `email ${key} delivered ${ids.length} times (${distinct} distinct Message-IDs)`);
  }
  const repairs = new Map<string, string>();
  for (const d of valid) if (d.event === 'service.repair_done') repairs.set(String(d.data.worklog_id), d.customerId);
  for (const [worklogId, customerId] of repairs) {
    if (!alive(customerId) || !src.customers.get(customerId)?.email) continue;
    expected.emails!++;
    if (!byKey.has(`repair-done/${worklogId}/repair_done`)) found('lost', `repair-done email of ${worklogId}`);
  }

  // Rental emails: the reminder of a rental due today and the late notice of an overdue one, once per rental and
  // due date, to a customer with an address (traffic.ts makes both; neither rental comes back during the run).
  const rentalEmails = new Map<string, string>();
  for (const d of valid) {
    if (d.event !== 'rental.started') continue;
    const kind = String(d.data.rental_id).startsWith('RD-') ? 'rental_reminder' : String(d.data.rental_id).startsWith('RL-') ? 'rental_late_notice' : undefined;
    if (kind) rentalEmails.set(`rental-expiry/${String(d.data.rental_id)}/${kind}/${String(d.data.rental_end)}`, d.customerId);
  }
  for (const [key, customerId] of rentalEmails) {
    if (!alive(customerId) || !src.customers.get(customerId)?.email) continue;
    expected[key.includes('/rental_reminder/') ? 'rental reminders' : 'late notices']!++;
    if (!byKey.has(key)) found('lost', `email ${key}`);
  }

  // Erased customers: nowhere in Twenty, Chatwoot or the service's tables; the certificate says complete.
  for (const customerId of src.day.deleted) {
    if (people.some((p) => p.kgcCustomerId === customerId) || src.twenty.getRecord('person', twentyRecordId('person', customerId))) found('not erased', `person of ${customerId}`);
    if (contacts.some((c) => c.identifier === customerId)) found('not erased', `contact of ${customerId}`);
    const [rows] = await src.sql<{ n: number }[]>`
      select (select count(*) from partner_links where customer_id = ${customerId})
           + (select count(*) from history_ledger where customer_id = ${customerId})
           + (select count(*) from customer_notifications where customer_id = ${customerId})
           + (select count(*) from email_campaign_subjects where customer_id = ${customerId}) as n`;
    if (Number(rows!.n) > 0) found('not erased', `${rows!.n} rows of ${customerId} in the service's tables`);
    const certificate = await src.admin(`/admin/erasures/${customerId}`);
    if (certificate.body?.status !== 'complete') found('not erased', `erasure of ${customerId} is ${certificate.body?.status ?? certificate.status}`);
  }

  // Workflows: each finished, or open by design (a rental-expiry campaign or the person batcher on a timer).
  const open = new Map<string, number>();
  for await (const wf of src.temporal.workflow.list({ query: 'ExecutionStatus != "Completed" AND ExecutionStatus != "ContinuedAsNew"' })) {
    const prefix = wf.workflowId.split('/')[0]!;
    if (wf.status.name === 'RUNNING') {
      const described = await src.temporal.workflow.getHandle(wf.workflowId, wf.runId).describe();
      const pending = described.raw.pendingActivities?.length ?? 0;
      // Open by design with nothing pending: a rental-expiry campaign on its timer, the person batcher on its idle timer.
      if ((prefix === 'rental-expiry' || prefix === 'twenty-person-batcher') && pending === 0) {
        open.set(prefix, (open.get(prefix) ?? 0) + 1);
        continue;
      }
      found('stuck', `${wf.workflowId} running${pending ? ` with ${pending} activities pending` : ''}`);
    } else if (wf.status.name === 'CANCELLED') {
      // Only an erasure cancels: it stops the customer's other workflows before it erases.
      open.set(`${prefix} (cancelled)`, (open.get(`${prefix} (cancelled)`) ?? 0) + 1);
    } else {
      found('stuck', `${wf.workflowId} ${wf.status.name.toLowerCase()}`);
    }
  }

  // dead_letters: only the bulk sync writes them, and this run has none: any row is a loss.
  const [dead] = await src.sql<{ n: number }[]>`select count(*) as n from dead_letters`;
  if (Number(dead!.n) > 0) found('lost', `${dead!.n} dead letters`);

  return { findings, expected, emails: { delivered: inbox.length, distinctMessageIds: new Set(inbox.map((m) => m.messageId)).size, secondDeliveries }, open };
}
