import { inArray, sql } from 'drizzle-orm';
import type { KgcClient } from '../clients/kgc-client.js';
import { customerSchema, type KgcCustomer } from '../contracts/kgc-events.js';
import { recordAudit } from '../db/audit.js';
import { deadLetters, erasures, partnerLinks, type DeadLetterKind } from '../db/schema.js';
import { customerHash } from '../domain/erasure.js';
import type { ActivityDeps } from './context.js';

type Db = ActivityDeps['db'];

/** Twenty's documented batch size: one request, one rate-limit token, up to 60 records. */
export const bulkBatchSize = 60;

/** The customers of a set of ids that were erased (GDPR): the bulk sync never writes them. */
export async function erasedAmong(db: Db, customerIds: readonly string[]): Promise<Set<string>> {
  if (customerIds.length === 0) return new Set();
  const byHash = new Map(customerIds.map((id) => [customerHash(id), id]));
  const rows = await db.select({ hash: erasures.customerHash }).from(erasures).where(inArray(erasures.customerHash, [...byHash.keys()]));
  return new Set(rows.map((r) => byHash.get(r.hash)!));
}

/** Error texts may quote the data they rejected; dead letters keep ids only. */
export function redactReason(message: string): string {
  return message
    .replace(/[^\s"'<>]+@[^\s"'<>]+/g, '<email>')
    .replace(/\+?\d[\d\s-]{6,}\d/g, '<number>')
    .slice(0, 500);
}

export interface DeadLetterInput {
  system: 'kgc' | 'twenty' | 'chatwoot';
  recordKind: DeadLetterKind;
  kgcId: string;
  customerId?: string;
  reason: string;
}

export async function recordDeadLetters(db: Db, runId: string, letters: readonly DeadLetterInput[]): Promise<void> {
  if (letters.length === 0) return;
  await db
    .insert(deadLetters)
    .values(letters.map((l) => ({ ...l, runId, reason: redactReason(l.reason) })))
    .onConflictDoNothing();
}

/**
 * The customers of one batch, read again from KGC by the page they were listed on; an id the page no longer holds
 * (records added or removed since) is read on its own. A customer KGC no longer has is left out.
 */
export async function readCustomerBatch(kgc: KgcClient, cursor: string | null, customerIds: readonly string[]): Promise<KgcCustomer[]> {
  const page = await kgc.listPage('customers', customerSchema, { cursor, limit: bulkBatchSize });
  const byId = new Map(page.records.map((c) => [c.customer_id, c]));
  const batch: KgcCustomer[] = [];
  for (const id of customerIds) {
    const customer = byId.get(id) ?? (await kgc.getCustomer(id));
    if (customer) batch.push(customer);
  }
  return batch;
}

/**
 * Links and audit rows for one system's batch, merged with what the other system wrote: warnings of the other
 * system are kept, this system's are replaced.
 */
export async function recordBulkLinks(
  db: Db,
  run: { workflowId: string; runId: string },
  system: 'twenty' | 'chatwoot',
  links: ReadonlyArray<{ customerId: string; externalId: string; warnings: string[] }>,
): Promise<void> {
  if (links.length === 0) return;
  const now = new Date();
  const column = system === 'twenty' ? 'twentyPersonId' : 'chatwootContactId';
  await db.transaction(async (tx) => {
    await tx
      .insert(partnerLinks)
      .values(links.map((l) => ({ customerId: l.customerId, [column]: l.externalId, syncStatus: 'synced' as const, lastSyncedAt: now, warnings: l.warnings, updatedAt: now })))
      .onConflictDoUpdate({
        target: partnerLinks.customerId,
        set: {
          [column]: sql.raw(`excluded.${system === 'twenty' ? 'twenty_person_id' : 'chatwoot_contact_id'}`),
          syncStatus: 'synced',
          lastSyncedAt: now,
          lastError: null,
          warnings: sql`(select coalesce(jsonb_agg(w), '[]'::jsonb) from jsonb_array_elements_text(${partnerLinks.warnings}) w where w not like ${`${system}%`}) || excluded.warnings`,
          updatedAt: now,
        },
      });
    await recordAudit(
      tx,
      ...links.flatMap((l) => [
        { ...run, customerId: l.customerId, eventType: 'bulk_sync', system, action: system === 'twenty' ? 'upsert_person' : 'upsert_contact', status: 'ok' as const, detail: l.externalId },
        ...l.warnings.map((w) => ({ ...run, customerId: l.customerId, eventType: 'bulk_sync', system, action: 'sync', status: 'warning' as const, detail: w })),
      ]),
    );
  });
}
