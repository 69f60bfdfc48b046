import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { randomInt, randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { startChatwootStandIn, startKgcStandIn, startSmtpStandIn, startTwentyStandIn, type ChatwootStandInOptions, type TwentyStandInOptions } from '../../sandbox/index.js';
import { signKgcWebhook } from '../../sandbox/kgc/webhook.js';
import { TwentyClient } from '../../src/clients/twenty-client.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import { logStreams } from '../../src/logger.js';
import { twentyRecordId } from '../../src/domain/ids.js';
import { startService, type Role } from '../../src/service.js';
import { provisionTwentyDataModel } from '../../src/clients/twenty-provision.js';
import { workflowsPath } from '../../src/worker.js';

export const webhookSecret = 'test-kgc-webhook-secret';
export const adminApiKey = 'test-admin-api-key-0123456789';
export const erasureHashKey = 'test-erasure-hash-key-0123456789abcdef';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Webpack runs once per test file, not once per worker. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath, logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } });
  return bundle;
}

/** A database of its own per test file, so module switches and rows never leak between files. */
export async function createTestDatabase(): Promise<string> {
  const adminUrl = inject('postgresAdminUrl');
  const name = `t_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await sql.unsafe(`create database ${name}`);
  await sql.end();
  return adminUrl.replace(/\/postgres$/, `/${name}`);
}

/** The settings every test service shares: its database and task queue, and the stand-ins it talks to. */
export function serviceEnv(o: {
  databaseUrl: string;
  taskQueue: string;
  kgc: { url: string; apiKey: string };
  twenty: { url: string; apiKey: string };
  chatwoot: { url: string; accountId: number; userToken: string };
}): Record<string, string> {
  return {
    DATABASE_URL: o.databaseUrl,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: o.taskQueue,
    KGC_API_URL: o.kgc.url,
    KGC_API_KEY: o.kgc.apiKey,
    KGC_WEBHOOK_SECRET: webhookSecret,
    ADMIN_API_KEY: adminApiKey,
    ERASURE_HASH_KEY: erasureHashKey,
    ERASURE_DRAIN: '1s',
    TWENTY_API_URL: o.twenty.url,
    TWENTY_API_KEY: o.twenty.apiKey,
    TWENTY_REQUESTS_PER_MINUTE: '6000',
    CHATWOOT_API_URL: o.chatwoot.url,
    CHATWOOT_ACCOUNT_ID: String(o.chatwoot.accountId),
    CHATWOOT_API_KEY: o.chatwoot.userToken,
  };
}

export interface HarnessOptions {
  twenty?: TwentyStandInOptions;
  chatwoot?: ChatwootStandInOptions;
  env?: Record<string, string>;
  /** Start the SMTP stand-in and point SMTP_URL / MAIL_FROM at it. */
  smtp?: boolean;
  /** The service's roles; default both. Without 'worker', started workflows stay as the intake left them. */
  roles?: Role[];
}

/**
 * The whole service as production runs it (migrations, workers, API) against the shared dev server and a real
 * Postgres, talking real HTTP to the KGC, Twenty and Chatwoot stand-ins. Unique task queue per harness.
 */
export async function startHarness(opts: HarnessOptions = {}) {
  const [kgc, twenty, chatwoot] = await Promise.all([
    startKgcStandIn(),
    startTwentyStandIn({ rateLimit: false, ...opts.twenty }),
    // Every file's services share one Temporal dev server: conversation ids, and so koko/<id>, must not collide.
    startChatwootStandIn({ idBase: randomInt(1, 1_000_000) * 1_000, ...opts.chatwoot }),
  ]);
  const smtp = opts.smtp ? await startSmtpStandIn() : undefined;
  await provisionTwentyDataModel(new TwentyClient({ apiUrl: twenty.url, apiKey: twenty.apiKey, requestsPerMinute: 6000 }));
  const databaseUrl = await createTestDatabase();
  const taskQueue = `test-${randomUUID()}`;
  const config = loadConfig({
    ...serviceEnv({ databaseUrl, taskQueue, kgc, twenty, chatwoot }),
    LOG_LEVEL: 'warn',
    ...(smtp ? { SMTP_URL: smtp.url, MAIL_FROM: 'KGC <noreply@kgc.example.hu>' } : {}),
    ...opts.env,
  });
  const roles = opts.roles ?? ['api', 'worker'];
  const service = await startService(config, { roles, workflowBundle: roles.includes('worker') ? await workflowBundle() : undefined, port: 0 });
  const connection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const database = openDatabase(databaseUrl, { max: 2 });
  const apiUrl = service.apiUrl!;

  return {
    kgc,
    twenty,
    chatwoot,
    smtp,
    client,
    db: database.db,
    databaseUrl,
    apiUrl,
    taskQueue,

    /** Posts a KGC webhook signed as KGC signs it. */
    async send(event: string, data: unknown, o: { id?: string; path?: string; body?: string; headers?: Record<string, string>; timestampMs?: number } = {}) {
      const body = o.body ?? JSON.stringify({ event, data, ...(o.id ? { id: o.id } : {}) });
      const res = await fetch(`${apiUrl}${o.path ?? '/webhooks/kgc'}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...signKgcWebhook(webhookSecret, body, o.timestampMs), ...o.headers },
        body,
      });
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    },

    async admin(method: string, path: string, body?: unknown) {
      const res = await fetch(`${apiUrl}${path}`, {
        method,
        headers: { Authorization: `Bearer ${adminApiKey}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as any };
    },

    /** The Twenty person synced for a KGC customer (soft-deleted included), by its deterministic id. */
    person(customerId: string) {
      return twenty.getRecord('person', twentyRecordId('person', customerId)) as Record<string, any> | undefined;
    },

    /** The Chatwoot contact whose identifier is the KGC customer id. */
    contactOf(customerId: string) {
      return chatwoot.contacts().find((c) => c.identifier === customerId);
    },

    /** The result of the customer's latest partnerSync run. */
    partnerSyncResult(customerId: string) {
      return client.workflow.getHandle(`partner-sync/${customerId}`).result();
    },

    async close() {
      await service.close();
      await database.close();
      await connection.close();
      await Promise.all([kgc.close(), twenty.close(), chatwoot.close(), smtp?.close()]);
    },
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;

/** Every line the service logs from now on, as written (JSON). */
export function captureLogs(): string[] {
  const lines: string[] = [];
  logStreams.add({ level: 'trace', stream: { write: (line: string) => void lines.push(line) } });
  return lines;
}

let seq = 0;
/** A KGC customer with a unique id; personal data chosen to be easy to search for in histories and logs. */
export function newCustomer(overrides: Partial<{ customer_id: string; name: string; phone: string; email: string | null; is_business: boolean }> = {}) {
  seq++;
  const n = `${Date.now().toString(36)}${seq}`;
  return {
    customer_id: `C-${n}`,
    name: `Kovács János${seq}`,
    phone: `+3630${String(1000000 + Math.floor(Math.random() * 8999999))}`,
    email: `janos.${n}@example.hu`,
    company: null,
    is_business: false,
    created_at: '2025-12-28',
    ...overrides,
  };
}
