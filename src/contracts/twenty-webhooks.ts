import { z } from 'zod';

const record = z.looseObject({ id: z.uuid(), updatedAt: z.string().optional() });
const envelope = {
  eventName: z.string().regex(/^[a-zA-Z0-9]+\.[a-z]+$/, '<object>.<action>, e.g. opportunity.updated'),
  objectMetadata: z.object({ nameSingular: z.string().min(1) }).optional(),
  webhookId: z.string().optional(),
  eventDate: z.string().optional(),
  workspaceMemberId: z.string().nullish(),
};

/**
 * The body of a Twenty webhook as its source builds it. Twenty sends one POST per webhook and event batch
 * (core-modules/webhook/utils/transform-webhook-event-batch-to-webhook-data.ts): `eventName` is
 * `<object>.<created|updated|deleted|destroyed|restored>`, and `items` holds each record of the batch (a bulk write
 * is one batch) with its after-image (the before-image for deletions) and, on updates, `updatedFields`, never a
 * before/diff. Until late 2025 it sent, besides, one POST per record with `record`/`updatedFields` at the top level
 * (call-webhook-jobs.job.ts, marked deprecated); both forms are accepted. API-key writes carry no actor. Unknown
 * keys are dropped; the record keeps only what the flows read.
 */
const batchBody = z.object({ ...envelope, items: z.array(z.object({ record, updatedFields: z.array(z.string()).optional() })).min(1).max(1000), batchSize: z.number().int().optional() });
const singleBody = z.object({ ...envelope, record, updatedFields: z.array(z.string()).optional() });
/** The schema for a body: the batch form when it has `items`, so an error names the field of the form that was sent. */
export function twentyWebhookSchema(body: unknown): typeof batchBody | typeof singleBody {
  return body !== null && typeof body === 'object' && 'items' in body ? batchBody : singleBody;
}
export type TwentyWebhookBody = z.infer<typeof batchBody> | z.infer<typeof singleBody>;

/** One record change, whichever form of body carried it. */
export type TwentyWebhook = Pick<z.infer<typeof singleBody>, 'eventName' | 'eventDate' | 'record' | 'updatedFields'>;

/** The record changes a webhook body reports, in the order Twenty listed them. */
export function twentyRecordChanges(body: TwentyWebhookBody): TwentyWebhook[] {
  const { eventName, eventDate } = body;
  if ('items' in body) return body.items.map((item) => ({ eventName, eventDate, ...item }));
  return [{ eventName, eventDate, record: body.record, updatedFields: body.updatedFields }];
}
