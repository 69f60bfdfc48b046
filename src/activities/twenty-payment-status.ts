import { TwentyNotFoundError } from '../clients/errors.js';
import { recordAudit } from '../db/audit.js';
import { twentyRecordId } from '../domain/ids.js';
import { currentRun, type ActivityDeps } from './context.js';
import { requireTwenty } from './twenty-access.js';
import { isErased } from '../db/erasures.js';

const setPaymentStatus = /* GraphQL */ `
  mutation MarkLate($id: UUID!, $data: PersonUpdateInput!) { updatePerson(id: $id, data: $data) { id } }`;

/** Runs on the rate-limited Twenty queue: one Twenty request per activity. */
export function createTwentyPaymentStatusActivities({ db, twenty }: ActivityDeps) {
  return {
    /**
     * An overdue rental makes the person LATE in Twenty (a partial update; a later customer.updated carrying
     * KGC's payment_status overrides it, KGC being the master). A person not yet in Twenty is left to the next sync.
     */
    async markTwentyPaymentLate({ customerId, rentalId }: { customerId: string; rentalId: string }): Promise<{ updated: boolean }> {
      const client = requireTwenty(twenty);
      if (await isErased(db, customerId)) return { updated: false };
      let updated = true;
      try {
        await client.query(setPaymentStatus, { id: twentyRecordId('person', customerId), data: { paymentStatus: 'LATE' } });
      } catch (err) {
        if (!(err instanceof TwentyNotFoundError)) throw err;
        updated = false;
      }
      await recordAudit(db, {
        ...currentRun(),
        customerId,
        eventType: 'rental.late',
        system: 'twenty',
        action: 'mark_payment_late',
        status: updated ? 'ok' : 'skipped',
        detail: updated ? `rental ${rentalId}` : `rental ${rentalId}: person not in Twenty yet`,
      });
      return { updated };
    },
  };
}
