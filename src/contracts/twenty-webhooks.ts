import { z } from 'zod';

/**
 * The body of a Twenty webhook as its source builds it (core-modules/webhook/jobs/call-webhook-jobs.job.ts):
 * `eventName` is `<object>.<created|updated|deleted|destroyed|restored>`, `record` the after-image (the before-image
 * for deletions), `updatedFields` only on updates and never a before/diff. API-key writes carry no actor.
 * Unknown keys are dropped; the record keeps only what the flows read.
 */
export const twentyWebhookSchema = z.object({
  eventName: z.string().regex(/^[a-zA-Z0-9]+\.[a-z]+$/, '<object>.<action>, e.g. opportunity.updated'),
  objectMetadata: z.object({ nameSingular: z.string().min(1) }).optional(),
  webhookId: z.string().optional(),
  eventDate: z.string().optional(),
  workspaceMemberId: z.string().nullish(),
  record: z.looseObject({ id: z.uuid(), updatedAt: z.string().optional() }),
  updatedFields: z.array(z.string()).optional(),
});
export type TwentyWebhook = z.infer<typeof twentyWebhookSchema>;
