import { execFile } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { customerNotifications, erasureKeys, integrationLog, kgcEvents, kokoConversations, partnerLinks } from '../../src/db/schema.js';
import { twentyRecordId } from '../../src/domain/ids.js';
import { temporalCliPath } from '../../dev/temporal-cli.js';
import { type gdprCascadeDelete } from '../../src/workflows/gdpr-cascade-delete.js';
import { erasureHashKey, newCustomer, startHarness, type Harness } from '../support/harness.js';
import { gdprDeleteStatus } from '../../src/contracts/workflow-messages.js';
import { maybeRecordHistory } from '../support/record-histories.js';
import { historyText } from '../support/history-text.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const person = (customerId: string) => h.person(customerId);
const contactOf = (customerId: string) => h.contactOf(customerId);

async function twentyGraphql(query: string, variables: Record<string, unknown>) {
  const res = await fetch(`${h.twenty.url}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${h.twenty.apiKey}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { errors?: unknown[] };
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
}

async function syncedCustomer(overrides: Parameters<typeof newCustomer>[0] = {}) {
  const c = newCustomer(overrides);
  h.kgc.putCustomer(c);
  await h.send('customer.created', c);
  expect((await h.partnerSyncResult(c.customer_id)).outcome).toBe('synced');
  return c;
}

async function deleteAndWait(customerId: string) {
  const res = await h.send('customer.deleted', { customer_id: customerId, gdpr_reason: 'customer_request' });
  expect(res).toMatchObject({ status: 202, body: { status: 'accepted', workflowId: `gdpr-delete/${customerId}` } });
  h.kgc.deleteCustomer(customerId);
  return h.client.workflow.getHandle<typeof gdprCascadeDelete>(`gdpr-delete/${customerId}`).result();
}

describe('gdprCascadeDelete', () => {
  it('erases the person, history records, Chatwoot contact and own rows, and issues a certificate without personal data', async () => {
    const c = await syncedCustomer({ name: 'Törlendő Tamás', email: 'torlendo.tamas@example.hu' });
    const personId = twentyRecordId('person', c.customer_id);
    await twentyGraphql('mutation ($d: [RentalRecordCreateInput!]!) { createRentalRecords(data: $d) { id } }', {
      d: [{ kgcRentalId: 'R-1', machineName: 'Husqvarna láncfűrész', personId }, { kgcRentalId: 'R-2', machineName: 'Makita fúró', personId }],
    });
    await twentyGraphql('mutation ($d: ServiceRecordCreateInput!) { createServiceRecord(data: $d) { id } }', { d: { kgcWorklogId: 'W-1', personId } });
    const contactId = contactOf(c.customer_id)!.id;
    h.chatwoot.receiveCustomerMessage({ content: 'Szia', contactId });

    const result = await deleteAndWait(c.customer_id);

    expect(person(c.customer_id)).toBeUndefined();
    expect(h.twenty.listRecords('rentalRecords', { withDeleted: true }).filter((r) => r.personId === personId)).toEqual([]);
    expect(h.twenty.listRecords('serviceRecords', { withDeleted: true }).filter((r) => r.personId === personId)).toEqual([]);
    expect(contactOf(c.customer_id)).toBeUndefined();
    expect(h.chatwoot.conversations().filter((cv) => cv.meta.sender?.id === contactId)).toEqual([]);
    expect(await h.db.select().from(partnerLinks).where(eq(partnerLinks.customerId, c.customer_id))).toEqual([]);
    expect(await h.db.select().from(kgcEvents).where(eq(kgcEvents.customerId, c.customer_id))).toEqual([]);
    expect(await h.db.select().from(integrationLog).where(eq(integrationLog.customerId, c.customer_id))).toEqual([]);

    const certificate = await h.admin('GET', `/admin/erasures/${c.customer_id}`);
    expect(certificate.status).toBe(200);
    expect(certificate.body).toMatchObject({
      customerHash: createHmac('sha256', erasureHashKey).update(`kgc-customer:${c.customer_id}`).digest('hex'),
      reason: 'customer_request',
      status: 'complete',
      workflowId: `gdpr-delete/${c.customer_id}`,
    });
    const bySystem = Object.fromEntries(certificate.body.systems.map((s: { system: string; erased: unknown }) => [s.system, s.erased]));
    expect(bySystem).toEqual({
      twenty: { rentalRecords: 2, serviceRecords: 1, salesRecords: 0, people: 1 },
      chatwoot: { contacts: 1, conversations: 1 },
      koko: { conversations: 0, suggestions: 0 },
      integration_db: { partnerLinks: 1, storedEvents: 1, historyLedger: 0, notifications: 0, emailSubjects: 0, emailLog: 0, deadLetters: 0, emailClaims: 1, marketingCaps: 0, chatWorklogs: 0, optOutsKeptAsHash: 0, auditRowsPseudonymised: 2 },
    });
    expect(certificate.body.systems.map((s: { status: string }) => s.status)).toEqual(['erased', 'erased', 'nothing_found', 'erased']);
    expect(result).toMatchObject({ status: 'complete', pending: [] });
    await maybeRecordHistory(h, `gdpr-delete/${c.customer_id}`, 'gdpr-delete-complete');
    expect(certificate.body.customerHash, 'the hash is keyed: an id cannot be found by hashing candidates').not.toBe(createHash('sha256').update(`kgc-customer:${c.customer_id}`).digest('hex'));
    const text = JSON.stringify(certificate.body);
    for (const pii of ['Törlendő', 'Tamás', 'torlendo.tamas', c.phone.slice(3)]) expect(text).not.toContain(pii);
  });

  it('answers later events for an erased customer with skipped and writes nothing', async () => {
    const c = await syncedCustomer();
    await deleteAndWait(c.customer_id);
    h.kgc.putCustomer(c);
    const res = await h.send('customer.updated', c);
    expect(res).toMatchObject({ status: 202, body: { status: 'skipped', reason: 'customer erased (GDPR)' } });
    expect(person(c.customer_id)).toBeUndefined();
    expect((await h.admin('POST', `/admin/partners/${c.customer_id}/resync`)).status).toBe(409);
  });

  it('a sync in flight when the delete arrives cannot recreate the person', async () => {
    const c = await syncedCustomer();
    h.twenty.faults.set({ latencyMs: 1_500 });
    try {
      await h.send('customer.updated', { ...c, name: 'Versenyző Vera' });
      await new Promise((r) => setTimeout(r, 300));
      const sync = h.client.workflow.getHandle(`partner-sync/${c.customer_id}`);
      expect((await sync.describe()).status.name).toBe('RUNNING');
      await deleteAndWait(c.customer_id);
      // Cancelled by the erasure, or told by its batched write (which checks the tombstone first) that the customer is gone.
      const ended = await sync.result().then((r) => r.outcome, () => 'cancelled');
      expect(['cancelled', 'deleted_in_kgc'], 'how the sync in flight ended').toContain(ended);
    } finally {
      h.twenty.faults.clear();
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(person(c.customer_id)).toBeUndefined();
    expect(contactOf(c.customer_id)).toBeUndefined();
  });

  it('waits while Chatwoot is down and completes the erasure once it is back', async () => {
    const c = await syncedCustomer();
    h.chatwoot.faults.set({ down: true });
    const handle = h.client.workflow.getHandle<typeof gdprCascadeDelete>(`gdpr-delete/${c.customer_id}`);
    try {
      await h.send('customer.deleted', { customer_id: c.customer_id, gdpr_reason: 'customer_request' });
      let status = { step: '', steps: [] as Array<{ system: string; status: string }> };
      for (let i = 0; i < 100 && !(status.step === 'erasing' && status.steps.length === 3); i++) {
        await new Promise((r) => setTimeout(r, 200));
        status = await handle.query(gdprDeleteStatus);
      }
      expect(status.step, 'the other steps finish while Chatwoot is down').toBe('erasing');
      expect(status.steps.map((s) => s.system).sort()).toEqual(['integration_db', 'koko', 'twenty']);
      expect(person(c.customer_id)).toBeUndefined();
      expect((await h.admin('GET', `/admin/erasures/${c.customer_id}`)).body.status).toBe('in_progress');
    } finally {
      h.chatwoot.faults.clear();
    }
    expect(await handle.result()).toMatchObject({ status: 'complete' });
    const certificate = await h.admin('GET', `/admin/erasures/${c.customer_id}`);
    expect(certificate.body.systems.find((s: { system: string }) => s.system === 'chatwoot')).toMatchObject({ status: 'erased', erased: { contacts: 1, conversations: 0 } });
    expect(contactOf(c.customer_id)).toBeUndefined();
  });

  it('erases a customer that was never synced, with a certificate of zero counts', async () => {
    const c = newCustomer();
    expect(await deleteAndWait(c.customer_id)).toMatchObject({ status: 'complete' });
    const { body } = await h.admin('GET', `/admin/erasures/${c.customer_id}`);
    const bySystem = Object.fromEntries(body.systems.map((s: { system: string; status: string; erased: unknown }) => [s.system, [s.status, s.erased]]));
    expect(bySystem).toEqual({
      twenty: ['nothing_found', { rentalRecords: 0, serviceRecords: 0, salesRecords: 0, people: 0 }],
      chatwoot: ['nothing_found', { contacts: 0, conversations: 0 }],
      koko: ['nothing_found', { conversations: 0, suggestions: 0 }],
      integration_db: ['nothing_found', { partnerLinks: 0, storedEvents: 0, historyLedger: 0, notifications: 0, emailSubjects: 0, emailLog: 0, deadLetters: 0, emailClaims: 0, marketingCaps: 0, chatWorklogs: 0, optOutsKeptAsHash: 0, auditRowsPseudonymised: 0 }],
    });
  });

  it('a repeated delete after a complete erasure finds it complete and erases nothing again', async () => {
    const c = await syncedCustomer();
    await deleteAndWait(c.customer_id);
    const before = (await h.admin('GET', `/admin/erasures/${c.customer_id}`)).body;
    const again = await h.send('customer.deleted', { customer_id: c.customer_id, gdpr_reason: 'customer_request_again' });
    expect(again).toMatchObject({ status: 202, body: { status: 'accepted', workflowId: `gdpr-delete/${c.customer_id}` } });
    expect(await h.client.workflow.getHandle<typeof gdprCascadeDelete>(`gdpr-delete/${c.customer_id}`).result()).toMatchObject({ status: 'complete', pending: [] });
    const after = (await h.admin('GET', `/admin/erasures/${c.customer_id}`)).body;
    expect(after).toMatchObject({ reason: 'customer_request', status: 'complete', systems: before.systems, completedAt: before.completedAt });
  });

  it('a Chatwoot token that may not delete leaves the erasure incomplete, erases everything else, and the retry finishes it', async () => {
    const c = await syncedCustomer();
    h.chatwoot.setUserRole(1, 'agent');
    try {
      expect(await deleteAndWait(c.customer_id)).toMatchObject({ status: 'incomplete', pending: ['chatwoot'] });
      const { body } = await h.admin('GET', `/admin/erasures/${c.customer_id}`);
      expect(body.status).toBe('incomplete');
      const steps = Object.fromEntries(body.systems.map((s: { system: string; status: string; code?: string }) => [s.system, [s.status, s.code]]));
      expect(steps).toEqual({ twenty: ['erased', undefined], chatwoot: ['failed', 'SetupError:HTTP_401'], koko: ['nothing_found', undefined], integration_db: ['erased', undefined] });
      expect(person(c.customer_id), 'Twenty is erased although Chatwoot failed').toBeUndefined();
      expect(contactOf(c.customer_id)).toBeDefined();
      const metrics = await (await fetch(`${h.apiUrl}/metrics`)).text();
      expect(metrics).toMatch(/kgc_erasures_not_complete\{status="incomplete"\} [1-9]/);
    } finally {
      h.chatwoot.setUserRole(1, 'administrator');
    }

    const retry = await h.admin('POST', `/admin/erasures/${c.customer_id}/retry`);
    expect(retry).toMatchObject({ status: 202, body: { status: 'accepted', workflowId: `gdpr-delete/${c.customer_id}` } });
    expect(await h.client.workflow.getHandle<typeof gdprCascadeDelete>(`gdpr-delete/${c.customer_id}`).result()).toMatchObject({ status: 'complete' });
    expect(contactOf(c.customer_id), 'the retry found the contact although the partner link was already erased').toBeUndefined();
    await maybeRecordHistory(h, `gdpr-delete/${c.customer_id}`, 'gdpr-delete-retried');
    const { body } = await h.admin('GET', `/admin/erasures/${c.customer_id}`);
    expect(body).toMatchObject({ status: 'complete' });
    expect(body.systems.find((s: { system: string }) => s.system === 'twenty').status, 'the retry reran only the failed step').toBe('erased');
    expect(await h.db.select().from(erasureKeys)).toEqual([]);
    expect((await h.admin('POST', `/admin/erasures/${c.customer_id}/retry`)).body).toMatchObject({ status: 'complete' });
  });

  it('a Twenty key whose role may not destroy fails only the Twenty step; a repeated delete finishes it once the role is fixed', async () => {
    const c = await syncedCustomer();
    h.twenty.setRole({ destroy: false });
    try {
      expect(await deleteAndWait(c.customer_id)).toMatchObject({ status: 'incomplete', pending: ['twenty'] });
      const { body } = await h.admin('GET', `/admin/erasures/${c.customer_id}`);
      expect(body.systems.find((s: { system: string }) => s.system === 'twenty')).toMatchObject({ status: 'failed', code: 'SetupError:FORBIDDEN' });
      expect(contactOf(c.customer_id), 'Chatwoot is erased although Twenty refused').toBeUndefined();
      expect(person(c.customer_id)).toBeDefined();
    } finally {
      h.twenty.setRole({});
    }
    expect((await h.send('customer.deleted', { customer_id: c.customer_id, gdpr_reason: 'customer_request' }, { id: `again-${c.customer_id}` })).status).toBe(202);
    expect(await h.client.workflow.getHandle<typeof gdprCascadeDelete>(`gdpr-delete/${c.customer_id}`).result()).toMatchObject({ status: 'complete' });
    expect(person(c.customer_id)).toBeUndefined();
  });

  it('a gdpr_reason with a NUL byte or personal text never blocks the erasure: the certificate keeps a reason code', async () => {
    const c = await syncedCustomer();
    const res = await h.send('customer.deleted', { customer_id: c.customer_id, gdpr_reason: 'Kovács kérte\u0000 telefonon +36301234567' });
    expect(res.status).toBe(202);
    const handle = h.client.workflow.getHandle<typeof gdprCascadeDelete>(`gdpr-delete/${c.customer_id}`);
    expect(await handle.result()).toMatchObject({ status: 'complete' });
    expect((await h.admin('GET', `/admin/erasures/${c.customer_id}`)).body.reason).toBe('other');
    const history = historyText(await handle.fetchHistory());
    expect(history).not.toContain('Kovács');
    expect(history, 'the scan reads the payloads').toContain(`customerId\\":\\"${c.customer_id}`);
    expect(person(c.customer_id)).toBeUndefined();
  });

  it('refuses other free text holding a NUL byte at the intake, naming the field', async () => {
    const c = newCustomer({ name: 'Nul\u0000 Nándor' });
    const res = await h.send('customer.created', c);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'data.name', message: expect.stringContaining('NUL') })]));
  });

  it('erases contacts Chatwoot made itself and rows found only by the customer\'s phone', async () => {
    const c = newCustomer();
    const widget = await fetch(`${h.chatwoot.url}/api/v1/accounts/${h.chatwoot.accountId}/contacts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', api_access_token: h.chatwoot.userToken },
      body: JSON.stringify({ name: 'Widget látogató', email: c.email, phone_number: c.phone }),
    });
    expect(widget.status).toBe(200);
    const widgetId = ((await widget.json()) as { payload: { contact: { id: number } } }).payload.contact.id;
    h.kgc.putCustomer(c);
    await h.send('customer.created', c);
    expect((await h.partnerSyncResult(c.customer_id)).outcome).toBe('synced');
    expect(contactOf(c.customer_id)!.id).not.toBe(widgetId);
    await h.db.insert(customerNotifications).values({ key: `rental.started:R-${c.customer_id}`, eventType: 'rental.started', customerId: null, payload: { customer_phone: c.phone }, status: 'skipped' });
    await h.db.insert(kokoConversations).values({ conversationId: 900_000 + Math.floor(Math.random() * 99_999), contactId: 777_777, contactPhone: c.phone });

    await deleteAndWait(c.customer_id);

    expect(h.chatwoot.contacts().find((x) => x.id === widgetId), 'the widget contact with the same email and phone is gone').toBeUndefined();
    expect(await h.db.select().from(customerNotifications).where(eq(customerNotifications.key, `rental.started:R-${c.customer_id}`))).toEqual([]);
    expect(await h.db.select().from(kokoConversations).where(eq(kokoConversations.contactPhone, c.phone))).toEqual([]);
  });

  it('nightly retention deletes rows tied to no customer once they are older than the retention', async () => {
    const old = new Date(Date.now() - 100 * 86_400_000);
    const key = `order.arrived:O-${Date.now()}`;
    await h.db.insert(customerNotifications).values({ key, eventType: 'order.arrived', customerId: null, payload: { customer_phone: '+36301112233' }, status: 'skipped', createdAt: old });
    await h.db.insert(customerNotifications).values({ key: `${key}-new`, eventType: 'order.arrived', customerId: null, payload: { customer_phone: '+36301112233' }, status: 'skipped' });
    const result = await h.client.workflow.execute('pruneUnlinkedPersonalData', { taskQueue: h.taskQueue, workflowId: `retention-${key}`, args: [{ olderThanDays: 90 }] });
    expect(result).toMatchObject({ notifications: 1 });
    expect((await h.db.select().from(customerNotifications).where(eq(customerNotifications.key, `${key}-new`))).length).toBe(1);
  });

  it('no Temporal history of any workflow about the customer holds its name, email or phone', async () => {
    const c = await syncedCustomer({ name: 'Rejtett Rozália', email: 'rejtett.rozalia@example.hu', phone: '+36705551234' });
    await h.send('customer.updated', c);
    await h.partnerSyncResult(c.customer_id);
    await deleteAndWait(c.customer_id);

    const cli = temporalCliPath();
    expect(cli, 'the Temporal CLI is needed to export histories').toBeDefined();
    const address = inject('temporalAddress');
    const ids = new Set<string>();
    for (let i = 0; i < 50 && ids.size < 2; i++) {
      for await (const wf of h.client.workflow.list({ query: `KgcCustomerId = "${c.customer_id}"` })) ids.add(wf.workflowId);
      if (ids.size < 2) await new Promise((r) => setTimeout(r, 200));
    }
    expect([...ids].sort()).toEqual([`gdpr-delete/${c.customer_id}`, `partner-sync/${c.customer_id}`]);
    for (const id of ids) {
      const { stdout } = await promisify(execFile)(cli!, ['workflow', 'show', '--workflow-id', id, '--address', address, '--output', 'json'], { maxBuffer: 64 << 20 });
      expect(stdout).toContain(c.customer_id);
      for (const pii of ['Rejtett', 'Rozália', 'rejtett.rozalia', '705551234']) expect(stdout, `${id} history leaks ${pii}`).not.toContain(pii);
    }
  });
});
