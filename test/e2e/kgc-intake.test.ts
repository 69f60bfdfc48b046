import { Client, Connection } from '@temporalio/client';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signKgcWebhook } from '../../sandbox/kgc/webhook.js';
import { createApp } from '../../src/api/app.js';
import { createMetrics } from '../../src/api/metrics.js';
import { kgcEvents, twentyDeliveries } from '../../src/db/schema.js';
import { ModuleFlags } from '../../src/modules.js';
import { newCustomer, startHarness, webhookSecret, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const deliveries = async () => (await h.db.select({ n: count() }).from(kgcEvents))[0]!.n;
const runsOf = async (customerId: string) => {
  let n = 0;
  for await (const _ of h.client.workflow.list({ query: `WorkflowId = "partner-sync/${customerId}"` })) n++;
  return n;
};

async function post(path: string, body: string, headers: Record<string, string>) {
  const res = await fetch(`${h.apiUrl}${path}`, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as any };
}


/** The API alone, beside the harness's, with its own Temporal client and hand-off deadline. */
function intakeApp(temporal: Client, taskQueue: string, handoffTimeoutMs: number) {
  return createApp({
    db: h.db,
    temporal,
    taskQueue,
    metrics: createMetrics(),
    modules: new ModuleFlags(h.db),
    handoffTimeoutMs,
    kgcWebhookSecret: webhookSecret,
    adminApiKey: 'irrelevant-admin-key-0000',
    readyTargets: {},
  });
}
describe('KGC intake rejects bad requests with a specific error and writes nothing', () => {
  const customer = newCustomer();
  const body = JSON.stringify({ event: 'customer.created', data: customer });

  it.each([
    ['no signature headers', {}, 'headers.X-KGC-Timestamp'],
    ['a wrong signature', { 'X-KGC-Timestamp': String(Date.now()), 'X-KGC-Signature': 'sha256=' + '0'.repeat(64) }, 'headers.X-KGC-Signature'],
    ['a stale timestamp', signKgcWebhook(webhookSecret, body, Date.now() - 301_000), 'headers.X-KGC-Timestamp'],
    ['a signature of another secret', signKgcWebhook('another-secret-entirely', body), 'headers.X-KGC-Signature'],
  ])('401 for %s', async (_name, headers, path) => {
    const before = await deliveries();
    const res = await post('/webhooks/kgc', body, { 'Content-Type': 'application/json', ...headers });
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: 'invalid_signature', details: [{ path }] });
    expect(await deliveries()).toBe(before);
  });

  it('415 for a body that is not JSON by Content-Type', async () => {
    const res = await post('/webhooks/kgc', body, { 'Content-Type': 'text/plain', ...signKgcWebhook(webhookSecret, body) });
    expect(res.status).toBe(415);
    expect(res.body.error.details[0].path).toBe('headers.content-type');
  });

  it('413 for a body over 1 MiB', async () => {
    const big = JSON.stringify({ event: 'customer.created', data: { ...customer, name: 'x'.repeat(1024 * 1024) } });
    const res = await post('/webhooks/kgc', big, { 'Content-Type': 'application/json', ...signKgcWebhook(webhookSecret, big) });
    expect(res.status).toBe(413);
  });

  it('400 for a signed body that is not JSON', async () => {
    const bad = '{"event": "customer.created",';
    const res = await post('/webhooks/kgc', bad, { 'Content-Type': 'application/json', ...signKgcWebhook(webhookSecret, bad) });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_json');
  });

  it('400 naming each invalid field of the event', async () => {
    const before = await deliveries();
    const res = await h.send('customer.created', { ...customer, phone: '06-30-123', email: 'not-an-email', is_business: 'no' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_event');
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['data.email', 'data.is_business', 'data.phone']);
    expect(await deliveries()).toBe(before);
    expect(await runsOf(customer.customer_id)).toBe(0);
  });

  it('400 for a body that is not an envelope', async () => {
    const res = await h.send('', null, { body: JSON.stringify({ data: customer }) });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('event');
  });

  it('422 for an unknown event name, recorded in the audit log, nothing started', async () => {
    const before = await deliveries();
    const res = await h.send('customer.merged', { customer_id: customer.customer_id });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('unknown_event');
    expect(await deliveries()).toBe(before);
  });
});

