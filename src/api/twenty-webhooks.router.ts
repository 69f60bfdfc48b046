import express, { Router } from 'express';
import { inArray } from 'drizzle-orm';
import { workflowIds } from '../contracts/workflow-ids.js';
import { twentyRecordChanges, twentyWebhookSchema, type TwentyWebhook } from '../contracts/twenty-webhooks.js';
import type { Db } from '../db/client.js';
import { twentyDeliveries } from '../db/schema.js';
import { logger } from '../logger.js';
import type { ModuleFlags } from '../modules.js';
import type { franchiseOnboarding } from '../workflows/franchise-onboarding.js';
import { ApiError, zodDetails } from './errors.js';
import { interpretTwentyEvent, type TwentyAction } from './twenty-events.js';
import { verifyTwentySignature } from './twenty-signature.js';
import type { Client } from '@temporalio/client';

/** Twenty gives up on a webhook after 5 s (call-webhook.job.ts) and never retries it: answer well within that. */
const handoffDeadlineMs = 4_000;

export interface TwentyWebhookDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  modules: ModuleFlags;
  /** TWENTY_WEBHOOK_SECRET: the secret of the webhook in Twenty's Settings → APIs & Webhooks. */
  webhookSecret?: string;
  /** TWENTY_WON_STAGE: the opportunity stage that means the deal is won. */
  wonStage: string;
}

type Outcome = { status: 'accepted' | 'ignored' | 'duplicate'; workflowId?: string; reason?: string };

/**
 * `POST /webhooks/twenty`: verify Twenty's signature and freshness, de-duplicate on the record version, hand a won
 * deal to Temporal (`franchise-onboarding/<opportunity id>`), then record and answer. Our own writes come back here
 * and are recognised and ignored (interpretTwentyEvent).
 */
export function twentyWebhooksRouter(deps: TwentyWebhookDeps): Router {
  const router = Router();
  router.post('/webhooks/twenty', express.raw({ type: () => true, limit: 1024 * 1024 }), async (req, res) => {
    if (!deps.webhookSecret) throw new ApiError(503, 'not_configured', 'TWENTY_WEBHOOK_SECRET is not set');
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const check = verifyTwentySignature({
      secret: deps.webhookSecret,
      rawBody,
      timestamp: req.get('x-twenty-webhook-timestamp'),
      signature: req.get('x-twenty-webhook-signature'),
    });
    if (!check.ok) throw new ApiError(401, 'invalid_signature', 'Webhook signature rejected', [{ path: `headers.${check.header}`, message: check.reason }]);

    let body: unknown;
    try {
      body = JSON.parse(rawBody.toString('utf8'));
    } catch (err) {
      throw new ApiError(400, 'invalid_json', 'Request body is not valid JSON', [{ path: '(body)', message: (err as Error).message }]);
    }
    const parsed = twentyWebhookSchema(body).safeParse(body);
    if (!parsed.success) throw new ApiError(400, 'invalid_webhook', 'Body is not a Twenty webhook', zodDetails(parsed.error));
    // A batch is answered after each of its records is handed off and recorded; when one hand-off fails the batch
    // gets 503, and the records recorded before it answer as duplicates should the same batch be posted again.
    const changes = twentyRecordChanges(parsed.data).map((change) => ({ change, deliveryKey: deliveryKeyOf(change) }));
    // Which record versions were handled before: one query for the whole batch.
    const seen = new Map(
      (await deps.db.select().from(twentyDeliveries).where(inArray(twentyDeliveries.deliveryKey, changes.map((c) => c.deliveryKey)))).map((row) => [row.deliveryKey, row.workflowId]),
    );
    const outcomes: Array<Outcome & { recordId: string }> = [];
    for (const { change, deliveryKey } of changes) outcomes.push({ recordId: change.record.id, ...(await receive(change, deliveryKey, seen)) });
    if (!('items' in parsed.data)) {
      const [{ recordId: _, ...outcome }] = outcomes as [Outcome & { recordId: string }];
      return void res.status(outcome.status === 'accepted' ? 202 : 200).json(outcome);
    }
    const overall = outcomes.some((o) => o.status === 'accepted') ? 'accepted' : outcomes.every((o) => o.status === 'duplicate') ? 'duplicate' : 'ignored';
    res.status(overall === 'accepted' ? 202 : 200).json({ status: overall, results: outcomes });
  });

  const deliveryKeyOf = (change: TwentyWebhook) => `${change.eventName}/${change.record.id}/${change.record.updatedAt ?? change.eventDate ?? ''}`.slice(0, 300);

  /** One record change: de-duplicated on the record's version (`seen`: key → workflow id), acted on, then recorded. */
  async function receive(change: TwentyWebhook, deliveryKey: string, seen: Map<string, string | null>): Promise<Outcome> {
    if (seen.has(deliveryKey)) {
      const workflowId = seen.get(deliveryKey);
      return { status: 'duplicate', ...(workflowId ? { workflowId } : {}) };
    }

    const outcome = await act(interpretTwentyEvent(change, deps.wonStage));
    await deps.db
      .insert(twentyDeliveries)
      .values({
        deliveryKey,
        eventName: change.eventName.slice(0, 100),
        recordId: change.record.id,
        outcome: outcome.status === 'accepted' ? 'accepted' : 'ignored',
        reason: outcome.reason,
        workflowId: outcome.workflowId,
      })
      .onConflictDoNothing();
    seen.set(deliveryKey, outcome.workflowId ?? null);
    return outcome;
  }

  async function act(action: TwentyAction): Promise<Outcome> {
    if (action.kind === 'ignore') return { status: 'ignored', reason: action.reason };
    if (!(await deps.modules.current()).crm) return { status: 'ignored', reason: 'crm_module_off' };
    const workflowId = workflowIds.franchiseOnboarding(action.opportunityId);
    try {
      await deps.temporal.withDeadline(Date.now() + handoffDeadlineMs, () =>
        deps.temporal.workflow.start<typeof franchiseOnboarding>('franchiseOnboarding', {
          workflowId,
          taskQueue: deps.taskQueue,
          args: [{ opportunityId: action.opportunityId, wonStage: deps.wonStage }],
          // A run in progress is joined; a finished one may run again (a deal re-won after its contact was linked):
          // the tenant's idempotency key and KGC's 409 keep it to one tenant.
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        }),
      );
    } catch (err) {
      logger.warn({ opportunityId: action.opportunityId, err }, 'Twenty webhook could not be handed to Temporal');
      throw new ApiError(503, 'temporal_unavailable', 'The webhook could not be handed to Temporal; retry', [], { 'Retry-After': '5' });
    }
    return { status: 'accepted', workflowId };
  }

  return router;
}
