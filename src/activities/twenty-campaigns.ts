import { eq } from 'drizzle-orm';
import { failure, TwentyNotFoundError } from '../clients/errors.js';
import { recordAudit } from '../db/audit.js';
import { isErased } from '../db/erasures.js';
import { partnerLinks } from '../db/schema.js';
import { twentyRecordId } from '../domain/ids.js';
import { currentRun, type ActivityDeps } from './context.js';
import { requireTwenty } from './twenty-access.js';

const updatePerson = /* GraphQL */ `
  mutation CampaignPerson($id: UUID!, $data: PersonUpdateInput!) { updatePerson(id: $id, data: $data) { id } }`;

/** Campaign facts on the Twenty person. Runs on the rate-limited Twenty queue: one Twenty request per activity. */
export function createTwentyCampaignActivities({ db, twenty }: ActivityDeps) {
  /** A partial update; a person not in Twenty yet is left to its next sync, which writes the same facts. */
  async function update(customerId: string, data: Record<string, unknown>, action: string, eventType: string): Promise<{ updated: boolean }> {
    const client = requireTwenty(twenty);
    if (await isErased(db, customerId)) return { updated: false };
    let updated = true;
    try {
      await client.query(updatePerson, { id: twentyRecordId('person', customerId), data });
    } catch (err) {
      if (!(err instanceof TwentyNotFoundError)) throw err;
      updated = false;
    }
    await recordAudit(db, { ...currentRun(), customerId, eventType, system: 'twenty', action, status: updated ? 'ok' : 'skipped', detail: updated ? Object.keys(data).join(', ') : 'person not in Twenty yet' });
    return { updated };
  }

  return {
    /** An unsubscribe: `marketingEmailConsent` false on the person. */
    async clearTwentyMarketingConsent({ customerId }: { customerId: string }): Promise<{ updated: boolean }> {
      return update(customerId, { marketingEmailConsent: false }, 'clear_marketing_consent', 'marketing.opt_out');
    },

    /**
     * `vipSince` on the person, from the link (set once, so every retry writes the same moment). The rental that
     * made the customer a VIP also syncs the person: until that has written it, this waits and retries.
     */
    async markTwentyVip({ customerId }: { customerId: string }): Promise<{ updated: boolean }> {
      const [link] = await db.select({ vipSince: partnerLinks.vipSince }).from(partnerLinks).where(eq(partnerLinks.customerId, customerId));
      if (!link?.vipSince) return { updated: false };
      const result = await update(customerId, { vipSince: link.vipSince.toISOString() }, 'mark_vip', 'rental.completed');
      if (!result.updated && !(await isErased(db, customerId))) throw failure('TwentyPersonPending', `Twenty person of ${customerId} not written yet`);
      return result;
    },
  };
}
