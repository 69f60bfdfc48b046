import { Client, Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChatwootStandIn, startGeminiStandIn, startKgcStandIn, startTwentyStandIn } from '../../sandbox/index.js';
import { signKgcWebhook } from '../../sandbox/kgc/webhook.js';
import { TwentyClient } from '../../src/clients/twenty-client.js';
import { provisionTwentyDataModel } from '../../src/clients/twenty-provision.js';
import { loadConfig } from '../../src/config.js';
import { workflowIds } from '../../src/contracts/workflow-ids.js';
import { startService, type RunningService } from '../../src/service.js';
import { eventually } from '../support/eventually.js';
import { adminApiKey, createTestDatabase, newCustomer, serviceEnv, webhookSecret, workflowBundle } from '../support/harness.js';

/**
 * Two worker processes (separate OS processes, as two replicas) against one dev server, the API in this one:
 * every workflow type run here completes, and its workflow and activity tasks went to both workers. Every type the
 * worker registers is here but twentyPersonBatcher: one per task queue, it ends only after 10 idle minutes (the
 * partnerSync runs here use it).
 */
const chatwootSecret = 'two-workers-chatwoot-secret';
let env: Record<string, string>;
let workers: ChildProcess[] = [];
let api: RunningService;
let client: Client;
let connection: Connection;
let stop: () => Promise<void>;
let sandbox: { kgc: Awaited<ReturnType<typeof startKgcStandIn>>; chatwoot: Awaited<ReturnType<typeof startChatwootStandIn>>; gemini: Awaited<ReturnType<typeof startGeminiStandIn>> };

async function startWorkerProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../support/worker-process.ts', import.meta.url))], {
    env: { ...process.env, ...env, VITEST: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for await (const line of createInterface({ input: child.stdout! })) if (line.includes('worker running')) break;
  child.stdout!.resume();
  return child;
}

beforeAll(async () => {
  const [kgc, twenty, chatwoot, gemini] = await Promise.all([
    startKgcStandIn(),
    startTwentyStandIn({ rateLimit: false }),
    startChatwootStandIn({ botToken: 'two-workers-bot-token', webhookSecret: chatwootSecret }),
    startGeminiStandIn({ fallback: { json: { intent: 'altalanos', confidence: 0.95, language: 'hu', suggestedReply: 'Hétköznap 7 és 17 óra között.', needsHuman: false, reason: 'teszt' } } }),
  ]);
  sandbox = { kgc, chatwoot, gemini };
  await provisionTwentyDataModel(new TwentyClient({ apiUrl: twenty.url, apiKey: twenty.apiKey, requestsPerMinute: 6000 }));
  const bundlePath = join(mkdtempSync(join(tmpdir(), 'kgc-bundle-')), 'workflow-bundle.js');
  writeFileSync(bundlePath, (await workflowBundle()).code);
  env = {
    ...serviceEnv({ databaseUrl: await createTestDatabase(), taskQueue: `test-two-workers-${Date.now().toString(36)}`, kgc, twenty, chatwoot }),
    TWENTY_WORKER_PROCESSES: '2',
    CHATWOOT_BOT_TOKEN: 'two-workers-bot-token',
    CHATWOOT_INBOX_ID: '1',
    CHATWOOT_WEBHOOK_SECRET: chatwootSecret,
    KOKO_TEAMS: JSON.stringify({ berles: 1, szerviz: 2, ertekesites: 3, altalanos: 1 }),
    GEMINI_API_URL: gemini.url,
    GEMINI_API_KEY: gemini.apiKey,
    WORKFLOW_BUNDLE_PATH: bundlePath,
    LOG_LEVEL: 'warn',
  };
  // Both start together: they migrate the fresh database one at a time (advisory lock) instead of failing.
  workers = await Promise.all([startWorkerProcess(), startWorkerProcess()]);
  api = await startService(loadConfig(env), { roles: ['api'], port: 0 });
  chatwoot.setBotWebhookUrl(`${api.apiUrl}/webhooks/chatwoot`);
  connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS! });
  client = new Client({ connection });
  stop = async () => {
    await api.close();
    for (const w of workers) {
      w.kill('SIGTERM');
      await once(w, 'exit');
    }
    await connection.close();
    await Promise.all([kgc.close(), twenty.close(), chatwoot.close(), gemini.close()]);
  };
}, 180_000);
afterAll(async () => stop?.());

