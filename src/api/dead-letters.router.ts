import type { Client } from '@temporalio/client';
import express, { Router } from 'express';
import { and, desc, eq, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { isErased } from '../db/erasures.js';
import { kgcCustomerIdKey, kgcEventTypeKey } from '../contracts/search-attributes.js';
import type { Db } from '../db/client.js';
import { deadLetters } from '../db/schema.js';
import { workflowIds } from '../contracts/workflow-ids.js';
import { type partnerSync } from '../workflows/partner-sync.js';
import { adminAuth, type AdminAuth } from './admin-auth.js';
import { ApiError, zodDetails } from './errors.js';
import { historyChanged, partnerChanged, type PartnerChanged } from '../contracts/workflow-messages.js';

const listQuery = z.object({
  status: z.enum(['open', 'redriven']).optional(),
  runId: z.string().max(100).optional(),
  system: z.enum(['kgc', 'twenty', 'chatwoot']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/**
 * Records a bulk sync could not write, and their redrive: the customer's partnerSync entity workflow re-reads KGC and
 * writes the person, contact and unsynced history again, serialised with live updates of the same customer.
 */
export function deadLettersRouter(deps: AdminAuth & { db: Db; temporal: Client; taskQueue: string }): Router {
  const router = Router();
  router.use('/admin/dead-letters', adminAuth(deps), express.json({ limit: '8kb' }));

  router.get('/admin/dead-letters', async (req, res) => {
    const q = listQuery.safeParse(req.query);
    if (!q.success) throw new ApiError(400, 'invalid_query', 'Invalid query', zodDetails(q.error, 'query'));
    const filters: SQL[] = [];
    if (q.data.status) filters.push(eq(deadLetters.status, q.data.status));
    if (q.data.runId) filters.push(eq(deadLetters.runId, q.data.runId));
    if (q.data.system) filters.push(eq(deadLetters.system, q.data.system));
    const rows = await deps.db.select().from(deadLetters).where(and(...filters)).orderBy(desc(deadLetters.id)).limit(q.data.limit);
    res.json({ deadLetters: rows });
  });

  router.post('/admin/dead-letters/:id/redrive', async (req, res) => {
    const id = Number(req.params.id);
    if (!Number.isSafeInteger(id) || id < 1) throw new ApiError(400, 'invalid_id', 'Dead letter ids are positive integers', [{ path: 'id', message: 'not a positive integer' }]);
    const [letter] = await deps.db.select().from(deadLetters).where(eq(deadLetters.id, id));
    if (!letter) throw new ApiError(404, 'dead_letter_not_found', `No dead letter ${id}`);
    const customerId = letter.customerId ?? letter.kgcId;
    if (await isErased(deps.db, customerId)) throw new ApiError(409, 'customer_erased', `${customerId} was erased (GDPR) and is never synced again`);
    const workflowId = workflowIds.partnerSync(customerId);
    const eventId = `dead-letter-redrive-${id}-${Date.now()}`;
    // The person and contact are always rewritten from KGC, then the history rows still unsynced in the ledger
    // follow: a history record is most often refused because its person is gone from Twenty, and a history-only
    // run trusts the person an earlier run linked.
    const signals = [partnerChanged, historyChanged];
    for (const signal of signals) {
      await deps.temporal.workflow.signalWithStart<typeof partnerSync, [PartnerChanged]>('partnerSync', {
        workflowId,
        taskQueue: deps.taskQueue,
        args: [{ customerId }],
        signal,
        signalArgs: [{ eventType: 'admin.redrive', eventId }],
        typedSearchAttributes: [
          { key: kgcCustomerIdKey, value: customerId },
          { key: kgcEventTypeKey, value: 'admin.redrive' },
        ],
      });
    }
    await deps.db.update(deadLetters).set({ status: 'redriven', redrivenAt: new Date(), redriveWorkflowId: workflowId }).where(eq(deadLetters.id, id));
    res.status(202).json({ status: 'accepted', deadLetterId: id, workflowId });
  });

  return router;
}
