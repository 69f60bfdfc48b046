/** Seed 000 §6.1: completed rentals that make a customer a VIP (`totalRentals` reaches 10). */
export const vipRentalThreshold = 10;
