import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import express, { Router } from 'express';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { MarketingSettings } from '../contracts/marketing-settings.js';
import { workflowIds } from '../contracts/workflow-ids.js';
import { cancelNewProduct, newProductProgress, pauseNewProduct, resumeNewProduct } from '../contracts/workflow-messages.js';
import { localIsoDate } from '../domain/rental-expiry-timing.js';
import type { newProductCampaign } from '../workflows/new-product-campaign.js';
import { requireAdminKey } from './admin-auth.js';
import { ApiError, zodDetails } from './errors.js';

const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date, YYYY-MM-DD')
  .refine((v) => !Number.isNaN(Date.parse(v)) && new Date(v).toISOString().startsWith(v), 'not a real calendar date');
const startBody = z
  .object({
    category: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .refine((v) => [...v].every((ch) => ch.charCodeAt(0) >= 32), 'must not contain control characters'),
    since: isoDay.optional(),
  })
  .strict();
const signals = { pause: pauseNewProduct, resume: resumeNewProduct, cancel: cancelNewProduct } as const;

/** A year before today in Budapest: the audience the seed asks for ("rented the category in the last 12 months"). */
const aYearAgo = () => {
  const today = localIsoDate('Europe/Budapest', Date.now());
  return `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`.replace(/-02-29$/, '-02-28');
};

/** Admin control of new-product campaigns: start, progress (the report once done), pause, resume, cancel. */
export function campaignsRouter(deps: { temporal: Client; taskQueue: string; adminApiKey: string; marketing?: MarketingSettings }): Router {
  const router = Router();
  router.use('/admin/campaigns', requireAdminKey(deps.adminApiKey), express.json({ limit: '8kb' }));
  const handle = (runId: string) => deps.temporal.workflow.getHandle<typeof newProductCampaign>(workflowIds.newProduct(runId));
  const known = async <T>(runId: string, act: () => Promise<T>): Promise<T> => {
    try {
      return await act();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new ApiError(404, 'campaign_not_found', `No new-product campaign ${runId}`);
      throw err;
    }
  };

  router.post('/admin/campaigns/new-product', async (req, res) => {
    const body = startBody.safeParse(req.body);
    if (!body.success) throw new ApiError(400, 'invalid_body', 'Body must be {"category": "…", "since"?: "YYYY-MM-DD"}', zodDetails(body.error));
    const since = body.data.since ?? aYearAgo();
    if (since > localIsoDate('Europe/Budapest', Date.now())) throw new ApiError(400, 'invalid_body', 'since is in the future', [{ path: 'since', message: 'must not be in the future' }]);
    const runId = randomBytes(8).toString('hex');
    const workflowId = workflowIds.newProduct(runId);
    await deps.temporal.workflow.start<typeof newProductCampaign>('newProductCampaign', {
      workflowId,
      taskQueue: deps.taskQueue,
      args: [{ runId, category: body.data.category, since, emailsPerMinute: deps.marketing?.newProductEmailsPerMinute ?? 60 }],
    });
    res.status(202).json({ runId, workflowId, category: body.data.category, since });
  });

  router.get('/admin/campaigns/new-product/:runId', async (req, res) => {
    const runId = req.params.runId;
    const progress = await known(runId, () => handle(runId).query(newProductProgress));
    res.json({ runId, workflowId: workflowIds.newProduct(runId), ...progress });
  });

  router.post('/admin/campaigns/new-product/:runId/:action', async (req, res) => {
    const { runId, action } = req.params;
    const signal = signals[action as keyof typeof signals];
    if (!signal) throw new ApiError(404, 'unknown_action', `No action ${action}`, [{ path: 'action', message: 'one of pause, resume, cancel' }]);
    const description = await known(runId, () => handle(runId).describe());
    if (description.status.name !== 'RUNNING') throw new ApiError(409, 'campaign_finished', `Campaign ${runId} is ${description.status.name.toLowerCase()}`);
    await handle(runId).signal(signal);
    res.status(202).json({ runId, action });
  });

  return router;
}
