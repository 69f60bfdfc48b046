import type { Client } from '@temporalio/client';
import { and, count, desc, eq, gte, ilike, inArray, or, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { chatwootDeliveries, deadLetters, erasures, historyLedger, integrationLog, kgcEvents, moduleFlags, partnerLinks } from '../../db/schema.js';
import { workflowIds } from '../../contracts/workflow-ids.js';
import type * as workflows from '../../workflows/index.js';
import { adminAuth, type AdminAuth } from '../admin-auth.js';
import { ApiError, zodDetails } from '../errors.js';

/** The workflow types the overview counts (typed against the worker's exports, so a rename fails the build). */
const workflowTypes: Array<keyof typeof workflows> = [
  'partnerSync',
  'kokoConversation',
  'gdprCascadeDelete',
  'customerNotification',
  'initialBulkSync',
  'rentalExpiryCampaign',
  'repairDoneEmail',
  'rentalReminderSweep',
  'pruneDeliveries',
  'pruneUnlinkedPersonalData',
];

const searchQuery = z.object({ q: z.string().trim().min(1).max(100) });
const hourOf = (column: AnyPgColumn) => sql<string>`to_char(date_trunc('hour', ${column} at time zone 'UTC'), 'YYYY-MM-DD"T"HH24:00:00"Z"')`;

/**
 * Read-only views the console needs beyond the operator endpoints: the overview's counts, partner search, erasure
 * certificates. Ids, statuses and counts only, like the rest of the admin API.
 */
export function insightsRouter(deps: AdminAuth & { db: Db; temporal: Client; taskQueue: string; temporalUiUrl?: string; namespace?: string }): Router {
  const router = Router();
  router.use(['/admin/overview', '/admin/partners', '/admin/erasures'], adminAuth(deps));

  router.get('/admin/overview', async (_req, res) => {
    const since = new Date(Date.now() - 24 * 3_600_000);
    const [modules, kgc, chatwoot, failures, lastErrors, running] = await Promise.all([
      deps.db.select().from(moduleFlags),
      deps.db
        .select({ hour: hourOf(kgcEvents.receivedAt), outcome: kgcEvents.status, n: count() })
        .from(kgcEvents)
        .where(gte(kgcEvents.receivedAt, since))
        .groupBy(sql`1`, kgcEvents.status),
      deps.db
        .select({ hour: hourOf(chatwootDeliveries.receivedAt), outcome: chatwootDeliveries.outcome, n: count() })
        .from(chatwootDeliveries)
        .where(gte(chatwootDeliveries.receivedAt, since))
        .groupBy(sql`1`, chatwootDeliveries.outcome),
      deps.db
        .select({ hour: hourOf(integrationLog.createdAt), system: integrationLog.system, n: count() })
        .from(integrationLog)
        .where(and(gte(integrationLog.createdAt, since), eq(integrationLog.status, 'failed')))
        .groupBy(sql`1`, integrationLog.system),
      deps.db
        .selectDistinctOn([integrationLog.system], { system: integrationLog.system, action: integrationLog.action, detail: integrationLog.detail, at: integrationLog.createdAt })
        .from(integrationLog)
        .where(eq(integrationLog.status, 'failed'))
        .orderBy(integrationLog.system, desc(integrationLog.createdAt)),
      runningWorkflows(),
    ]);
    res.json({
      modules: modules.map((m) => ({ module: m.module, enabled: m.enabled, updatedAt: m.updatedAt, updatedBy: m.updatedBy })),
      webhooksPerHour: [...kgc.map((r) => ({ ...r, source: 'kgc' })), ...chatwoot.map((r) => ({ ...r, source: 'chatwoot' }))],
      syncFailuresPerHour: failures,
      lastErrors,
      running,
      temporal: deps.temporalUiUrl ? { uiUrl: deps.temporalUiUrl, namespace: deps.namespace ?? 'default' } : null,
    });
  });

  /** Running workflows of this service's task queue, per type; null when Temporal's visibility cannot answer. */
  async function runningWorkflows(): Promise<Array<{ type: string; running: number | null }>> {
    return Promise.all(
      workflowTypes.map(async (type) => {
        const query = `WorkflowType = "${type}" AND ExecutionStatus = "Running" AND TaskQueue = "${deps.taskQueue}"`;
        const running = await deps.temporal.workflow.count(query).then((r) => r.count, () => null);
        return { type, running };
      }),
    );
  }

  /** By KGC customer id (or its start), Twenty person id or Chatwoot contact id. */
  router.get('/admin/partners', async (req, res) => {
    const q = searchQuery.safeParse(req.query);
    if (!q.success) throw new ApiError(400, 'invalid_query', 'q (1–100 characters) is required', zodDetails(q.error, 'query'));
    const term = q.data.q;
    const links = await deps.db
      .select()
      .from(partnerLinks)
      .where(or(ilike(partnerLinks.customerId, `${term.replace(/[%_\\]/g, '\\$&')}%`), eq(partnerLinks.twentyPersonId, term), eq(partnerLinks.chatwootContactId, term)))
      .orderBy(partnerLinks.customerId)
      .limit(25);
    const ids = links.map((l) => l.customerId);
    const [history, letters] = ids.length
      ? await Promise.all([
          deps.db
            .select({ customerId: historyLedger.customerId, kind: historyLedger.kind, total: count(), synced: count(historyLedger.syncedAt) })
            .from(historyLedger)
            .where(inArray(historyLedger.customerId, ids))
            .groupBy(historyLedger.customerId, historyLedger.kind),
          deps.db
            .select({ customerId: deadLetters.customerId, n: count() })
            .from(deadLetters)
            .where(and(inArray(deadLetters.customerId, ids), eq(deadLetters.status, 'open')))
            .groupBy(deadLetters.customerId),
        ])
      : [[], []];
    res.json({
      partners: links.map((l) => ({
        customerId: l.customerId,
        twentyPersonId: l.twentyPersonId,
        chatwootContactId: l.chatwootContactId,
        syncStatus: l.syncStatus,
        lastSyncedAt: l.lastSyncedAt,
        lastError: l.lastError,
        warnings: l.warnings,
        workflowId: workflowIds.partnerSync(l.customerId),
        history: Object.fromEntries(history.filter((h) => h.customerId === l.customerId).map((h) => [h.kind, { total: h.total, synced: h.synced }])),
        openDeadLetters: letters.find((d) => d.customerId === l.customerId)?.n ?? 0,
      })),
    });
  });

  /** Erasure certificates, newest first. The customer id comes from the workflow id, to retry an incomplete one. */
  router.get('/admin/erasures', async (_req, res) => {
    const rows = await deps.db.select().from(erasures).orderBy(desc(erasures.requestedAt)).limit(200);
    const prefix = workflowIds.gdprDelete('');
    res.json({
      erasures: rows.map((e) => ({ ...e, customerId: e.workflowId.startsWith(prefix) ? e.workflowId.slice(prefix.length) : null })),
    });
  });

  return router;
}
