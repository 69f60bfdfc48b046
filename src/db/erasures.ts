import { eq } from 'drizzle-orm';
import { customerHash, normalisedEmail } from '../domain/erasure.js';
import type { Db } from './client.js';
import { configuredSystems, erasureKeys, erasures } from './schema.js';

/** Reads and writes about erased customers, shared by the API and the activities. */

export async function isErased(db: Db, customerId: string): Promise<boolean> {
  const [row] = await db.select({ hash: erasures.customerHash }).from(erasures).where(eq(erasures.customerHash, customerHash(customerId)));
  return row !== undefined;
}

export async function erasureCertificate(db: Db, customerId: string) {
  const [row] = await db.select().from(erasures).where(eq(erasures.customerHash, customerHash(customerId)));
  return row;
}

/** The emails, phones and Chatwoot contact ids an unfinished erasure has found for the customer. */
export async function erasureKeysOf(db: Db, customerId: string) {
  const rows = await db.select().from(erasureKeys).where(eq(erasureKeys.customerHash, customerHash(customerId)));
  const of = (kind: (typeof rows)[number]['kind']) => rows.filter((r) => r.kind === kind).map((r) => r.value);
  return { emails: of('email'), phones: of('phone'), contactIds: of('chatwoot_contact').map(Number) };
}

export async function addErasureKeys(db: Db, customerId: string, keys: { emails?: Array<string | null | undefined>; phones?: Array<string | undefined>; contactIds?: number[] }) {
  const hash = customerHash(customerId);
  const rows = [
    ...(keys.emails ?? []).map((v) => normalisedEmail(v)).filter((v) => v !== undefined).map((value) => ({ kind: 'email' as const, value })),
    ...(keys.phones ?? []).filter((v) => v !== undefined).map((value) => ({ kind: 'phone' as const, value })),
    ...(keys.contactIds ?? []).map((id) => ({ kind: 'chatwoot_contact' as const, value: String(id) })),
  ];
  if (rows.length > 0) await db.insert(erasureKeys).values(rows.map((r) => ({ customerHash: hash, ...r }))).onConflictDoNothing();
}

/** Records, once per deployment, which external systems it has credentials for (see `configured_systems`). */
export async function recordConfiguredSystems(db: Db, configured: { twenty: boolean; chatwoot: boolean }): Promise<void> {
  const systems = (['twenty', 'chatwoot'] as const).filter((s) => configured[s]);
  if (systems.length > 0) await db.insert(configuredSystems).values(systems.map((system) => ({ system }))).onConflictDoNothing();
}

