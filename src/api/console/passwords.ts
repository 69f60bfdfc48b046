import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { adminUsers } from '../../db/schema.js';

/** scrypt cost: N=2^15 needs 32 MiB and ~100 ms per check, slow enough for a guesser, fine for a sign-in. */
const params = { N: 32768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const keyLength = 32;

function derive(password: string, salt: Buffer, p: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, { ...p, maxmem: params.maxmem }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** `scrypt$N$r$p$salt$hash` (base64url), so the cost can rise later without invalidating stored hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

export const adminName = /^[a-z0-9][a-z0-9._-]{1,39}$/;
export const minPasswordLength = 12;

/** Throws why a name or password cannot be an account's. */
export function checkNewAdmin(name: string, password: string): void {
  if (!adminName.test(name)) throw new Error(`Admin names are 2–40 of a-z 0-9 . _ - (got ${JSON.stringify(name.slice(0, 40))})`);
  if (password.length < minPasswordLength) throw new Error(`The password must be at least ${minPasswordLength} characters`);
}

/** Creates the account or sets a new password for it. */
export async function setAdminPassword(db: Db, name: string, password: string): Promise<'created' | 'updated'> {
  checkNewAdmin(name, password);
  const passwordHash = await hashPassword(password);
  const [row] = await db
    .insert(adminUsers)
    .values({ name, passwordHash })
    .onConflictDoUpdate({ target: adminUsers.name, set: { passwordHash, updatedAt: new Date() } })
    .returning({ created: sql<boolean>`(xmax = 0)` });
  return row?.created ? 'created' : 'updated';
}

/** A dummy hash checked for unknown names, so the answer takes as long whether or not the name exists. */
let dummyHash: Promise<string> | undefined;

export async function checkAdminPassword(db: Db, name: string, password: string): Promise<boolean> {
  const [user] = adminName.test(name) ? await db.select().from(adminUsers).where(eq(adminUsers.name, name)) : [];
  if (!user) {
    dummyHash ??= hashPassword('not-a-real-password');
    await verifyPassword(password, await dummyHash);
    return false;
  }
  return verifyPassword(password, user.passwordHash);
}
