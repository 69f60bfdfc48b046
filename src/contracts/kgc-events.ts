import { z } from 'zod';

/** Payloads of KGC ERP webhooks (docs/kgc-contract.md#events). Unknown keys are dropped: data minimisation starts here. */

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/, 'an ISO 8601 date, e.g. 2025-12-28 or 2025-12-28T10:00:00Z')
  .refine((v) => !Number.isNaN(Date.parse(v)), 'not a real calendar date');
const e164 = z.string().regex(/^\+[1-9]\d{1,14}$/, 'an E.164 phone number, e.g. +36301234567');
const id = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits, . _ : - only');
const huf = z.number().int('whole forints').min(0);
/** A UTF-16 half without its other half: JSON may escape one (`"\ud800"`), but UTF-8 and Postgres jsonb cannot hold it. */
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Free text: Postgres refuses NUL in text, and jsonb (where the event's details are kept) refuses a lone
 * surrogate, so either would fail every retry of the step that stores it.
 */
const text = () =>
  z
    .string()
    .refine((v) => !v.includes('\u0000'), 'must not contain a NUL character')
    .refine((v) => !loneSurrogate.test(v), 'must be well-formed Unicode (a lone UTF-16 surrogate)');

export const customerId = id;
/** A worklog's statuses in the order a repair goes through them; the conversation never goes back in this order. */
export const worklogStatuses = ['received', 'diagnosing', 'waiting_for_parts', 'repairing', 'done', 'picked_up'] as const;
export type WorklogStatus = (typeof worklogStatuses)[number];
export const paymentStatus = z.enum(['good', 'late', 'blocked']);
/** KGC's record of the customer's marketing opt-in; missing means no consent (GDPR: opt-in only). */
export const marketingConsentSchema = z.object({ email: z.boolean(), updated_at: isoDate });
export type MarketingConsent = z.infer<typeof marketingConsentSchema>;

export const customerSchema = z.object({
  customer_id: id,
  name: text().trim().min(1).max(200),
  phone: e164,
  email: z.email().max(254).nullish(),
  company: text().max(200).nullish(),
  is_business: z.boolean(),
  created_at: isoDate,
  payment_status: paymentStatus.nullish(),
  marketing_consent: marketingConsentSchema.nullish(),
});
export type KgcCustomer = z.infer<typeof customerSchema>;

const customerOrPhone = z
  .object({ customer_id: id.optional(), customer_phone: e164.optional() })
  .refine((v) => v.customer_id !== undefined || v.customer_phone !== undefined, {
    message: 'customer_id or customer_phone is required',
    path: ['customer_id'],
  });

export const kgcEventSchemas = {
  'customer.created': customerSchema.omit({ payment_status: true }),
  'customer.updated': customerSchema,
  // gdpr_reason never blocks an erasure: it is reduced to a reason code (erasureReasonCode) before anything stores it.
  'customer.deleted': z.object({ customer_id: id, gdpr_reason: z.string().trim().min(1).max(500) }),
  'rental.started': z.object({
    rental_id: id,
    customer_id: id.optional(),
    customer_phone: e164,
    machine_name: text().min(1).max(200),
    rental_start: isoDate,
    rental_end: isoDate,
    status: text().min(1),
    late_days: z.number().int().min(0).default(0),
  }),
  'rental.ended': z
    .object({ rental_id: id, satisfaction_survey: z.boolean().optional() })
    .and(customerOrPhone),
  'rental.completed': z.object({
    rental_id: id,
    customer_id: id,
    machine_name: text().min(1).max(200),
    rental_start: isoDate,
    rental_end: isoDate,
    total_days: z.number().int().min(0),
    total_cost: huf,
    status: z.enum(['completed', 'late', 'active']),
    late_days: z.number().int().min(0).optional(),
  }),
  'service.completed': z.object({
    worklog_id: id,
    customer_id: id,
    machine_type: text().min(1).max(200),
    issue_description: text().max(2000),
    repair_cost: huf,
    completed_at: isoDate,
    status: z.enum(['completed', 'in_progress']),
  }),
  'service.quote_ready': z
    .object({ worklog_id: id, machine_type: text().max(200).optional(), quote_amount: huf })
    .and(customerOrPhone),
  'service.repair_done': z
    .object({ worklog_id: id, machine_type: text().max(200).optional(), pickup_info: text().max(1000).optional() })
    .and(customerOrPhone),
  'order.delivered': z.object({
    order_id: id,
    customer_id: id,
    items: z
      .array(z.object({ sku: text().min(1), name: text().min(1), quantity: z.number().int().positive(), unit_price: huf, total: huf }))
      .min(1),
    total_amount: huf,
    order_date: isoDate,
    delivered_at: isoDate,
  }),
  'order.arrived': z
    .object({
      order_id: id,
      items: z.array(z.object({ sku: text().min(1), name: text().min(1), quantity: z.number().int().positive(), status: text().min(1) })).min(1),
    })
    .and(customerOrPhone),
  // A worklog's progress (seed 001 use case 4); one opened from a Chatwoot conversation names it.
  'worklog.status_changed': z.object({
    worklog_id: id,
    customer_id: id,
    status: z.enum(worklogStatuses),
    status_hu: text().trim().min(1).max(200),
    chatwoot_conversation_id: z.number().int().positive().optional(),
    estimated_completion: isoDate.nullish(),
  }),
} as const;

export type KgcEventType = keyof typeof kgcEventSchemas;
export const kgcEventTypes = Object.keys(kgcEventSchemas) as KgcEventType[];
export type KgcEventData<T extends KgcEventType> = z.infer<(typeof kgcEventSchemas)[T]>;

export function isKgcEventType(name: string): name is KgcEventType {
  return Object.hasOwn(kgcEventSchemas, name);
}

/** The envelope KGC sends (docs/kgc-contract.md#envelope); `id` and `occurred_at` are optional. */
export const kgcEnvelopeSchema = z.object({
  event: text().min(1).max(100),
  data: z.record(z.string(), z.unknown()),
  id: text().trim().min(1).max(128).optional(),
  occurred_at: isoDate.optional(),
});
export type KgcEnvelope = z.infer<typeof kgcEnvelopeSchema>;

/** The per-event paths: `customer.created` → `customer-created`, `service.quote_ready` → `quote-ready`. */
export function eventFromPathSegment(segment: string): KgcEventType | undefined {
  return kgcEventTypes.find((t) => eventPathSegment(t) === segment);
}

export function eventPathSegment(event: KgcEventType): string {
  const [entity, action] = event.split('.') as [string, string];
  const kebab = action.replace(/_/g, '-');
  return action.includes('_') ? kebab : `${entity}-${kebab}`;
}

/** The customer an event concerns, when it names one by id. */
export function eventCustomerId(data: Record<string, unknown>): string | undefined {
  return typeof data.customer_id === 'string' ? data.customer_id : undefined;
}
