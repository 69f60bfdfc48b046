import { Client, Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChatwootStandIn, startKgcStandIn, startTwentyStandIn } from '../../sandbox/index.js';
import { TwentyClient } from '../../src/clients/twenty-client.js';
import { kgcCustomerIdKey, kgcEventTypeKey } from '../../src/contracts/search-attributes.js';
import { openDatabase } from '../../src/db/client.js';
import { historyLedger } from '../../src/db/schema.js';
import { devServerExtraArgs, temporalCliPath } from '../../dev/temporal-cli.js';
import { provisionTwentyDataModel } from '../../src/clients/twenty-provision.js';

import { adminApiKey, erasureHashKey, createTestDatabase, webhookSecret, workflowBundle } from '../support/harness.js';
import { type BulkSyncProgress, bulkSyncProgress } from '../../src/contracts/workflow-messages.js';

/**
 * Real crashes, not graceful shutdowns: the worker process is killed with SIGKILL mid-run, and later the Temporal
 * dev server itself (SQLite on disk) is killed and started again on the same port. The run must finish with every
 * record written once, and Twenty must see at most the requests in flight at each crash a second time.
 */
const customers = 1500;
const twentyRpm = 600;
/** People batches in flight plus the next group's owner query, or the three history kinds. */
const maxInFlight = 5;

const repo = fileURLToPath(new URL('../../', import.meta.url));
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGKILL');
  await once(child, 'exit');
}

let dir: string;
let port: number;
let server: ChildProcess | undefined;
let worker: ChildProcess | undefined;
let stands: Awaited<ReturnType<typeof startStands>>;
let workerEnv: Record<string, string>;

async function startStands() {
  const [kgc, twenty, chatwoot] = await Promise.all([
    startKgcStandIn({ generatedCustomers: customers }),
    startTwentyStandIn({ rateLimit: false }),
    startChatwootStandIn(),
  ]);
  await provisionTwentyDataModel(new TwentyClient({ apiUrl: twenty.url, apiKey: twenty.apiKey, requestsPerMinute: 6000 }));
  return { kgc, twenty, chatwoot };
}