describe('KGC intake hands off and acknowledges', () => {
  it('answers 202 with the workflow id once partnerSync has the signal', async () => {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    const res = await h.send('customer.created', c, { id: `evt-${c.customer_id}` });
    expect(res).toEqual({ status: 202, body: { status: 'accepted', eventId: `evt-${c.customer_id}`, workflowId: `partner-sync/${c.customer_id}` } });
    const description = await h.client.workflow.getHandle(`partner-sync/${c.customer_id}`).describe();
    expect(description.type).toBe('partnerSync');
  });

  it('answers a repeated delivery (same id) as a duplicate and starts nothing new', async () => {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    const first = await h.send('customer.created', c, { id: `evt-dup-${c.customer_id}` });
    expect(first.status).toBe(202);
    await h.partnerSyncResult(c.customer_id);
    const second = await h.send('customer.created', c, { id: `evt-dup-${c.customer_id}` });
    expect(second).toEqual({ status: 200, body: { status: 'duplicate', eventId: `evt-dup-${c.customer_id}`, workflowId: `partner-sync/${c.customer_id}` } });
    expect(await runsOf(c.customer_id)).toBe(1);
  });

  it('recognises a repeat without an id by event name and canonical data', async () => {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    const first = await h.send('customer.updated', c);
    const reordered = Object.fromEntries(Object.entries(c).reverse());
    const second = await h.send('customer.updated', reordered);
    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(second.body.eventId).toBe(first.body.eventId);
  });

  it('accepts the per-event path with a bare data body', async () => {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    const res = await h.send('', null, { path: '/webhook/kgc/customer-updated', body: JSON.stringify(c) });
    expect(res.status).toBe(202);
    expect(res.body.workflowId).toBe(`partner-sync/${c.customer_id}`);
  });

  it('rejects an envelope whose event contradicts the per-event path', async () => {
    const c = newCustomer();
    const res = await h.send('customer.deleted', { customer_id: c.customer_id, gdpr_reason: 'x' }, { path: '/webhook/kgc/customer-updated' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('event_mismatch');
  });

  it('records and skips customer events while both modules are off, and syncs again once one is on', async () => {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    expect((await h.admin('PUT', '/admin/modules/crm', { enabled: false })).status).toBe(200);
    expect((await h.admin('PUT', '/admin/modules/support', { enabled: false })).body).toEqual({ crm: false, support: false });
    try {
      const res = await h.send('customer.created', c, { id: `evt-off-${c.customer_id}` });
      expect(res).toEqual({ status: 202, body: { status: 'skipped', eventId: `evt-off-${c.customer_id}`, reason: 'crm and support modules are off' } });
      expect(await runsOf(c.customer_id)).toBe(0);
      const [row] = await h.db.select().from(kgcEvents).where(eq(kgcEvents.eventId, `evt-off-${c.customer_id}`));
      expect(row?.status).toBe('skipped');
    } finally {
      await h.admin('PUT', '/admin/modules/crm', { enabled: true });
      await h.admin('PUT', '/admin/modules/support', { enabled: true });
    }
    expect((await h.send('customer.updated', c)).status).toBe(202);
  });

  it('answers 503 and records nothing when Temporal is unreachable', async () => {
    const connection = Connection.lazy({ address: '127.0.0.1:1' });
    const app = intakeApp(new Client({ connection }), 'unreachable', 1_000);
    const server = app.listen(0);
    try {
      const c = newCustomer();
      const body = JSON.stringify({ event: 'customer.created', data: c, id: `evt-503-${c.customer_id}` });
      const { port } = server.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${port}/webhooks/kgc`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...signKgcWebhook(webhookSecret, body) },
        body,
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(await h.db.select().from(kgcEvents).where(eq(kgcEvents.eventId, `evt-503-${c.customer_id}`))).toEqual([]);
    } finally {
      server.close();
    }
  });
});

describe('de-duplication window', () => {
  it('the nightly schedule forgets KGC and Twenty deliveries older than KGC_DEDUP_RETENTION_HOURS and keeps the rest', async () => {
    const old = { deliveryKey: `id:old-${Date.now()}`, eventId: 'old', eventType: 'customer.updated', status: 'accepted' as const, receivedAt: new Date(Date.now() - 8 * 24 * 3_600_000) };
    const fresh = { ...old, deliveryKey: `id:fresh-${Date.now()}`, eventId: 'fresh', receivedAt: new Date(Date.now() - 71 * 3_600_000) };
    await h.db.insert(kgcEvents).values([old, fresh]);
    const twentyOld = { deliveryKey: `opportunity.updated/old/${Date.now()}`, eventName: 'opportunity.updated', recordId: 'old', outcome: 'ignored' as const, receivedAt: old.receivedAt };
    const twentyFresh = { ...twentyOld, deliveryKey: `opportunity.updated/fresh/${Date.now()}`, recordId: 'fresh', receivedAt: fresh.receivedAt };
    await h.db.insert(twentyDeliveries).values([twentyOld, twentyFresh]);
    await h.client.schedule.getHandle(`${h.taskQueue}/prune-kgc-deliveries`).trigger();
    let left = [old.deliveryKey];
    let twentyLeft = [twentyOld.deliveryKey];
    for (let i = 0; i < 100 && (left.includes(old.deliveryKey) || twentyLeft.includes(twentyOld.deliveryKey)); i++) {
      await new Promise((r) => setTimeout(r, 100));
      left = (await h.db.select({ key: kgcEvents.deliveryKey }).from(kgcEvents)).map((r) => r.key);
      twentyLeft = (await h.db.select({ key: twentyDeliveries.deliveryKey }).from(twentyDeliveries)).map((r) => r.key);
    }
    expect(left).not.toContain(old.deliveryKey);
    expect(left).toContain(fresh.deliveryKey);
    expect(twentyLeft, 'Twenty deliveries are forgotten on the same window').toEqual([twentyFresh.deliveryKey]);
  });
});

describe('admin and health endpoints', () => {
  it('refuses admin calls without the key', async () => {
    const res = await fetch(`${h.apiUrl}/admin/modules`);
    expect(res.status).toBe(401);
  });

  it('reports readiness of Temporal, the database and each enabled system', async () => {
    const res = await fetch(`${h.apiUrl}/ready`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      temporal: 'ok',
      database: 'ok',
      modules: { crm: { enabled: true, twenty: 'ok' }, support: { enabled: true, chatwoot: 'ok', gemini: 'not configured', smtp: 'not configured' } },
    });
  });

  it('exposes Prometheus metrics including webhook outcomes', async () => {
    const text = await (await fetch(`${h.apiUrl}/metrics`)).text();
    expect(text).toMatch(/kgc_webhooks_total\{event="customer.created",outcome="accepted"\} \d+/);
  });
});

describe('KGC intake under load (the chaos run)', () => {
  const signals = async (workflowId: string) =>
    (await h.client.workflow.getHandle(workflowId).fetchHistory()).events!.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'partnerChanged').length;

  it("a burst of one customer's updates is acknowledged in full with a few coalesced signals, not one each", async () => {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => h.send('customer.updated', { ...c, name: `${c.name} ${i}` }, { id: `evt-burst-${c.customer_id}-${i}` })));
    expect(answers.map((a) => a.body.status), 'an update of the burst was not acknowledged').toEqual(Array(30).fill('accepted'));
    const n = await signals(`partner-sync/${c.customer_id}`);
    expect(n, `30 updates sent ${n} signals to the one workflow`).toBeLessThanOrEqual(10);
    expect(n).toBeGreaterThanOrEqual(1);
  });

  it('a re-send of a delivery whose hand-off outlived its answer joins it and is answered as a duplicate', async () => {
    // Every answer gives up at once, as a Temporal too slow for the 5 s answer makes it; the hand-off goes on.
    const app = intakeApp(h.client, h.taskQueue, 0);
    const server = app.listen(0);
    try {
      const c = newCustomer();
      h.kgc.putCustomer(c);
      const body = JSON.stringify({ event: 'customer.updated', data: c, id: `evt-slow-${c.customer_id}` });
      const { port } = server.address() as { port: number };
      const send = async () => {
        const res = await fetch(`http://127.0.0.1:${port}/webhooks/kgc`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...signKgcWebhook(webhookSecret, body) }, body });
        return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as any };
      };
      const first = await send();
      expect(first).toMatchObject({ status: 503, retryAfter: '5', body: { error: { code: 'temporal_unavailable' } } });
      let resend = await send();
      for (let i = 0; i < 100 && resend.status === 503; i++) {
        await new Promise((r) => setTimeout(r, 100));
        resend = await send();
      }
      expect(resend, 'the re-send never got past the slow hand-off').toEqual({ status: 200, retryAfter: null, body: { status: 'duplicate', eventId: `evt-slow-${c.customer_id}`, workflowId: `partner-sync/${c.customer_id}` } });
      expect(await signals(`partner-sync/${c.customer_id}`), 'the re-sends handed the delivery off again').toBe(1);
    } finally {
      server.close();
    }
  });
});
