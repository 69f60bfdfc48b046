import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { integrationLog, kgcEvents, partnerLinks } from '../../src/db/schema.js';
import { customerHash } from '../../src/mapping/erasure.js';
import { twentyRecordId } from '../../src/mapping/ids.js';
import { temporalCliPath } from '../../src/temporal-cli.js';
import { gdprDeleteStatus, type gdprCascadeDelete } from '../../src/workflows/gdpr-cascade-delete.js';
import { newCustomer, startHarness, type Harness } from '../support/harness.js';

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
      customerHash: customerHash(c.customer_id),
      reason: 'customer_request',
      status: 'completed',
      workflowId: `gdpr-delete/${c.customer_id}`,
    });
    const bySystem = Object.fromEntries(certificate.body.systems.map((s: { system: string; erased: unknown }) => [s.system, s.erased]));
    expect(bySystem).toEqual({
      twenty: { rentalRecords: 2, serviceRecords: 1, salesRecords: 0, people: 1 },
      chatwoot: { contacts: 1, conversations: 1 },
      koko: { conversations: 0, suggestions: 0 },
      integration_db: { partnerLinks: 1, storedEvents: 1, historyLedger: 0, notifications: 0, emailSubjects: 0, emailLog: 0, deadLetters: 0, emailClaims: 1, auditRowsPseudonymised: 2 },
    });
    expect(result.systems).toEqual(certificate.body.systems);
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
      await expect(sync.result()).rejects.toThrow();
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
      let step = '';
      for (let i = 0; i < 50 && step !== 'chatwoot'; i++) {
        await new Promise((r) => setTimeout(r, 200));
        step = (await handle.query(gdprDeleteStatus)).step;
      }
      expect(step).toBe('chatwoot');
      expect((await h.admin('GET', `/admin/erasures/${c.customer_id}`)).body.status).toBe('in_progress');
    } finally {
      h.chatwoot.faults.clear();
    }
    const result = await handle.result();
    expect(result.systems.find((s) => s.system === 'chatwoot')?.erased).toEqual({ contacts: 1, conversations: 0 });
    expect(contactOf(c.customer_id)).toBeUndefined();
  });

  it('erases a customer that was never synced, with a certificate of zero counts', async () => {
    const c = newCustomer();
    const result = await deleteAndWait(c.customer_id);
    expect(result.systems.map((s) => [s.system, s.erased])).toEqual([
      ['twenty', { rentalRecords: 0, serviceRecords: 0, salesRecords: 0, people: 0 }],
      ['chatwoot', { contacts: 0, conversations: 0 }],
      ['koko', { conversations: 0, suggestions: 0 }],
      ['integration_db', { partnerLinks: 0, storedEvents: 0, historyLedger: 0, notifications: 0, emailSubjects: 0, emailLog: 0, deadLetters: 0, emailClaims: 0, auditRowsPseudonymised: 0 }],
    ]);
  });

  it('a repeated delete joins the same workflow and starts nothing new', async () => {
    const c = await syncedCustomer();
    await deleteAndWait(c.customer_id);
    const again = await h.send('customer.deleted', { customer_id: c.customer_id, gdpr_reason: 'customer_request_again' });
    expect(again).toMatchObject({ status: 202, body: { status: 'accepted', workflowId: `gdpr-delete/${c.customer_id}` } });
    let runs = 0;
    for await (const _ of h.client.workflow.list({ query: `WorkflowId = "gdpr-delete/${c.customer_id}"` })) runs++;
    expect(runs).toBe(1);
    expect((await h.admin('GET', `/admin/erasures/${c.customer_id}`)).body.reason).toBe('customer_request');
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
