import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { and, desc, eq, isNull } from 'drizzle-orm';
import express, { Router } from 'express';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { campaignNames, CampaignSwitches } from '../campaign-switches.js';
import type { KgcClient } from '../clients/kgc-client.js';
import { customerId as customerIdSchema } from '../contracts/kgc-events.js';
import type { Db } from '../db/client.js';
import { campaignSwitches, emailCampaignSubjects, type EmailCampaign } from '../db/schema.js';
import { emailTemplates, type EmailKind } from '../templates/email/index.js';
import { renderCustomerEmail } from '../templates/email/customer-email.js';
import type { MarketingSettings } from '../contracts/marketing-settings.js';
import { workflowIds } from '../contracts/workflow-ids.js';
import { cancelNewProduct, newProductProgress, pauseNewProduct, resumeNewProduct, type NewProductProgress } from '../contracts/workflow-messages.js';
import { localIsoDate } from '../domain/rental-expiry-timing.js';
import type { newProductCampaign } from '../workflows/new-product-campaign.js';
import { adminAuth, consoleAdmin, type AdminAuth } from './admin-auth.js';
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
const switchBody = z.object({ enabled: z.boolean() }).strict();

/** The email a campaign's preview shows (the rental campaign's late notice is the reminder's sibling). */
const previewKinds: Record<EmailCampaign, EmailKind> = {
  'rental-expiry': 'rental_reminder',
  'repair-done': 'repair_done',
  'vip-welcome': 'vip_welcome',
  upsell: 'upsell',
  'win-back': 'win_back',
  'new-product': 'new_product',
};
/** Stand-in details for a customer the campaign never had a subject for, so the preview still shows the template. */
const exampleDetails: Record<EmailCampaign, Record<string, string>> = {
  'rental-expiry': { machine_name: 'Makita fúró (példa)', rental_end: '2026-01-31' },
  'repair-done': { machine_type: 'Makita fúró (példa)' },
  'vip-welcome': { total_rentals: '10' },
  upsell: { machine_name: 'Makita fúró (példa)', rentals: '4' },
  'win-back': { last_rental_on: '2025-06-30' },
  'new-product': { category: 'Makita fúrók (példa)', products: JSON.stringify(['Makita fúró (példa)']) },
};
const exampleUnsubscribeToken = 'PREVIEW-EXAMPLE-NOT-A-WORKING-LINK';

/** How many past new-product runs the list shows. */
const recentRuns = 20;

const signals = { pause: pauseNewProduct, resume: resumeNewProduct, cancel: cancelNewProduct } as const;

/** A year before today in Budapest: the audience the seed asks for ("rented the category in the last 12 months"). */
const aYearAgo = () => {
  const today = localIsoDate('Europe/Budapest', Date.now());
  return `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`.replace(/-02-29$/, '-02-28');
};

/**
 * Admin control of the email campaigns: run-time switches and previews of every campaign, and the new-product
 * campaign's start, progress (the report once done), pause, resume and cancel.
 */
