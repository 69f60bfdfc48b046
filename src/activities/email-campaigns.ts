import { Context } from '@temporalio/activity';
import { and, eq } from 'drizzle-orm';
import { rentalCampaignStart } from '../contracts/rental-campaign-start.js';
import { campaignMoments, localIsoDate } from '../domain/rental-expiry-timing.js';
import { rentalOut } from '../contracts/kgc-rentals.js';
import { resolveCustomer, type CustomerResolution } from '../db/customer-resolution.js';
import { emailCampaignSubjects, type EmailCampaign } from '../db/schema.js';
import { logger } from '../logger.js';
import { currentRun, type ActivityDeps } from './context.js';
import { isErased } from '../db/erasures.js';
import { startOnce } from '../contracts/workflow-starts.js';

export interface RentalPlan {
  /** `out`: the machine is still with the customer (KGC status active or late). */
  state: 'out' | 'returned' | 'unknown_rental';
  rentalEnd?: string;
  remindAt?: number;
  dueAt?: number;
  lateCheckAt?: number;
}

export function createEmailCampaignActivities({ db, kgc, rentalReminder }: ActivityDeps) {
  return {
    /** The KGC customer a campaign is for: the stored customer_id, or KGC's answer for the stored phone number. */
    async resolveCampaignCustomer({ campaign, subjectId }: { campaign: EmailCampaign; subjectId: string }): Promise<CustomerResolution> {
      const where = and(eq(emailCampaignSubjects.campaign, campaign), eq(emailCampaignSubjects.subjectId, subjectId));
      const [row] = await db.select().from(emailCampaignSubjects).where(where);
      return resolveCustomer(db, kgc, {
        customerId: row?.customerId,
        phone: row?.customerPhone,
        // Once the id is known the phone number has done its job: it is not kept.
        remember: async (customerId) => {
          await db.update(emailCampaignSubjects).set({ customerId, customerPhone: null, updatedAt: new Date() }).where(where);
        },
        audit: { ...currentRun(), eventType: campaign, subject: `${campaign} ${subjectId}` },
      });
    },

    /** Re-reads the rental in KGC (the master) and says when the campaign acts next (RENTAL_REMINDER_LEAD / _HOUR). */
    async planRentalCampaign({ rentalId }: { rentalId: string }): Promise<RentalPlan> {
      const rental = await kgc.getRentalStatus(rentalId);
      if (!rental) return { state: 'unknown_rental' };
      if (!rentalOut(rental.status)) return { state: 'returned', rentalEnd: rental.rental_end };
      return { state: 'out', rentalEnd: rental.rental_end, ...campaignMoments(rental.rental_end, rentalReminder) };
    },

    /**
     * One page of the daily sweep: active rentals whose reminder is due today (ending RENTAL_REMINDER_LEAD from
     * now, tomorrow by default) get their campaign if the rental.started event never reached us. The first page
     * fixes the date, so every page asks about the same day.
     */
    async startMissingRentalCampaigns(page: { endsOn?: string; cursor?: string | null; pageSize: number }): Promise<{ endsOn: string; started: number; existing: number; invalid: number; nextCursor: string | null }> {
      const endsOn = page.endsOn ?? localIsoDate(rentalReminder.timeZone, Date.now() + rentalReminder.leadMs);
      const { rentals, invalid, nextCursor } = await kgc.listActiveRentalsEndingOn(endsOn, { cursor: page.cursor, limit: page.pageSize });
      const { client, info } = Context.current();
      const started: string[] = [];
      let existing = 0;
      for (const rental of rentals) {
        if (await isErased(db, rental.customer_id)) continue;
        await db
          .insert(emailCampaignSubjects)
          .values({ campaign: 'rental-expiry', subjectId: rental.rental_id, customerId: rental.customer_id, details: { machine_name: rental.machine_name, rental_end: rental.rental_end } })
          .onConflictDoNothing();
        const fresh = await startOnce(client, 'rentalExpiryCampaign', {
          ...rentalCampaignStart({ rentalId: rental.rental_id, customerId: rental.customer_id, eventType: 'rental.started', taskQueue: info.taskQueue }),
          workflowIdConflictPolicy: 'FAIL',
        });
        if (fresh) started.push(rental.rental_id);
        else existing++;
      }
      if (started.length > 0) logger.info({ endsOn, rentalIds: started }, 'rental expiry campaigns started by the daily sweep');
      if (invalid.length > 0) logger.warn({ endsOn, rentalIds: invalid }, 'KGC listed active rentals with invalid fields; no campaign for them');
      return { endsOn, started: started.length, existing, invalid: invalid.length, nextCursor };
    },
  };
}
