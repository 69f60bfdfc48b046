import { desc, eq } from 'drizzle-orm';
import { recordAudit } from '../db/audit.js';
import { isErased } from '../db/erasures.js';
import { marketingOptOuts } from '../db/schema.js';
import { currentRun, type ActivityDeps } from './context.js';

export function createMarketingConsentActivities({ db, kgc }: ActivityDeps) {
  return {
    /**
     * Tells KGC (the master of consent) about the customer's latest unsubscribe: `PUT …/marketing-consent`,
     * idempotent there, so a retry after a lost answer repeats the same report. Erased or gone: nothing to tell.
     */
    async reportOptOutToKgc({ customerId }: { customerId: string }): Promise<{ outcome: 'reported' | 'gone' | 'erased' | 'none' }> {
      if (await isErased(db, customerId)) return { outcome: 'erased' };
      const [latest] = await db.select().from(marketingOptOuts).where(eq(marketingOptOuts.customerId, customerId)).orderBy(desc(marketingOptOuts.optedOutAt)).limit(1);
      if (!latest) return { outcome: 'none' };
      const answer = await kgc.putMarketingConsent(customerId, { email: false, source: latest.source, at: latest.optedOutAt.toISOString() });
      if (answer === 'stored') await db.update(marketingOptOuts).set({ reportedToKgcAt: new Date() }).where(eq(marketingOptOuts.emailHash, latest.emailHash));
      await recordAudit(db, { ...currentRun(), customerId, eventType: 'marketing.opt_out', system: 'kgc', action: 'put_marketing_consent', status: answer === 'stored' ? 'ok' : 'skipped', detail: answer === 'stored' ? 'email: false' : 'customer not in KGC' });
      return { outcome: answer === 'stored' ? 'reported' : 'gone' };
    },
  };
}
