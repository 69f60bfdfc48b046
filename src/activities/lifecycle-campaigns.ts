import { and, eq, gt, ne, sql } from 'drizzle-orm';
import { isErased } from '../db/erasures.js';
import { emailCampaignSubjects, emailOutbox, partnerLinks } from '../db/schema.js';
import { ledgerRentalCount, rentalsEndedInMonth } from '../db/lifecycle-ledger.js';
import { mostRented, upsellCooldownDays, upsellMonthlyRentals, vipRentalThreshold } from '../domain/lifecycle-campaigns.js';
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

    /**
     * Whether the month's rentals earn the upsell email: more than upsellMonthlyRentals completed rentals ended in
     * it, and no upsell sent to the customer in the last upsellCooldownDays. Stores the email's subject (the machine
     * rented most, the count); the subject id `<customer>:<month>` makes the email's key one per month.
     */
    async planUpsell({ customerId, month }: { customerId: string; month: string }): Promise<{ outcome: 'send' | 'too_few_rentals' | 'sent_recently' | 'erased'; subjectId: string }> {
      const subjectId = `${customerId}:${month}`;
      if (await isErased(db, customerId)) return { outcome: 'erased', subjectId };
      const machines = await rentalsEndedInMonth(db, customerId, month);
      if (machines.length <= upsellMonthlyRentals) return { outcome: 'too_few_rentals', subjectId };
      const [recent] = await db
        .select({ key: emailOutbox.key })
        .from(emailOutbox)
        .where(and(eq(emailOutbox.customerId, customerId), eq(emailOutbox.campaign, 'upsell'), eq(emailOutbox.state, 'sent'), ne(emailOutbox.subjectId, subjectId), gt(emailOutbox.sentAt, sql`now() - make_interval(days => ${upsellCooldownDays})`)))
        .limit(1);
      if (recent) return { outcome: 'sent_recently', subjectId };
      await db
        .insert(emailCampaignSubjects)
        .values({ campaign: 'upsell', subjectId, customerId, details: { machine_name: mostRented(machines) ?? '', rentals: String(machines.length), month } })
        .onConflictDoUpdate({ target: [emailCampaignSubjects.campaign, emailCampaignSubjects.subjectId], set: { details: sql`excluded.details`, updatedAt: new Date() } });
      return { outcome: 'send', subjectId };
    },
  };
}
