import { localIsoDate } from './rental-expiry-timing.js';

/** Seed 000 §6.1: completed rentals that make a customer a VIP (`totalRentals` reaches 10). */
export const vipRentalThreshold = 10;

/** Upsell: more than this many completed rentals in one calendar month (Europe/Budapest)… */
export const upsellMonthlyRentals = 3;
/** …at most once per customer in this many days. */
export const upsellCooldownDays = 90;

/** The Budapest calendar month (`2026-01`) a rental ended in; a bare date is already KGC's local date. */
export function budapestMonth(rentalEnd: string): string {
  return (/^\d{4}-\d{2}-\d{2}$/.test(rentalEnd) ? rentalEnd : localIsoDate('Europe/Budapest', Date.parse(rentalEnd))).slice(0, 7);
}

/** The machine named most often; a tie goes to the one rented last (the list is in rental order). */
export function mostRented(machines: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const m of machines) counts.set(m, (counts.get(m) ?? 0) + 1);
  let best: string | undefined;
  for (const m of machines) if (best === undefined || counts.get(m)! >= counts.get(best)!) best = m;
  return best;
}
