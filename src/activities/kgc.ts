import { isErased } from '../db/erasures.js';
import type { ActivityDeps } from './context.js';

export function createKgcActivities({ db, kgc }: ActivityDeps) {
  return {
    /** KGC is the master: a 404 means the customer was deleted there; an erased one is never written either. */
    async customerExistsInKgc({ customerId }: { customerId: string }): Promise<{ exists: boolean; erased: boolean }> {
      if (await isErased(db, customerId)) return { exists: false, erased: true };
      return { exists: (await kgc.getCustomer(customerId)) !== null, erased: false };
    },
  };
}
