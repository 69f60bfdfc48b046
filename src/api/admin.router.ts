import type { Client } from '@temporalio/client';
import express, { Router } from 'express';
import { z } from 'zod';
import { erasureCertificate, isErased } from '../db/erasures.js';
import { partnerLink } from '../db/partner-links.js';
import { customerId as customerIdSchema } from '../contracts/kgc-events.js';
import type { Db } from '../db/client.js';
import { workflowIds } from '../contracts/workflow-ids.js';
import { moduleNames, type ModuleFlags } from '../modules.js';
import { adminAuth, consoleAdmin, type AdminAuth } from './admin-auth.js';
import { startErasure } from './start-or-signal/gdpr-delete.handoff.js';
import { startPartnerSync } from './start-or-signal/partner-sync.handoff.js';
import { ApiError, zodDetails } from './errors.js';

const moduleBody = z.object({ enabled: z.boolean() }).strict();
const byHeader = (req: express.Request, res: express.Response) => consoleAdmin(res) ?? req.get('x-admin-user')?.slice(0, 100) ?? 'admin-api';

function parseCustomerId(raw: unknown): string {
  const parsed = customerIdSchema.safeParse(raw);
  if (!parsed.success) throw new ApiError(400, 'invalid_customer_id', 'Invalid customer id', zodDetails(parsed.error, 'customerId'));
  return parsed.data;
}

/** Operator endpoints (README "HTTP endpoints"): module switches and partner link state. Ids only in answers. */
export function adminRouter(deps: AdminAuth & { db: Db; temporal: Client; taskQueue: string; modules: ModuleFlags }): Router {
  const router = Router();
  router.use('/admin', adminAuth(deps), express.json({ limit: '64kb' }));

  router.get('/admin/modules', async (_req, res) => {
    res.json(await deps.modules.current());
  });

  router.put('/admin/modules/:module', async (req, res) => {
    const module = req.params.module;
    if (!moduleNames.includes(module as never)) {
      throw new ApiError(404, 'unknown_module', `No module ${module}`, [{ path: 'module', message: `one of ${moduleNames.join(', ')}` }]);
    }
    const body = moduleBody.safeParse(req.body);
    if (!body.success) throw new ApiError(400, 'invalid_body', 'Body must be {"enabled": true|false}', zodDetails(body.error));
    res.json(await deps.modules.set(module as 'crm' | 'support', body.data.enabled, byHeader(req, res)));
  });

  router.get('/admin/partners/:customerId', async (req, res) => {
    const customerId = parseCustomerId(req.params.customerId);
    const link = await partnerLink(deps.db, customerId);
    if (!link) throw new ApiError(404, 'partner_not_found', `No sync has been recorded for ${customerId}`);
    res.json({
      customerId: link.customerId,
      twentyPersonId: link.twentyPersonId,
      chatwootContactId: link.chatwootContactId,
      syncStatus: link.syncStatus,
      lastSyncedAt: link.lastSyncedAt,
      lastError: link.lastError,
      warnings: link.warnings,
      workflowId: workflowIds.partnerSync(customerId),
    });
  });

  /** The erasure certificate: hashed id, reason, what each system erased and when. No personal data. */
  router.get('/admin/erasures/:customerId', async (req, res) => {
    const customerId = parseCustomerId(req.params.customerId);
    const erasure = await erasureCertificate(deps.db, customerId);
    if (!erasure) throw new ApiError(404, 'erasure_not_found', `No erasure was requested for ${customerId}`);
    res.json({
      customerHash: erasure.customerHash,
      reason: erasure.reason,
      status: erasure.status,
      requestedAt: erasure.requestedAt,
      completedAt: erasure.completedAt,
      systems: erasure.systems,
      workflowId: erasure.workflowId,
    });
  });

  /**
   * After the operator fixed what an incomplete erasure failed on (a token, a role, a system's credentials): run
   * the steps not yet done. A run in progress is joined; a complete erasure is left as it is.
   */
  router.post('/admin/erasures/:customerId/retry', async (req, res) => {
    const customerId = parseCustomerId(req.params.customerId);
    const erasure = await erasureCertificate(deps.db, customerId);
    if (!erasure) throw new ApiError(404, 'erasure_not_found', `No erasure was requested for ${customerId}`);
    if (erasure.status === 'complete') return void res.json({ status: 'complete', workflowId: erasure.workflowId });
    const { workflowId } = await startErasure(deps.temporal, deps.taskQueue, customerId, erasure.reason);
    res.status(202).json({ status: 'accepted', workflowId });
  });

  /** Redrive: sync the partner again from KGC, e.g. after a failed run's cause was fixed. */
  router.post('/admin/partners/:customerId/resync', async (req, res) => {
    const customerId = parseCustomerId(req.params.customerId);
    if (await isErased(deps.db, customerId)) throw new ApiError(409, 'customer_erased', `${customerId} was erased (GDPR) and is never synced again`);
    const { workflowId } = await startPartnerSync(deps.temporal, deps.taskQueue, {
      customerId,
      eventType: 'customer.updated',
      eventId: `admin-resync-${Date.now()}`,
    });
    res.status(202).json({ status: 'accepted', workflowId });
  });

  return router;
}
