import { mainActivities, profiles, twentyActivities } from './activity-profiles.js';

export interface MarketingOptOutResult {
  customerId: string;
  kgc: 'reported' | 'gone' | 'erased' | 'none';
  twenty: 'updated' | 'not_in_twenty' | 'crm_off';
}

const { reportOptOutToKgc, getModuleStates } = mainActivities(profiles.sync);

/**
 * `marketing-opt-out/<customer_id>`, started by the unsubscribe link once the opt-out is stored here: tells KGC,
 * the master of consent, and clears the consent on the Twenty person. Each step retries until its system answers.
 */
export async function marketingOptOut({ customerId }: { customerId: string }): Promise<MarketingOptOutResult> {
  const kgc = (await reportOptOutToKgc({ customerId })).outcome;
  if (!(await getModuleStates()).crm) return { customerId, kgc, twenty: 'crm_off' };
  const { updated } = await twentyActivities(profiles.sync).clearTwentyMarketingConsent({ customerId });
  return { customerId, kgc, twenty: updated ? 'updated' : 'not_in_twenty' };
}
