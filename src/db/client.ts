import type { ApplicationFailure } from '@temporalio/common';
import { DrizzleQueryError } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { errorCode, failure } from '../clients/errors.js';
import * as schema from './schema.js';

export type Db = ReturnType<typeof drizzle<typeof schema>>;
export interface Database {
  db: Db;
  close(): Promise<void>;
}

const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** Connections one process's pool opens at most (postgres.js opens them as concurrency asks and keeps them). */
export const poolMax = 10;

export function openDatabase(url: string, opts: { max?: number } = {}): Database {
  const sql = postgres(url, { max: opts.max ?? poolMax, onnotice: () => {} });
  return { db: drizzle(sql, { schema }), close: () => sql.end({ timeout: 5 }) };
}

/** Any fixed key: the advisory lock that lets one replica at a time migrate. */
const migrationLock = 4_611_027_011;

/**
 * Drizzle's migrator takes no lock of its own: API and worker replicas starting together would each apply the same
 * migration and all but one fail. A session advisory lock (one connection, so one session) queues them instead.
 */
export async function migrateDatabase(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${migrationLock})`;
    await migrate(drizzle(sql), { migrationsFolder });
    await sql`select pg_advisory_unlock(${migrationLock})`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * A database error as the vocabulary's DatabaseError, or undefined when it is not one. Drizzle's message holds the
 * SQL and every parameter, Postgres's detail the refused row ("Failing row contains (…)", "Key (email)=(…)"):
 * only SQLSTATE, table, column and constraint names pass.
 */
export function databaseFailure(err: unknown): ApplicationFailure | undefined {
  const pg = err instanceof DrizzleQueryError ? err.cause : err;
  if (!(err instanceof DrizzleQueryError) && !(pg instanceof postgres.PostgresError)) return undefined;
  const e = pg as Partial<postgres.PostgresError> | undefined;
  const code = errorCode(pg) ?? 'unknown';
  const where = e?.constraint_name ?? e?.table_name;
  return failure('DatabaseError', `database statement failed (${code}${where ? ` on ${where}` : ''})`, {
    detail: { system: 'Postgres', code, table: e?.table_name, constraint: e?.constraint_name, path: e?.column_name ? [e.column_name] : undefined },
  });
}

/** Connection lost or refused, the server shutting down or starting up, or out of connection slots (SQLSTATE 08, 57P0x, 53300). */
const unavailableCodes = /^(08|57P0[123]$|53300$|ECONNREFUSED$|ECONNRESET$|ETIMEDOUT$|EPIPE$|CONNECTION_(CLOSED|ENDED|DESTROYED)$|CONNECT_TIMEOUT$)/;

/** True when a database error means the database cannot be reached now, not that the statement is wrong. */
export function databaseUnavailable(err: unknown): boolean {
  if (!(err instanceof DrizzleQueryError) && !(err instanceof postgres.PostgresError)) return false;
  const code = errorCode(err instanceof DrizzleQueryError ? err.cause : err);
  return code !== undefined && unavailableCodes.test(code);
}
