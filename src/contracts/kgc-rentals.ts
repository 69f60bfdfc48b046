import { z } from 'zod';
import { customerId, kgcEventSchemas } from './kgc-events.js';

const rentalStarted = kgcEventSchemas['rental.started'];

/** `GET /api/rentals/{id}/status`: what the expiry campaign re-reads before it acts. */
export const rentalStatusSchema = z.object({
  rental_id: rentalStarted.shape.rental_id,
  status: z.string().min(1),
  rental_end: rentalStarted.shape.rental_end,
  late_days: z.number().int().min(0).optional(),
});
export type RentalStatus = z.infer<typeof rentalStatusSchema>;

/** One record of `GET /api/rentals?status=active&ends_on=…`: enough to start a campaign for it. */
export const activeRentalSchema = z.object({
  rental_id: rentalStarted.shape.rental_id,
  customer_id: customerId,
  machine_name: rentalStarted.shape.machine_name,
  rental_end: rentalStarted.shape.rental_end,
});
export type ActiveRental = z.infer<typeof activeRentalSchema>;

/** Statuses under which the machine is still out with the customer. */
export const rentalOut = (status: string) => status === 'active' || status === 'late';
