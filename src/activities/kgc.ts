import { isErased } from '../db/erasures.js';
import { rememberMarketingConsent } from '../db/marketing-consent.js';
import type { ActivityDeps } from './context.js';

export function createKgcActivities({ db, kgc }: ActivityDeps) {
  return {
    /**
     * KGC is the master: a 404 means the customer was deleted there; an erased one is never written either. The
     * customer's marketing consent, read here anyway, is kept with the partner link on every sync.
     */
    async customerExistsInKgc({ customerId }: { customerId: string }): Promise<{ exists: boolean; erased: boolean }> {
      if (await isErased(db, customerId)) return { exists: false, erased: true };
      const customer = await kgc.getCustomer(customerId);
      if (customer) await rememberMarketingConsent(db, customerId, customer.marketing_consent);
      return { exists: customer !== null, erased: false };
    },
  };
}
