import { eq } from 'drizzle-orm';
import type { Db } from './client.js';
import { partnerLinks } from './schema.js';

/** The partner link of a KGC customer: where it lives in Twenty and Chatwoot, and how its last sync went. */
export async function partnerLink(db: Db, customerId: string) {
  const [row] = await db.select().from(partnerLinks).where(eq(partnerLinks.customerId, customerId));
  return row;
}
