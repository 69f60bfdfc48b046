import { and, eq } from 'drizzle-orm';
import { failure } from '../clients/errors.js';
import { isErased } from '../db/erasures.js';
import { emailCampaignSubjects } from '../db/schema.js';
import type { ActivityDeps } from './context.js';

export function createNewProductCampaignActivities({ db, kgc }: ActivityDeps) {
  return {
    /** The campaign's content, once per run: the category and the names of its products that arrived since `since`. */
    async prepareNewProductCampaign({ runId, category, since }: { runId: string; category: string; since: string }): Promise<{ products: number }> {
      const products = await kgc.listNewProducts(category, since);
      await db
        .insert(emailCampaignSubjects)
        .values({ campaign: 'new-product', subjectId: runId, details: { category, products: JSON.stringify(products) } })
        .onConflictDoNothing();
      return { products: products.length };
    },

    /**
     * One page of the audience from KGC (customers who rented the category since `since`), as ids. Each recipient
     * gets its own subject `<run>:<customer>`, which is also its email's idempotency key, so a retried page or a
     * run continued as new never mails anyone twice.
     */
    async newProductAudiencePage(p: { runId: string; category: string; since: string; cursor?: string | null; pageSize: number }): Promise<{ customerIds: string[]; invalid: number; nextCursor: string | null }> {
      const [run] = await db.select().from(emailCampaignSubjects).where(and(eq(emailCampaignSubjects.campaign, 'new-product'), eq(emailCampaignSubjects.subjectId, p.runId)));
      if (!run) throw failure('EmailSubjectMissing', `No stored new-product run ${p.runId}`);
      const page = await kgc.listCustomersWhoRented(p.category, p.since, { cursor: p.cursor, limit: p.pageSize });
      const customerIds: string[] = [];
      for (const customerId of page.customerIds) {
        if (await isErased(db, customerId)) continue;
        await db.insert(emailCampaignSubjects).values({ campaign: 'new-product', subjectId: `${p.runId}:${customerId}`, customerId, details: run.details }).onConflictDoNothing();
        customerIds.push(customerId);
      }
      return { customerIds, invalid: page.invalid.length, nextCursor: page.nextCursor };
    },
  };
}
