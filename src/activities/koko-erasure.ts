import type { ActivityDeps } from './context.js';

/**
 * Koko's memory of a customer (conversation texts, suggestions). Koko stores nothing yet; when it does, its
 * tables are erased here, keyed by the customer id and the Chatwoot contact id.
 */
export function createKokoErasureActivities(_deps: ActivityDeps) {
  return {
    async eraseKokoData(_input: { customerId: string }): Promise<Record<string, number>> {
      return { conversations: 0, suggestions: 0 };
    },
  };
}
