import { isErased } from '../db/erasures.js';
import { rememberMarketingConsent } from '../db/marketing-consent.js';
import { partnerLink } from '../db/partner-links.js';
import type { ActivityDeps } from './context.js';
import { readModuleStates, type ModuleStates } from './store.js';

export function createKgcActivities({ db, kgc }: ActivityDeps) {
  /**
   * KGC is the master: a 404 means the customer was deleted there; an erased one is never written either. The
   * customer's marketing consent, read here anyway, is kept with the partner link on every sync.
   */
  async function presenceInKgc(customerId: string): Promise<{ exists: boolean; erased: boolean }> {
    if (await isErased(db, customerId)) return { exists: false, erased: true };
    const customer = await kgc.getCustomer(customerId);
    if (customer) await rememberMarketingConsent(db, customerId, customer.marketing_consent);
    return { exists: customer !== null, erased: false };
  }

  return {
    async customerExistsInKgc({ customerId }: { customerId: string }): Promise<{ exists: boolean; erased: boolean }> {
      return presenceInKgc(customerId);
    },

    /**
     * What a partnerSync pass checks before it writes, in one call (a local activity: no task round trips): the
     * module switches, customerExistsInKgc, and whether an earlier sync linked the customer's Twenty person.
     */
    async partnerSyncChecks({ customerId }: { customerId: string }): Promise<{ modules: ModuleStates; presence: { exists: boolean; erased: boolean }; personLinked: boolean }> {
      const [modules, link, presence] = await Promise.all([readModuleStates(db), partnerLink(db, customerId), presenceInKgc(customerId)]);
      return { modules, presence, personLinked: !presence.erased && !!link?.twentyPersonId };
    },
  };
}
