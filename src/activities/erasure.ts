import { Context, heartbeat } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import {
  chatWorklogs,
  configuredSystems,
  customerNotifications,
  deadLetters,
  emailCampaignSubjects,
  emailOutbox,
  erasureKeys,
  erasures,
  historyLedger,
  integrationLog,
  kgcEvents,
  marketingEmailCaps,
  marketingOptOuts,
  partnerLinks,
  twentyEmailClaims,
} from '../db/schema.js';
import { erasureSystems, type ErasedSystem, type ErasureSystem } from '../contracts/erasure-steps.js';
import { customerHash, e164 } from '../domain/erasure.js';
import { workflowIds } from '../contracts/workflow-ids.js';
import { logger } from '../logger.js';
import { addErasureKeys, erasureKeysOf } from '../db/erasures.js';
import { currentRun, type ActivityDeps } from './context.js';

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
  marketingCaps: [marketingEmailCaps, marketingEmailCaps.customerId],
  chatWorklogs: [chatWorklogs, chatWorklogs.customerId],
};

const doneStatuses = new Set<ErasedSystem['status']>(['erased', 'nothing_found']);

export function createErasureActivities({ db, kgc, erasureDrainMs }: ActivityDeps) {
  /** A step is done when it erased or found nothing; not configured counts only for a system never configured here. */
  async function stepsToRun(systems: ErasedSystem[]): Promise<ErasureSystem[]> {
    const everConfigured = new Set((await db.select({ system: configuredSystems.system }).from(configuredSystems)).map((r) => r.system as string));
    const done = (s: ErasedSystem) => doneStatuses.has(s.status) || (s.status === 'not_configured' && !everConfigured.has(s.system));
    return erasureSystems.filter((system) => !systems.some((s) => s.system === system && done(s)));
  }

  return {
    /**
     * The tombstone: from this row on, intake answers `skipped` and every sync refuses to write the customer. A
     * later run (the operator's retry, a repeated customer.deleted) finds it and learns which steps are still to do.
     */
    async beginErasure({ customerId, reasonCode }: { customerId: string; reasonCode: string }) {
      const hash = customerHash(customerId);
      const { workflowId } = currentRun();
      await db.insert(erasures).values({ customerHash: hash, reason: reasonCode, workflowId }).onConflictDoNothing();
      const [row] = await db.select().from(erasures).where(eq(erasures.customerHash, hash));
      const pending = await stepsToRun(row!.systems);
      if (pending.length > 0) await db.update(erasures).set({ status: 'in_progress', workflowId }).where(eq(erasures.customerHash, hash));
      return { customerHash: hash, pending, drainMs: erasureDrainMs };
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

    /** What KGC (if it still has the customer) and the partner link know: the first keys to find the customer by. */
    async collectKgcErasureKeys({ customerId }: { customerId: string }): Promise<{ knownToKgc: boolean }> {
      const [link] = await db.select({ contactId: partnerLinks.chatwootContactId }).from(partnerLinks).where(eq(partnerLinks.customerId, customerId));
      const customer = await kgc.getCustomer(customerId).catch(() => null);
      await addErasureKeys(db, customerId, { emails: [customer?.email], phones: [e164(customer?.phone)], contactIds: link?.contactId ? [Number(link.contactId)] : [] });
      return { knownToKgc: customer !== null };
    },

    /**
     * The service's own rows about the customer go, and rows that only name the customer's phone (notifications
     * and email subjects not yet tied to a customer); the audit trail keeps only a hash prefix. Counts per table.
     */
    async eraseIntegrationRows({ customerId }: { customerId: string }): Promise<Record<string, number>> {
      const hash = customerHash(customerId);
      const { phones } = await erasureKeysOf(db, customerId);
      return db.transaction(async (tx) => {
        const counts: Record<string, number> = {};
        for (const [name, [table, column]] of Object.entries(customerRows)) {
          counts[name] = (await tx.delete(table).where(eq(column, customerId)).returning({ one: sql`1` })).length;
        }
        if (phones.length > 0) {
          counts.notifications! += (
            await tx
              .delete(customerNotifications)
              .where(and(isNull(customerNotifications.customerId), inArray(sql`${customerNotifications.payload}->>'customer_phone'`, phones)))
              .returning({ one: sql`1` })
          ).length;
          counts.emailSubjects! += (
            await tx
              .delete(emailCampaignSubjects)
              .where(and(isNull(emailCampaignSubjects.customerId), inArray(emailCampaignSubjects.customerPhone, phones)))
              .returning({ one: sql`1` })
          ).length;
        }
        // An unsubscribe outlives the customer as the address's keyed hash alone: a returning address needs new consent.
        counts.optOutsKeptAsHash = (
          await tx.update(marketingOptOuts).set({ customerId: null }).where(eq(marketingOptOuts.customerId, customerId)).returning({ one: sql`1` })
        ).length;
        const audit = await tx
          .update(integrationLog)
          .set({ customerId: `erased:${hash.slice(0, 16)}`, detail: sql`null` })
          .where(eq(integrationLog.customerId, customerId))
          .returning({ id: integrationLog.id });
        return { ...counts, auditRowsPseudonymised: audit.length };
      });
    },

    /** Writes one step's outcome into the certificate at once, so a crash or a later retry knows it. */
    async recordErasureStep({ customerId, step }: { customerId: string; step: ErasedSystem }): Promise<void> {
      const hash = customerHash(customerId);
      await db.transaction(async (tx) => {
        const [row] = await tx.select({ systems: erasures.systems }).from(erasures).where(eq(erasures.customerHash, hash)).for('update');
        const systems = [...(row?.systems ?? []).filter((s) => s.system !== step.system), step].sort((a, b) => erasureSystems.indexOf(a.system) - erasureSystems.indexOf(b.system));
        await tx.update(erasures).set({ systems }).where(eq(erasures.customerHash, hash));
      });
      if (step.status === 'failed' || step.status === 'not_configured') {
        logger.warn({ customerHash: hash.slice(0, 16), system: step.system, status: step.status, code: step.code }, 'erasure step not done; the certificate stays incomplete until it is retried');
      }
    },

    /** `complete` once every step is done (the keys are then forgotten), else `incomplete` until the operator retries. */
    async finishErasure({ customerId }: { customerId: string }): Promise<{ status: 'complete' | 'incomplete'; pending: ErasureSystem[] }> {
      const hash = customerHash(customerId);
      const [row] = await db.select({ systems: erasures.systems }).from(erasures).where(eq(erasures.customerHash, hash));
      const pending = await stepsToRun(row!.systems);
      const status = pending.length === 0 ? 'complete' : 'incomplete';
      await db.transaction(async (tx) => {
        await tx.update(erasures).set({ status, completedAt: status === 'complete' ? new Date() : null }).where(eq(erasures.customerHash, hash));
        if (status === 'complete') await tx.delete(erasureKeys).where(eq(erasureKeys.customerHash, hash));
      });
      return { status, pending };
    },
  };
}