/** The Temporal CLI's dev server as its own process, its state in a SQLite file that outlives the process. */
async function startServer(): Promise<void> {
  const cli = temporalCliPath();
  if (!cli) throw new Error('the Temporal CLI is missing: run scripts/ensure-temporal.sh');
  server = spawn(
    cli,
    ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--db-filename', join(dir, 'temporal.sqlite'), '--log-level', 'error',
      '--search-attribute', `${kgcCustomerIdKey.name}=Keyword`, '--search-attribute', `${kgcEventTypeKey.name}=Keyword`, ...devServerExtraArgs],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 100; i++) {
    const ok = await Connection.connect({ address: `127.0.0.1:${port}`, connectTimeout: 500 })
      .then(async (c) => {
        await c.workflowService.getSystemInfo({});
        await c.close();
        return true;
      })
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the dev server did not answer on port ${port}`);
}

/** `npm run worker` as production runs it, in its own process. */
function startWorker(): void {
  worker = spawn(process.execPath, ['--import', 'tsx', join(repo, 'src/worker-main.ts')], { env: { ...process.env, ...workerEnv }, stdio: 'ignore' });
}

async function progressOf(client: Client, workflowId: string): Promise<BulkSyncProgress | undefined> {
  return client.workflow.getHandle(workflowId).query(bulkSyncProgress).catch(() => undefined);
}

async function waitFor(client: Client, workflowId: string, processed: number): Promise<BulkSyncProgress> {
  for (;;) {
    const p = await progressOf(client, workflowId);
    if (p && p.processed >= processed) return p;
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kgc-crash-'));
  port = await freePort();
  stands = await startStands();
  const bundlePath = join(dir, 'workflows.js');
  await writeFile(bundlePath, (await workflowBundle()).code);
  workerEnv = {
    DATABASE_URL: await createTestDatabase(),
    TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
    TEMPORAL_TASK_QUEUE: 'crash',
    WORKFLOW_BUNDLE_PATH: bundlePath,
    KGC_API_URL: stands.kgc.url,
    KGC_API_KEY: stands.kgc.apiKey,
    KGC_WEBHOOK_SECRET: webhookSecret,
    ADMIN_API_KEY: adminApiKey,
    ERASURE_HASH_KEY: erasureHashKey,
    TWENTY_API_URL: stands.twenty.url,
    TWENTY_API_KEY: stands.twenty.apiKey,
    TWENTY_REQUESTS_PER_MINUTE: String(twentyRpm),
    TWENTY_PACING_SHARE: '1',
    SUPPORT_MODULE_ENABLED: 'false',
    LOG_LEVEL: 'error',
  };
  await startServer();
}, 60_000);

afterAll(async () => {
  for (const child of [worker, server]) if (child) await killHard(child);
  await Promise.all([stands?.kgc.close(), stands?.twenty.close(), stands?.chatwoot.close()]);
  await rm(dir, { recursive: true, force: true });
});

describe('initial bulk sync through real crashes', () => {
  it('survives SIGKILL of its worker and of the Temporal server: every record once, at most the requests in flight redone', async () => {
    startWorker();
    const connect = () => Connection.connect({ address: `127.0.0.1:${port}` });
    let connection = await connect();
    let client = new Client({ connection });
    const runId = `crash-${Date.now()}`;
    const workflowId = `initial-bulk-sync/${runId}`;
    await client.workflow.start('initialBulkSync', { taskQueue: 'crash', workflowId, args: [{ runId, historyMonths: 12 }] });

    const running = async () => (await client.workflow.getHandle(workflowId).describe()).status.name;
    const first = await waitFor(client, workflowId, 300);
    await killHard(worker!);
    expect(await running(), 'the run finished before the worker was killed: the test proves nothing').toBe('RUNNING');
    startWorker();
    const resumed = await waitFor(client, workflowId, 0);
    expect(resumed.processed, 'the checkpoint went backwards when the worker died').toBeGreaterThanOrEqual(first.processed);

    const beforeServerKill = await waitFor(client, workflowId, Math.max(resumed.processed + 600, (resumed.total ?? 0) / 2));
    await connection.close();
    await killHard(server!);
    await startServer();
    connection = await connect();
    client = new Client({ connection });
    expect(await running(), 'the run finished before the server was killed: the test proves nothing').toBe('RUNNING');
    const afterServerKill = await waitFor(client, workflowId, 0);
    expect(afterServerKill.processed, 'the checkpoint went backwards when the server died').toBeGreaterThanOrEqual(beforeServerKill.processed);

    const result = (await client.workflow.getHandle(workflowId).result()) as BulkSyncProgress;
    await connection.close();
    expect(result).toMatchObject({ done: true, failed: 0 });
    expect(result.processed).toBe(result.total);

    const people = stands.twenty.listRecords('people');
    expect(people).toHaveLength(customers);
    expect(new Set(people.map((p) => p.kgcCustomerId)).size).toBe(customers);
    const database = openDatabase(workerEnv.DATABASE_URL!, { max: 1 });
    const kinds = await database.db
      .select({ kind: historyLedger.kind, n: sql<number>`count(*)`.mapWith(Number), unsynced: sql<number>`count(*) filter (where ${historyLedger.syncedAt} is null)`.mapWith(Number) })
      .from(historyLedger)
      .groupBy(historyLedger.kind);
    await database.close();
    expect(kinds.every((k) => k.unsynced === 0), JSON.stringify(kinds)).toBe(true);
    const n = Object.fromEntries(kinds.map((k) => [k.kind, k.n]));
    expect(stands.twenty.listRecords('rentalRecords')).toHaveLength(n.rental ?? 0);
    expect(stands.twenty.listRecords('serviceRecords')).toHaveLength(n.service ?? 0);
    expect(stands.twenty.listRecords('salesRecords')).toHaveLength(n.order ?? 0);
    expect(result.total).toBe(customers + (n.rental ?? 0) + (n.service ?? 0) + (n.order ?? 0));

    // One owner query per group of 25 batches, one request per batch of 60: what an uninterrupted run sends.
    const batches = customers / 60;
    const uninterrupted = Math.ceil(batches / 25) + batches + kinds.reduce((sum, k) => sum + Math.ceil(k.n / 60), 0);
    expect(stands.twenty.coreRequestCount - uninterrupted, `Twenty saw ${stands.twenty.coreRequestCount} record requests, an uninterrupted run sends ${uninterrupted}`).toBeLessThanOrEqual(2 * maxInFlight);
  }, 240_000);
});
