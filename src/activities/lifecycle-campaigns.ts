import { sql } from 'drizzle-orm';
import { isErased } from '../db/erasures.js';
import { emailCampaignSubjects, partnerLinks } from '../db/schema.js';
import { ledgerRentalCount } from '../db/vip-status.js';
import { vipRentalThreshold } from '../domain/lifecycle-campaigns.js';
import type { ActivityDeps } from './context.js';

export function createLifecycleCampaignActivities({ db }: ActivityDeps) {
  return {
    /**
     * Makes the customer a VIP once its ledger holds vipRentalThreshold completed rentals: `vip_since` on the link
     * is set the first time and never moved, so every retry and every later rental sees the same moment. Stores
     * the welcome email's subject (the rental count it names).
     */
    async claimVipStatus({ customerId }: { customerId: string }): Promise<{ outcome: 'vip' | 'below_threshold' | 'erased'; totalRentals: number }> {
      if (await isErased(db, customerId)) return { outcome: 'erased', totalRentals: 0 };
      const totalRentals = await ledgerRentalCount(db, customerId);
      if (totalRentals < vipRentalThreshold) return { outcome: 'below_threshold', totalRentals };
      const now = new Date();
      await db
        .insert(partnerLinks)
        .values({ customerId, syncStatus: 'pending', vipSince: now })
        .onConflictDoUpdate({ target: partnerLinks.customerId, set: { vipSince: sql`coalesce(${partnerLinks.vipSince}, excluded.vip_since)` } });
      await db
        .insert(emailCampaignSubjects)
        .values({ campaign: 'vip-welcome', subjectId: customerId, customerId, details: { total_rentals: String(totalRentals) } })
        .onConflictDoNothing();
      return { outcome: 'vip', totalRentals };
    },
  };
}
