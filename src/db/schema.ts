import { sql } from 'drizzle-orm';
import { bigserial, boolean, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Every KGC delivery we answered, keyed for de-duplication. Rows are kept for at least 72 hours.
 * `payload` is kept only for events that no workflow handles yet (status `recorded`), so they can be redriven;
 * the GDPR cascade erases it with the customer.
 */
export const kgcEvents = pgTable(
  'kgc_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    deliveryKey: text('delivery_key').notNull().unique(),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    customerId: text('customer_id'),
    workflowId: text('workflow_id'),
    status: text('status', { enum: ['received', 'accepted', 'skipped', 'recorded'] }).notNull(),
    reason: text('reason'),
    payload: jsonb('payload'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    handedOffAt: timestamp('handed_off_at', { withTimezone: true }),
  },
  (t) => [index('kgc_events_customer_idx').on(t.customerId), index('kgc_events_received_idx').on(t.receivedAt)],
);

/** One row per KGC customer: where it lives in Twenty and Chatwoot and how its last sync went. Ids only. */
export const partnerLinks = pgTable('partner_links', {
  customerId: text('customer_id').primaryKey(),
  twentyPersonId: text('twenty_person_id'),
  chatwootContactId: text('chatwoot_contact_id'),
  syncStatus: text('sync_status', { enum: ['pending', 'synced', 'failed', 'deleted_in_kgc'] }).notNull(),
  lastSyncedAt: timestamp('last_synced_at', { withTimezone: true }),
  lastError: text('last_error'),
  warnings: jsonb('warnings').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Audit trail: one row per workflow step outcome. No personal data in `detail`. */
export const integrationLog = pgTable(
  'integration_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workflowId: text('workflow_id'),
    runId: text('run_id'),
    customerId: text('customer_id'),
    eventType: text('event_type'),
    system: text('system', { enum: ['kgc', 'twenty', 'chatwoot', 'intake', 'admin'] }).notNull(),
    action: text('action').notNull(),
    status: text('status', { enum: ['ok', 'skipped', 'failed', 'warning', 'rejected'] }).notNull(),
    detail: text('detail'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('integration_log_customer_idx').on(t.customerId, t.createdAt)],
);

/** Run-time module switches (ARCHITECTURE.md principle 4). Seeded from the environment once. */
export const moduleFlags = pgTable('module_flags', {
  module: text('module', { enum: ['crm', 'support'] }).primaryKey(),
  enabled: boolean('enabled').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: text('updated_by'),
});

export type ModuleName = 'crm' | 'support';

/**
 * GDPR erasures, keyed by a hash of the customer id: the row is the tombstone (written before anything is
 * deleted; no intake path or sync may write the customer again) and, once `completedAt` is set, the certificate.
 */
export const erasures = pgTable('erasures', {
  customerHash: text('customer_hash').primaryKey(),
  reason: text('reason').notNull(),
  workflowId: text('workflow_id').notNull(),
  requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
  completedAt: timestamp('completed_at', { withTimezone: true }),
  systems: jsonb('systems').$type<ErasedSystem[]>().notNull().default(sql`'[]'::jsonb`),
});

export interface ErasedSystem {
  system: 'twenty' | 'chatwoot' | 'koko' | 'integration_db';
  erased: Record<string, number>;
  at: string;
}