export function campaignsRouter(
  deps: AdminAuth & {
    db: Db;
    kgc?: Pick<KgcClient, 'getCustomer'>;
    temporal: Client;
    taskQueue: string;
    marketing?: MarketingSettings;
  },
): Router {
  const router = Router();
  const switches = new CampaignSwitches(deps.db);
  router.use('/admin/campaigns', adminAuth(deps), express.json({ limit: '8kb' }));

  router.get('/admin/campaigns', async (_req, res) => {
    res.json(await switches.current());
  });

  /** Each switch with who set it and when (never set: on, by nobody). */
  router.get('/admin/campaigns/switches', async (_req, res) => {
    const rows = new Map((await deps.db.select().from(campaignSwitches)).map((r) => [r.campaign, r]));
    res.json({
      switches: campaignNames.map((campaign) => {
        const row = rows.get(campaign);
        return { campaign, enabled: row?.enabled ?? true, updatedAt: row?.updatedAt ?? null, updatedBy: row?.updatedBy ?? null };
      }),
    });
  });

  router.put('/admin/campaigns/:campaign', async (req, res) => {
    const campaign = req.params.campaign as EmailCampaign;
    if (!campaignNames.includes(campaign)) {
      throw new ApiError(404, 'unknown_campaign', `No campaign ${campaign}`, [{ path: 'campaign', message: `one of ${campaignNames.join(', ')}` }]);
    }
    const body = switchBody.safeParse(req.body);
    if (!body.success) throw new ApiError(400, 'invalid_body', 'Body must be {"enabled": true|false}', zodDetails(body.error));
    // Under the console the signed-in admin is the one who switched, whatever a header says.
    res.json(await switches.set(campaign, body.data.enabled, consoleAdmin(res) ?? req.get('x-admin-user')?.slice(0, 100) ?? 'admin-api'));
  });

  /**
   * The campaign's email for one customer, rendered from KGC's customer and the customer's latest subject of the
   * campaign (or an example one): nothing is sent and nothing is written. A marketing email's unsubscribe link is
   * an example that unsubscribes nobody.
   */
  router.get('/admin/campaigns/:campaign/preview', async (req, res) => {
    const campaign = req.params.campaign as EmailCampaign;
    if (!campaignNames.includes(campaign)) {
      throw new ApiError(400, 'unknown_campaign', `No campaign ${campaign}`, [{ path: 'kind', message: `one of ${campaignNames.join(', ')}` }]);
    }
    const id = customerIdSchema.safeParse(req.query.customerId);
    if (!id.success) throw new ApiError(400, 'invalid_customer_id', 'Query parameter customerId is missing or invalid', zodDetails(id.error, 'customerId'));
    if (!deps.kgc) throw new ApiError(503, 'kgc_not_configured', 'The API has no KGC client to read the customer from');
    const customer = await deps.kgc.getCustomer(id.data);
    if (!customer) throw new ApiError(404, 'customer_not_found', `KGC does not know customer ${id.data}`);
    const [subject] = await deps.db
      .select({ subjectId: emailCampaignSubjects.subjectId, details: emailCampaignSubjects.details })
      .from(emailCampaignSubjects)
      .where(and(eq(emailCampaignSubjects.campaign, campaign), eq(emailCampaignSubjects.customerId, id.data)))
      .orderBy(desc(emailCampaignSubjects.updatedAt))
      .limit(1);
    const kind = previewKinds[campaign];
    const marketing = emailTemplates[kind].purpose === 'marketing';
    const unsubscribeUrl = marketing ? `${deps.marketing?.publicBaseUrl ?? 'https://example.invalid'}/unsubscribe?t=${exampleUnsubscribeToken}` : undefined;
    const email = renderCustomerEmail({ kind, customer, subjectId: subject?.subjectId ?? 'PREVIEW', details: subject?.details ?? exampleDetails[campaign], unsubscribeUrl });
    res.json({
      campaign,
      kind,
      customerId: id.data,
      subjectId: subject?.subjectId ?? null,
      exampleData: !subject,
      ...email,
      unsubscribe: unsubscribeUrl ? { url: unsubscribeUrl, example: true, note: 'preview only: this link unsubscribes nobody' } : null,
    });
  });
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

  /**
   * Past and current runs, newest first, from the run's stored content (written as it starts) and Temporal's state;
   * a finished run carries its report.
   */
  router.get('/admin/campaigns/new-product', async (_req, res) => {
    const rows = await deps.db
      .select({ runId: emailCampaignSubjects.subjectId, details: emailCampaignSubjects.details, startedAt: emailCampaignSubjects.createdAt })
      .from(emailCampaignSubjects)
      .where(and(eq(emailCampaignSubjects.campaign, 'new-product'), isNull(emailCampaignSubjects.customerId)))
      .orderBy(desc(emailCampaignSubjects.createdAt))
      .limit(recentRuns);
    const runs = await Promise.all(
      rows.map(async (row) => {
        const run = handle(row.runId);
        const status = await run.describe().then(
          (d) => d.status.name.toLowerCase(),
          (err: unknown) => {
            if (err instanceof WorkflowNotFoundError) return 'unknown';
            throw err;
          },
        );
        const report: NewProductProgress | null = status === 'completed' ? await run.result() : null;
        return { runId: row.runId, workflowId: workflowIds.newProduct(row.runId), category: row.details.category ?? '', startedAt: row.startedAt, status, report };
      }),
    );
    res.json({ runs });
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
