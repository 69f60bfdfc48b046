import type { Db } from './client.js';
import { integrationLog } from './schema.js';

export type AuditEntry = Omit<typeof integrationLog.$inferInsert, 'id' | 'createdAt'>;

/**
 * Appends rows to the audit trail (`integration_log`), on its own or inside the caller's transaction. Ids,
 * statuses and reasons only: `detail` never holds personal data.
 */
export async function recordAudit(db: Pick<Db, 'insert'>, ...entries: AuditEntry[]): Promise<void> {
  if (entries.length > 0) await db.insert(integrationLog).values(entries);
}