/** Which worker identities started the workflow and activity tasks of these runs. */
async function identities(workflowIds: string[]): Promise<Set<string>> {
  const seen = new Set<string>();
  for (const id of workflowIds) {
    for (const e of (await client.workflow.getHandle(id).fetchHistory()).events ?? []) {
      const identity = e.workflowTaskStartedEventAttributes?.identity ?? e.activityTaskStartedEventAttributes?.identity;
      if (identity) seen.add(identity);
    }
  }
  return seen;
}
async function sendKgc(event: string, data: unknown) {
  const body = JSON.stringify({ event, data });
  return fetch(`${api.apiUrl}/webhooks/kgc`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...signKgcWebhook(webhookSecret, body) }, body });
}
const workerIdentities = () => new Set(workers.map((w) => `${w.pid}@${hostname()}`));

describe('two worker processes on one task queue', () => {
  const customers = Array.from({ length: 8 }, () => newCustomer());

  it('completes partnerSync runs with their workflow and activity tasks spread over both workers', async () => {
    for (const c of customers) {
      sandbox.kgc.putCustomer(c);
      expect((await sendKgc('customer.created', c)).status, 'the intake refused a customer.created').toBe(202);
    }
    const ids = customers.map((c) => workflowIds.partnerSync(c.customer_id));
    for (const id of ids) await client.workflow.getHandle(id).result();
    expect(await identities(ids), 'partnerSync work did not reach both worker processes').toEqual(workerIdentities());
  }, 120_000);

  it('completes gdprCascadeDelete runs with their workflow and activity tasks spread over both workers', async () => {
    for (const c of customers) {
      expect((await sendKgc('customer.deleted', { customer_id: c.customer_id, gdpr_reason: 'customer_request' })).status, 'the intake refused a customer.deleted').toBe(202);
      sandbox.kgc.deleteCustomer(c.customer_id);
    }
    const ids = customers.map((c) => workflowIds.gdprDelete(c.customer_id));
    for (const id of ids) await client.workflow.getHandle(id).result();
    expect(await identities(ids), 'gdprCascadeDelete work did not reach both worker processes').toEqual(workerIdentities());
  }, 120_000);

  it('completes customerNotification runs with their workflow and activity tasks spread over both workers', async () => {
    const ids: string[] = [];
    for (const [i, c] of Array.from({ length: 8 }, () => newCustomer()).entries()) {
      sandbox.kgc.putCustomer(c);
      const order = { order_id: `O-${Date.now().toString(36)}-${i}`, customer_id: c.customer_id, items: [{ sku: 'MK-1', name: 'Makita fúró', quantity: 1, status: 'arrived' }] };
      const res = await sendKgc('order.arrived', order);
      expect(res.status, 'the intake refused an order.arrived').toBe(202);
      ids.push(((await res.json()) as { workflowId: string }).workflowId);
    }
    for (const id of ids) expect(await client.workflow.getHandle(id).result()).toMatchObject({ status: 'sent' });
    expect(await identities(ids), 'customerNotification work did not reach both worker processes').toEqual(workerIdentities());
  }, 120_000);

  it('completes kokoConversation runs with their workflow and activity tasks spread over both workers', async () => {
    const conversations = Array.from({ length: 6 }, (_, i) => sandbox.chatwoot.receiveCustomerMessage({ content: `Mikor vagytok nyitva? ${i}`, phone: `+362055500${i}0` }).conversation);
    for (const c of conversations) {
      await eventually(() => sandbox.chatwoot.messages(c.id).some((m) => m.message_type === 1 && !m.private), `Koko's reply in conversation ${c.id}`, 60_000);
      expect(await sandbox.chatwoot.emitWebhook({ event: 'conversation_status_changed', id: c.id, status: 'resolved', changed_attributes: [] })).toBe(true);
    }
    const ids = conversations.map((c) => workflowIds.kokoConversation(c.id));
    for (const id of ids) expect(await client.workflow.getHandle(id).result()).toMatchObject({ outcome: 'resolved', replies: 1 });
    expect(await identities(ids), 'kokoConversation work did not reach both worker processes').toEqual(workerIdentities());
  }, 120_000);

  it('completes an initialBulkSync run (one at a time by design) with its workflow and activity tasks spread over both workers', async () => {
    const res = await fetch(`${api.apiUrl}/admin/bulk-sync`, { method: 'POST', headers: { Authorization: `Bearer ${adminApiKey}`, 'Content-Type': 'application/json' }, body: '{}' });
    expect(res.status, 'the admin API refused the bulk sync').toBe(202);
    const id = workflowIds.initialBulkSync(((await res.json()) as { runId: string }).runId);
    expect(await client.workflow.getHandle(id).result()).toMatchObject({ phase: 'done', failed: 0 });
    expect(await identities([id]), 'initialBulkSync work did not reach both worker processes').toEqual(workerIdentities());
  }, 60_000);

  /**
   * The other workflow types, started as their schedules, webhooks or admin calls start them (by type and input),
   * six runs each for customers, rentals, worklogs and deals that give each its shortest complete path.
   */
  const stamp = Date.now().toString(36);
  const someone = () => {
    const c = newCustomer();
    sandbox.kgc.putCustomer(c);
    return c.customer_id;
  };
  const started: Record<string, { args: (i: number) => unknown[]; result: Record<string, unknown> }> = {
    pruneDeliveries: { args: () => [{ olderThanHours: 24 }], result: { deleted: 0 } },
    pruneUnlinkedPersonalData: { args: () => [{ olderThanDays: 30 }], result: {} },
    rentalReminderSweep: { args: () => [{}], result: { started: 0 } },
    winBackSweep: { args: () => [{}], result: { started: 0 } },
    vipWelcome: { args: () => [{ customerId: someone() }], result: { outcome: 'below_threshold' } },
    upsell: { args: () => [{ customerId: someone(), month: '2026-01' }], result: { outcome: 'too_few_rentals' } },
    winBack: { args: () => [{ customerId: someone(), lastRentalOn: '2025-01-02' }], result: { outcome: 'active_again' } },
    marketingOptOut: { args: () => [{ customerId: someone() }], result: { twenty: 'not_in_twenty' } },
    repairDoneEmail: { args: (i) => [{ worklogId: `W-${stamp}-${i}` }], result: { status: 'skipped' } },
    rentalExpiryCampaign: { args: (i) => [{ rentalId: `R-${stamp}-${i}` }], result: { outcome: 'unknown_customer' } },
    worklogStatus: { args: (i) => [{ worklogId: `W-${stamp}-${i}`, status: 'repairing', statusHu: 'Javítás alatt', conversationId: 990_100 + i }], result: { posted: false, reason: 'conversation_gone' } },
    franchiseOnboarding: { args: () => [{ opportunityId: randomUUID(), wonStage: 'CUSTOMER' }], result: { status: 'stopped', reason: 'opportunity_gone' } },
    chatWorklog: { args: (i) => [{ conversationId: 990_000 + i, requestId: `label:${stamp}-${i}`, source: 'label', teamId: 2 }], result: { status: 'unidentified' } },
    newProductCampaign: { args: (i) => [{ runId: `${stamp}-${i}`, category: 'fúró', since: '2025-01-01', emailsPerMinute: 600 }], result: { phase: 'done', sent: 0 } },
    wonDealsSweep: { args: () => [{ wonStage: 'CUSTOMER' }], result: { started: 0 } },
  };

  it.each(Object.keys(started))('completes %s runs with their workflow and activity tasks spread over both workers', async (type) => {
    const { args, result } = started[type]!;
    const ids = Array.from({ length: 6 }, (_, i) => `two-workers-${type}-${stamp}-${i}`);
    await Promise.all(ids.map((workflowId, i) => client.workflow.start(type, { workflowId, taskQueue: env.TEMPORAL_TASK_QUEUE!, args: args(i) })));
    for (const id of ids) expect(await client.workflow.getHandle(id).result(), `the result of ${id}`).toMatchObject(result);
    expect(await identities(ids), `${type} work did not reach both worker processes`).toEqual(workerIdentities());
  }, 60_000);
});
