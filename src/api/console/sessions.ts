import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { adminSessions } from '../../db/schema.js';

/** A console session lasts a working day; then the admin signs in again. */
export const sessionLifetimeMs = 12 * 3_600_000;

const tokenHash = (token: string) => createHash('sha256').update(token).digest('base64url');

export interface ConsoleSession {
  admin: string;
  csrfToken: string;
  expiresAt: Date;
}

export async function openSession(db: Db, admin: string): Promise<{ token: string; session: ConsoleSession }> {
  const token = randomBytes(32).toString('base64url');
  const session = { admin, csrfToken: randomBytes(32).toString('base64url'), expiresAt: new Date(Date.now() + sessionLifetimeMs) };
  // Expired sessions go whenever someone signs in: the table stays as small as the admins signed in.
  await db.delete(adminSessions).where(lt(adminSessions.expiresAt, new Date()));
  await db.insert(adminSessions).values({ tokenHash: tokenHash(token), ...session });
  return { token, session };
}

export async function findSession(db: Db, token: string): Promise<ConsoleSession | undefined> {
  const [row] = await db
    .select({ admin: adminSessions.admin, csrfToken: adminSessions.csrfToken, expiresAt: adminSessions.expiresAt })
    .from(adminSessions)
    .where(and(eq(adminSessions.tokenHash, tokenHash(token)), gt(adminSessions.expiresAt, new Date())));
  return row;
}

export async function closeSession(db: Db, token: string): Promise<void> {
  await db.delete(adminSessions).where(eq(adminSessions.tokenHash, tokenHash(token)));
}
