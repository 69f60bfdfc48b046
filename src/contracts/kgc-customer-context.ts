import { z } from 'zod';

/**
 * `GET /api/customers/by-phone/{phone}` (docs/kgc-contract.md#kgc-rest-api-read-by-this-service), reduced to what Koko may show Gemini: open
 * rentals, open worklogs and orders. Name, email, phone and payment status are dropped here. KGC may send
 * counts instead of lists, so both are accepted.
 */
const rental = z.object({
  rental_id: z.string(),
  machine_name: z.string().optional(),
  rental_end: z.string().optional(),
  status: z.string().optional(),
  late_days: z.number().optional(),
});
const repair = z.object({
  worklog_id: z.string(),
  machine_type: z.string().optional(),
  status: z.string().optional(),
  status_hu: z.string().nullish(),
  estimated_completion: z.string().nullish(),
  quote_amount: z.number().nullish(),
});
const order = z.object({ order_id: z.string(), status: z.string().optional(), estimated_arrival: z.string().nullish() });
const listOrCount = <T extends z.ZodType>(item: T) => z.union([z.array(item), z.number().transform(() => [] as z.infer<T>[])]).catch([]).default([]);

export const customerContextSchema = z.object({
  customer_id: z.string(),
  active_rentals: listOrCount(rental),
  pending_repairs: listOrCount(repair),
  open_orders: listOrCount(order),
});
export type CustomerContext = z.infer<typeof customerContextSchema>;
