import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import express, { Router } from 'express';
import { randomBytes } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { bulkSyncRuns } from '../db/schema.js';
import { workflowIds } from '../contracts/workflow-ids.js';
import { type initialBulkSync } from '../workflows/initial-bulk-sync.js';
import { adminAuth, type AdminAuth } from './admin-auth.js';
import { ApiError, zodDetails } from './errors.js';
import { type BulkSyncProgress, bulkSyncProgress, pauseBulkSync, resumeBulkSync } from '../contracts/workflow-messages.js';

const startBody = z.object({ historyMonths: z.number().int().min(0).max(120).optional() }).strict();
const uniqueViolation = (err: unknown) => (err as { code?: string; cause?: { code?: string } })?.code === '23505' || (err as { cause?: { code?: string } })?.cause?.code === '23505';
const finalStatus = { COMPLETED: 'completed', CANCELLED: 'cancelled' } as Record<string, 'completed' | 'cancelled'>;

export interface BulkSyncRouterDeps extends AdminAuth {
  db: Db;
  temporal: Client;
  taskQueue: string;
  bulkSyncHistoryMonths?: number;
  bulkSyncSetupRetryMs?: number;
}

/** Admin control of initialBulkSync: start (one at a time), progress, pause, resume, cancel. */
export function bulkSyncRouter(deps: BulkSyncRouterDeps): Router {
  const router = Router();
  router.use('/admin/bulk-sync', adminAuth(deps), express.json({ limit: '8kb' }));

  async function runOf(runId: string) {
    const [run] = await deps.db.select().from(bulkSyncRuns).where(eq(bulkSyncRuns.runId, runId));
    if (!run) throw new ApiError(404, 'bulk_sync_not_found', `No bulk sync ${runId}`);
    return run;
  }

  /** Whether the active run's workflow still runs; a run that ended without saying so (terminated) frees its slot here. */
  async function stillRunning(run: typeof bulkSyncRuns.$inferSelect): Promise<boolean> {
    try {
      const { status } = await deps.temporal.workflow.getHandle(run.workflowId).describe();
      if (status.name === 'RUNNING') return true;
      await deps.db
        .update(bulkSyncRuns)
        .set({ active: null, status: finalStatus[status.name] ?? 'failed', finishedAt: new Date() })
        .where(and(eq(bulkSyncRuns.runId, run.runId), eq(bulkSyncRuns.active, true)));
      return false;
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      await deps.db.update(bulkSyncRuns).set({ active: null, status: 'failed', finishedAt: new Date() }).where(eq(bulkSyncRuns.runId, run.runId));
      return false;
    }
  }

  async function claimSlot(runId: string, historyMonths: number): Promise<void> {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await deps.db.insert(bulkSyncRuns).values({ runId, workflowId: workflowIds.initialBulkSync(runId), active: true, status: 'running', historyMonths });
        return;
      } catch (err) {
        if (!uniqueViolation(err)) throw err;
        const [active] = await deps.db.select().from(bulkSyncRuns).where(eq(bulkSyncRuns.active, true));
        if (active && (await stillRunning(active))) {
          throw new ApiError(409, 'bulk_sync_running', `Bulk sync ${active.runId} is still running`, [{ path: 'runId', message: active.runId }, { path: 'workflowId', message: active.workflowId }]);
        }
      }
    }
    throw new ApiError(409, 'bulk_sync_running', 'Another bulk sync is starting');
  }

  router.post('/admin/bulk-sync', async (req, res) => {
    const body = startBody.safeParse(req.body ?? {});
    if (!body.success) throw new ApiError(400, 'invalid_body', 'Body may be {"historyMonths": 0…120}', zodDetails(body.error));
    const historyMonths = body.data.historyMonths ?? deps.bulkSyncHistoryMonths ?? 12;
    const now = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
    const runId = `${now}-${randomBytes(3).toString('hex')}`;
    const workflowId = workflowIds.initialBulkSync(runId);
    await claimSlot(runId, historyMonths);
    try {
      await deps.temporal.workflow.start<typeof initialBulkSync>('initialBulkSync', { workflowId, taskQueue: deps.taskQueue, args: [{ runId, historyMonths, setupRetryMs: deps.bulkSyncSetupRetryMs }] });
    } catch (err) {
      await deps.db.delete(bulkSyncRuns).where(eq(bulkSyncRuns.runId, runId));
      throw new ApiError(503, 'temporal_unavailable', `The bulk sync could not be started: ${(err as Error).message}`, [], { 'Retry-After': '5' });
    }
    res.status(202).json({ runId, workflowId });
  });

  /** Past and current runs, newest first (the console's list); progress per run is GET /admin/bulk-sync/{runId}. */
  router.get('/admin/bulk-sync', async (_req, res) => {
    const runs = await deps.db.select().from(bulkSyncRuns).orderBy(desc(bulkSyncRuns.startedAt)).limit(50);
    res.json({ runs: runs.map(({ active: _active, ...run }) => run) });
  });

  router.get('/admin/bulk-sync/:runId', async (req, res) => {
    const run = await runOf(req.params.runId);
    const handle = deps.temporal.workflow.getHandle(run.workflowId);
    let progress: BulkSyncProgress | undefined;
    try {
      progress = await handle.query(bulkSyncProgress);
    } catch {
      // No worker to answer (or the run was terminated): the memo holds the last checkpoint.
      const memo = (await handle.describe().catch(() => undefined))?.memo?.bulkSync as BulkSyncProgress | undefined;
      progress = memo;
    }
    if (!progress) throw new ApiError(503, 'progress_unavailable', 'No progress recorded yet; retry shortly', [], { 'Retry-After': '2' });
    const { phase, processed, total, failed, perSecond, etaSeconds, paused, done, contacts } = progress;
    // Progress recorded before these fields existed has neither.
    const pausing = progress.pausing ?? false;
    const pauseReason = progress.pauseReason ?? null;
    res.json({ runId: run.runId, workflowId: run.workflowId, status: run.status, phase, processed, total, failed, perSecond, etaSeconds, paused, pausing, pauseReason, done, contacts });
  });

  for (const action of ['pause', 'resume', 'cancel'] as const) {
    router.post(`/admin/bulk-sync/:runId/${action}`, async (req, res) => {
      const run = await runOf(req.params.runId);
      if (!(await stillRunning(run))) throw new ApiError(409, 'bulk_sync_not_running', `Bulk sync ${run.runId} is not running`);
      const handle = deps.temporal.workflow.getHandle(run.workflowId);
      if (action === 'cancel') await handle.cancel();
      else await handle.signal(action === 'pause' ? pauseBulkSync : resumeBulkSync);
      res.status(202).json({ runId: run.runId, workflowId: run.workflowId, action });
    });
  }

  return router;
}
