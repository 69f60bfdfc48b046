import { Context, heartbeat } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { eq, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { customerNotifications, deadLetters, emailCampaignSubjects, emailOutbox, erasures, historyLedger, integrationLog, kgcEvents, partnerLinks, twentyEmailClaims, type ErasedSystem } from '../db/schema.js';
import { customerHash } from '../mapping/erasure.js';
import { workflowIds } from '../mapping/ids.js';
import { currentRun, type ActivityDeps } from './context.js';

export async function isErased(db: ActivityDeps['db'], customerId: string): Promise<boolean> {
  const [row] = await db.select({ hash: erasures.customerHash }).from(erasures).where(eq(erasures.customerHash, customerHash(customerId)));
  return row !== undefined;
}

export async function erasureCertificate(db: ActivityDeps['db'], customerId: string) {
  const [row] = await db.select().from(erasures).where(eq(erasures.customerHash, customerHash(customerId)));
  return row;
}

/** Every table of ours that holds rows about a customer, by the name the erasure certificate counts them under. */
const customerRows: Record<string, [PgTable, PgColumn]> = {
  partnerLinks: [partnerLinks, partnerLinks.customerId],
  storedEvents: [kgcEvents, kgcEvents.customerId],
  historyLedger: [historyLedger, historyLedger.customerId],
  notifications: [customerNotifications, customerNotifications.customerId],
  emailSubjects: [emailCampaignSubjects, emailCampaignSubjects.customerId],
  emailLog: [emailOutbox, emailOutbox.customerId],
  deadLetters: [deadLetters, deadLetters.customerId],
  emailClaims: [twentyEmailClaims, twentyEmailClaims.customerId],
};

export function createErasureActivities({ db }: ActivityDeps) {
  return {
    /** The tombstone: from this row on, intake answers `skipped` and every sync refuses to write the customer. */
    async markCustomerErased({ customerId, reason }: { customerId: string; reason: string }): Promise<{ customerHash: string }> {
      const hash = customerHash(customerId);
      await db.insert(erasures).values({ customerHash: hash, reason, workflowId: currentRun().workflowId }).onConflictDoNothing();
      return { customerHash: hash };
    },

    /**
     * Cancels every other running workflow about the customer and waits until each has closed, so no write that
     * started before the tombstone can land after the deletes. partnerSync is addressed by id (visibility may lag).
     */
    async stopCustomerWorkflows({ customerId }: { customerId: string }): Promise<{ stopped: number }> {
      const client = Context.current().client;
      const self = currentRun().workflowId;
      const ids = new Set<string>([workflowIds.partnerSync(customerId)]);
      const query = `KgcCustomerId = "${customerId.replace(/"/g, '')}" AND ExecutionStatus = "Running"`;
      for await (const wf of client.workflow.list({ query })) if (wf.workflowId !== self) ids.add(wf.workflowId);
      let stopped = 0;
      for (const id of ids) {
        const handle = client.workflow.getHandle(id);
        try {
          const { status } = await handle.describe();
          if (status.name !== 'RUNNING') continue;
          await handle.cancel();
          stopped++;
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) continue;
          throw err;
        }
        const beat = setInterval(() => heartbeat({ waitingFor: id }), 5_000);
        try {
          await handle.result().catch(() => undefined);
        } finally {
          clearInterval(beat);
        }
      }
      return { stopped };
    },

    /** The service's own rows about the customer go; the audit trail keeps only a hash prefix. Counts per table. */
    async eraseIntegrationRows({ customerId }: { customerId: string }): Promise<Record<string, number>> {
      const hash = customerHash(customerId);
      return db.transaction(async (tx) => {
        const counts: Record<string, number> = {};
        for (const [name, [table, column]] of Object.entries(customerRows)) {
          counts[name] = (await tx.delete(table).where(eq(column, customerId)).returning({ one: sql`1` })).length;
        }
        const audit = await tx
          .update(integrationLog)
          .set({ customerId: `erased:${hash.slice(0, 16)}`, detail: sql`null` })
          .where(eq(integrationLog.customerId, customerId))
          .returning({ id: integrationLog.id });
        return { ...counts, auditRowsPseudonymised: audit.length };
      });
    },

    async completeErasure({ customerId, systems }: { customerId: string; systems: ErasedSystem[] }): Promise<void> {
      await db.update(erasures).set({ completedAt: new Date(), systems }).where(eq(erasures.customerHash, customerHash(customerId)));
    },
  };
}
