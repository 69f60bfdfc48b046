import { Context, heartbeat } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { customerNotifications, erasures, historyLedger, integrationLog, kgcEvents, partnerLinks, type ErasedSystem } from '../db/schema.js';
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

    /** The service's own rows about the customer: links and stored deliveries go; the audit trail keeps only the hash. */
    async eraseIntegrationRows({ customerId }: { customerId: string }): Promise<Record<string, number>> {
      const hash = customerHash(customerId);
      return db.transaction(async (tx) => {
        const links = await tx.delete(partnerLinks).where(eq(partnerLinks.customerId, customerId)).returning({ id: partnerLinks.customerId });
        const events = await tx.delete(kgcEvents).where(eq(kgcEvents.customerId, customerId)).returning({ id: kgcEvents.id });
        const history = await tx.delete(historyLedger).where(eq(historyLedger.customerId, customerId)).returning({ id: historyLedger.kgcId });
        const notifications = await tx
          .delete(customerNotifications)
          .where(eq(customerNotifications.customerId, customerId))
          .returning({ key: customerNotifications.key });
        const audit = await tx
          .update(integrationLog)
          .set({ customerId: `erased:${hash.slice(0, 16)}`, detail: sql`null` })
          .where(and(eq(integrationLog.customerId, customerId), isNotNull(integrationLog.customerId)))
          .returning({ id: integrationLog.id });
        return { partnerLinks: links.length, storedEvents: events.length, historyLedger: history.length, notifications: notifications.length, auditRowsPseudonymised: audit.length };
      });
    },

    async completeErasure({ customerId, systems }: { customerId: string; systems: ErasedSystem[] }): Promise<void> {
      await db.update(erasures).set({ completedAt: new Date(), systems }).where(eq(erasures.customerHash, customerHash(customerId)));
    },
  };
}
