import { lt, sql } from 'drizzle-orm';
import { recordAudit } from '../db/audit.js';
import { kgcEvents, moduleFlags, partnerLinks, twentyDeliveries, type ModuleName } from '../db/schema.js';
import { currentRun, type ActivityDeps } from './context.js';
import { isErased } from '../db/erasures.js';
import { partnerLink } from '../db/partner-links.js';

export type ModuleStates = Record<ModuleName, boolean>;

export async function readModuleStates(db: ActivityDeps['db']): Promise<ModuleStates> {
  const rows = await db.select().from(moduleFlags);
  const states: ModuleStates = { crm: false, support: false };
  for (const r of rows) states[r.module] = r.enabled;
  return states;
}

export interface PartnerSyncOutcome {
  customerId: string;
  eventType?: string;
  twentyPersonId?: string;
  chatwootContactId?: string;
  warnings: string[];
  skipped: ModuleName[];
}

export function createStoreActivities({ db }: ActivityDeps) {
  return {
    async getModuleStates(): Promise<ModuleStates> {
      return readModuleStates(db);
    },

    /** Whether a sync already wrote the customer's Twenty person (its id is on the partner link). */
    async twentyPersonLinked({ customerId }: { customerId: string }): Promise<boolean> {
      return !!(await partnerLink(db, customerId))?.twentyPersonId;
    },

    async recordPartnerSynced(o: PartnerSyncOutcome): Promise<void> {
      if (await isErased(db, o.customerId)) return;
      const run = currentRun();
      const now = new Date();
      await db.transaction(async (tx) => {
        await tx
          .insert(partnerLinks)
          .values({ customerId: o.customerId, twentyPersonId: o.twentyPersonId, chatwootContactId: o.chatwootContactId, syncStatus: 'synced', lastSyncedAt: now, warnings: o.warnings, updatedAt: now })
          .onConflictDoUpdate({
            target: partnerLinks.customerId,
            set: {
              twentyPersonId: sql`coalesce(excluded.twenty_person_id, ${partnerLinks.twentyPersonId})`,
              chatwootContactId: sql`coalesce(excluded.chatwoot_contact_id, ${partnerLinks.chatwootContactId})`,
              syncStatus: 'synced',
              lastSyncedAt: now,
              lastError: null,
              warnings: o.warnings,
              updatedAt: now,
            },
          });
        const rows = [
          ...(o.twentyPersonId ? [{ ...run, customerId: o.customerId, eventType: o.eventType, system: 'twenty' as const, action: 'upsert_person', status: 'ok' as const, detail: o.twentyPersonId }] : []),
          ...(o.chatwootContactId ? [{ ...run, customerId: o.customerId, eventType: o.eventType, system: 'chatwoot' as const, action: 'upsert_contact', status: 'ok' as const, detail: o.chatwootContactId }] : []),
          ...o.skipped.map((m) => ({ ...run, customerId: o.customerId, eventType: o.eventType, system: (m === 'crm' ? 'twenty' : 'chatwoot') as 'twenty' | 'chatwoot', action: 'sync', status: 'skipped' as const, detail: `${m} module off` })),
          ...o.warnings.map((w) => ({ ...run, customerId: o.customerId, eventType: o.eventType, system: (w.startsWith('chatwoot') ? 'chatwoot' : 'twenty') as 'twenty' | 'chatwoot', action: 'sync', status: 'warning' as const, detail: w })),
        ];
        await recordAudit(tx, ...rows);
      });
    },

    async pruneKgcDeliveries({ olderThanHours }: { olderThanHours: number }): Promise<{ deleted: number }> {
      const cutoff = new Date(Date.now() - olderThanHours * 3_600_000);
      const rows = await db.delete(kgcEvents).where(lt(kgcEvents.receivedAt, cutoff)).returning({ id: kgcEvents.id });
      return { deleted: rows.length };
    },

    /** Twenty's deliveries: a replay older than its 300 s signature window is refused anyway; kept as long as KGC's. */
    async pruneTwentyDeliveries({ olderThanHours }: { olderThanHours: number }): Promise<{ deleted: number }> {
      const cutoff = new Date(Date.now() - olderThanHours * 3_600_000);
      const rows = await db.delete(twentyDeliveries).where(lt(twentyDeliveries.receivedAt, cutoff)).returning({ key: twentyDeliveries.deliveryKey });
      return { deleted: rows.length };
    },

    async recordPartnerSyncStopped(input: { customerId: string; eventType?: string; status: 'failed' | 'deleted_in_kgc'; error?: string }): Promise<void> {
      if (await isErased(db, input.customerId)) return;
      const run = currentRun();
      const now = new Date();
      await db.transaction(async (tx) => {
        await tx
          .insert(partnerLinks)
          .values({ customerId: input.customerId, syncStatus: input.status, lastError: input.error ?? null, updatedAt: now })
          .onConflictDoUpdate({ target: partnerLinks.customerId, set: { syncStatus: input.status, lastError: input.error ?? null, updatedAt: now } });
        await recordAudit(tx, {
          ...run,
          customerId: input.customerId,
          eventType: input.eventType,
          system: 'kgc',
          action: 'sync',
          status: input.status === 'failed' ? 'failed' : 'skipped',
          detail: input.error ?? 'customer not found in KGC (deleted)',
        });
      });
    },
  };
}

