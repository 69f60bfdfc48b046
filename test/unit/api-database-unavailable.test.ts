import { sql } from 'drizzle-orm';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { errorHandler } from '../../src/api/errors.js';
import { openDatabase, type Database } from '../../src/db/client.js';

/** A port nothing listens on: connecting to it is refused, as while Postgres restarts. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let down: Database;
let up: Database;
let url: string;
let close: () => Promise<void>;
beforeAll(async () => {
  down = openDatabase(`postgres://postgres:postgres@127.0.0.1:${await closedPort()}/gone`, { max: 1 });
  up = openDatabase(inject('postgresAdminUrl'), { max: 1 });
  const app = express();
  app.get('/down', async (_req, res) => void res.json(await down.db.execute(sql`select 1`)));
  app.get('/wrong', async (_req, res) => void res.json(await up.db.execute(sql`select * from no_such_table`)));
  app.use(errorHandler);
  const server = app.listen(0);
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
});
afterAll(async () => {
  await close();
  await Promise.all([down.close(), up.close()]);
});

describe('API answers while the database is unavailable', () => {
  it('a refused database connection is a 503 database_unavailable with Retry-After, not a 500', async () => {
    const res = await fetch(`${url}/down`);
    expect(res.status, 'KGC must be told to retry later, as the contract says').toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('database_unavailable');
  });

  it('a statement the database refuses stays a 500: only unavailability is retryable', async () => {
    const res = await fetch(`${url}/wrong`);
    expect(res.status).toBe(500);
  });
});
