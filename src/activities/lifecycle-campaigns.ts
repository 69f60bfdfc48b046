import { Context } from '@temporalio/activity';
import { and, eq, gt, inArray, ne, sql } from 'drizzle-orm';
import { kgcCustomerIdKey } from '../contracts/search-attributes.js';
import { workflowIds } from '../contracts/workflow-ids.js';
import { startOnce, startOnceOptions } from '../contracts/workflow-starts.js';
import { frequencyCapped } from './email.js';
import { emailKey } from '../domain/email-keys.js';
import { logger } from '../logger.js';
import { isErased } from '../db/erasures.js';
import { emailCampaignSubjects, emailOutbox, partnerLinks } from '../db/schema.js';
import { inactiveRenters, lastRentalOn, ledgerRentalCount, rentalsEndedInMonth } from '../db/lifecycle-ledger.js';
import { mostRented, upsellCooldownDays, upsellMonthlyRentals, vipRentalThreshold } from '../domain/lifecycle-campaigns.js';
import type { ActivityDeps } from './context.js';

/** Six months by default (WIN_BACK_INACTIVE_AFTER). */
const defaultInactiveMs = 183 * 86_400_000;

export function createLifecycleCampaignActivities({ db, marketing }: ActivityDeps) {
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

    /**
     * One page of the daily win-back sweep: customers whose last completed rental ended more than
     * WIN_BACK_INACTIVE_AFTER ago get `win-back/<customer>/<period>`, unless this inactive period's email was already
     * decided (its key is in the outbox). The period is named by the last rental's end (its date, or its time when
     * KGC gave one), so a new rental opens a new period.
     */
    async startWinBackCampaigns(page: { after?: string; pageSize: number }): Promise<{ started: number; decided: number; next?: string }> {
      const endedBefore = new Date(Date.now() - (marketing?.winBackInactiveMs ?? defaultInactiveMs));
      const candidates = await inactiveRenters(db, { endedBefore, after: page.after, limit: page.pageSize });
      const keyOf = (c: { customerId: string; lastRentalOn: string }) => emailKey('win-back', `${c.customerId}:${c.lastRentalOn}`, 'win_back');
      const decided = new Set(
        candidates.length === 0
          ? []
          : (
              await db
                .select({ key: emailOutbox.key })
                .from(emailOutbox)
                // Held back by the frequency cap: tried again on a later day.
                .where(and(inArray(emailOutbox.key, candidates.map(keyOf)), ne(emailOutbox.state, 'pending'), sql`not (${emailOutbox.state} = 'skipped' and ${emailOutbox.reason} = ${frequencyCapped})`))
            ).map((r) => r.key),
      );
      const { client, info } = Context.current();
      let started = 0;
      for (const c of candidates) {
        if (decided.has(keyOf(c)) || (await isErased(db, c.customerId))) continue;
        const fresh = await startOnce(client, 'winBack', {
          workflowId: workflowIds.winBack(c.customerId, c.lastRentalOn),
          taskQueue: info.taskQueue,
          args: [{ customerId: c.customerId, lastRentalOn: c.lastRentalOn }],
          // A capped period's run is over but its email is not: the email's key, not the workflow id, keeps it to one.
          workflowIdConflictPolicy: startOnceOptions.workflowIdConflictPolicy,
          workflowIdReusePolicy: 'ALLOW_DUPLICATE',
          typedSearchAttributes: [{ key: kgcCustomerIdKey, value: c.customerId }],
        });
        if (fresh) started++;
      }
      if (started > 0) logger.info({ started }, 'win-back campaigns started by the daily sweep');
      return { started, decided: decided.size, ...(candidates.length === page.pageSize ? { next: candidates.at(-1)!.customerId } : {}) };
    },

    /** Whether the inactive period is still on (no rental since) and the customer not erased; stores the subject. */
    async planWinBack({ customerId, lastRentalOn: periodStart }: { customerId: string; lastRentalOn: string }): Promise<{ outcome: 'send' | 'active_again' | 'erased'; subjectId: string }> {
      const subjectId = `${customerId}:${periodStart}`;
      if (await isErased(db, customerId)) return { outcome: 'erased', subjectId };
      if ((await lastRentalOn(db, customerId)) !== periodStart) return { outcome: 'active_again', subjectId };
      await db.insert(emailCampaignSubjects).values({ campaign: 'win-back', subjectId, customerId, details: { last_rental_on: periodStart } }).onConflictDoNothing();
      return { outcome: 'send', subjectId };
    },
  };
}
