import type { ActivityDeps } from './context.js';

export function createKgcActivities({ kgc }: ActivityDeps) {
  return {
    /** KGC is the master: a 404 means the customer was deleted there, and nothing may be written for it. */
    async customerExistsInKgc({ customerId }: { customerId: string }): Promise<{ exists: boolean }> {
      return { exists: (await kgc.getCustomer(customerId)) !== null };
    },
  };
}
