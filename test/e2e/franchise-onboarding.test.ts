import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTwentyWebhook } from '../../sandbox/twenty/index.js';
import { integrationLog, twentyDeliveries } from '../../src/db/schema.js';
import { twentyRecordId } from '../../src/domain/ids.js';
import type { franchiseOnboarding } from '../../src/workflows/franchise-onboarding.js';
import { eventually } from '../support/eventually.js';
import { newCustomer, startHarness, type Harness } from '../support/harness.js';

const secret = 'test-twenty-webhook-secret';
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { TWENTY_WEBHOOK_SECRET: secret } });
  h.twenty.addWebhook({ targetUrl: `${h.apiUrl}/webhooks/twenty`, secret });
});
afterAll(async () => {
  await h?.close();
});

/** The onboarding run of a deal, once the webhook that starts it has been handed off. */
async function onboarding(opportunityId: string) {
  await eventually(async () => (await deliveriesOf(opportunityId)).some((d) => d.outcome === 'accepted'), `onboarding of ${opportunityId} started`);
  return h.client.workflow.getHandle<typeof franchiseOnboarding>(`franchise-onboarding/${opportunityId}`);
}
const opportunity = (id: string) => h.twenty.getRecord('opportunity', id) as Record<string, any>;
const deliveriesOf = (recordId: string) => h.db.select().from(twentyDeliveries).where(eq(twentyDeliveries.recordId, recordId));
const notesOn = (opportunityId: string) =>
  h.twenty
    .listRecords('noteTargets')
    .filter((t) => t.opportunityId === opportunityId)
    .map((t) => h.twenty.getRecord('note', t.noteId as string) as Record<string, any>);

/** A KGC partner synced into Twenty by the real partner sync, so that its person carries the partner link. */
async function syncedPartner(company: string | null = null) {
  const c = { ...newCustomer({ is_business: true }), company };
  h.kgc.putCustomer(c);
  expect((await h.send('customer.created', c)).status).toBe(202);
  expect(await h.partnerSyncResult(c.customer_id)).toMatchObject({ outcome: 'synced' });
  return { customer: c, personId: twentyRecordId('person', c.customer_id) };
}

/** A salesperson's deal in the app, then moved to the won stage (each UI save fires its own webhook). */
function winDeal(personId: string | null, extra: Record<string, unknown> = {}) {
  const deal = h.twenty.createRecordAsUser('opportunity', { name: 'Franchise Szeged', stage: 'PROPOSAL', pointOfContactId: personId, ...extra });
  h.twenty.updateRecordAsUser('opportunity', deal.id, { stage: 'CUSTOMER' });
  return deal.id;
}

async function postSigned(body: string, headers: Record<string, string> = signTwentyWebhook(secret, body)) {
  const res = await fetch(`${h.apiUrl}/webhooks/twenty`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

describe('won deal in Twenty → franchise tenant in KGC', () => {
  it('creates one tenant although KGC answers 503 twice, writes its id onto the deal, notes it, and our own writes start nothing', async () => {
    const { customer, personId } = await syncedPartner('Szegedi Gépkölcsönző Kft.');
    h.kgc.faults.set({ failNext: { count: 2, status: 503 } });
    const dealId = winDeal(personId, { franchisePackage: 'PRO' });

    const result = await (await onboarding(dealId)).result();
    expect(result).toMatchObject({ status: 'tenant_created', customerId: customer.customer_id });
    const tenants = h.kgc.tenants().filter((t) => t.partner_customer_id === customer.customer_id);
    expect(tenants, 'exactly one tenant for the partner').toHaveLength(1);
    expect(tenants[0]).toMatchObject({ tenant_id: (result as { tenantId: string }).tenantId, name: 'Szegedi Gépkölcsönző Kft.', kind: 'franchise', package: 'pro' });
    expect(opportunity(dealId).kgcTenantId, 'tenant id written back onto the deal').toBe(tenants[0]!.tenant_id);
    const notes = notesOn(dealId);
    expect(notes.map((n) => n.title)).toEqual(['KGC franchise tenant létrehozva']);
    expect(notes[0]!.bodyV2.markdown).toContain(tenants[0]!.tenant_id);

    // Our writes (kgcTenantId, the note and its target) came back as webhooks: each was answered and started nothing.
    await h.twenty.settleWebhooks();
    const deliveries = await deliveriesOf(dealId);
    expect(deliveries.filter((d) => d.outcome === 'accepted').map((d) => d.eventName), 'only the stage change started onboarding').toEqual(['opportunity.updated']);
    expect(deliveries.find((d) => d.reason === 'own_write'), 'the write-back of kgcTenantId was recognised as ours').toBeDefined();
    const ownNote = await h.db.select().from(twentyDeliveries).where(eq(twentyDeliveries.recordId, notes[0]!.id));
    expect(ownNote).toMatchObject([{ eventName: 'note.created', outcome: 'ignored', reason: 'not_an_opportunity' }]);
    expect(h.twenty.webhookDeliveries.every((d) => d.status === 200 || d.status === 202), 'every webhook answered 2xx').toBe(true);
    const audit = await h.db.select().from(integrationLog).where(and(eq(integrationLog.action, 'create_franchise_tenant'), eq(integrationLog.customerId, customer.customer_id)));
    expect(audit).toMatchObject([{ status: 'ok', system: 'kgc' }]);
  });

  it('a deal won again, a second deal of the same partner, and a replayed delivery still leave one tenant', async () => {
    const { customer, personId } = await syncedPartner();
    const first = winDeal(personId);
    const firstResult = await (await onboarding(first)).result();
    expect(firstResult.status).toBe('tenant_created');
    const tenantId = (firstResult as { tenantId: string }).tenantId;

    // Re-won: back to PROPOSAL and to CUSTOMER again. The deal already has its tenant.
    h.twenty.updateRecordAsUser('opportunity', first, { stage: 'PROPOSAL' });
    // Two edits by a person are never in the same millisecond; in one they would share an updatedAt, the delivery key.
    await new Promise((r) => setTimeout(r, 5));
    const rewon = h.twenty.updateRecordAsUser('opportunity', first, { stage: 'CUSTOMER' });
    await h.twenty.settleWebhooks();
    const rewonKey = `opportunity.updated/${first}/${rewon.updatedAt as string}`;
    expect((await h.db.select().from(twentyDeliveries).where(eq(twentyDeliveries.deliveryKey, rewonKey)))[0]).toMatchObject({ outcome: 'ignored', reason: 'tenant_already_created' });

    // The same change delivered twice: the second answer is a duplicate.
    const body = JSON.stringify({ eventName: 'opportunity.updated', objectMetadata: { id: 'x', nameSingular: 'opportunity' }, record: { ...opportunity(first), kgcTenantId: null, updatedAt: new Date().toISOString() }, updatedFields: ['stage'] });
    const once = await postSigned(body);
    const twice = await postSigned(body);
    expect(once).toMatchObject({ status: 202, body: { status: 'accepted' } });
    expect(twice).toMatchObject({ status: 200, body: { status: 'duplicate', workflowId: `franchise-onboarding/${first}` } });
    expect(await (await onboarding(first)).result()).toMatchObject({ status: 'already_created', tenantId });

    // A second deal for the same partner: KGC answers 409 with the partner's tenant, which is success.
    const second = winDeal(personId);
    expect(await (await onboarding(second)).result()).toMatchObject({ status: 'tenant_created', tenantId });
    expect(opportunity(second).kgcTenantId).toBe(tenantId);
    expect(h.kgc.tenants().filter((t) => t.partner_customer_id === customer.customer_id)).toHaveLength(1);
  });

  it('takes a batch body (the records of one write in one POST): each record on its own, a replay answered as duplicates', async () => {
    const { personId } = await syncedPartner();
    // Two deals written in one go (as an import does) leave Twenty as one webhook batch.
    const won = h.twenty.createRecordAsUser('opportunity', { name: 'Franchise Pécs', stage: 'CUSTOMER', pointOfContactId: personId });
    const open = h.twenty.createRecordAsUser('opportunity', { name: 'Franchise Győr', stage: 'PROPOSAL', pointOfContactId: personId });
    await h.twenty.settleWebhooks();
    const posts = h.twenty.webhookDeliveries.filter((d) => d.recordId === won.id || d.recordId === open.id);
    expect(posts, 'both records were delivered, and answered 202').toMatchObject([{ status: 202 }, { status: 202 }]);
    expect(await (await onboarding(won.id)).result()).toMatchObject({ status: 'tenant_created' });
    expect(await deliveriesOf(open.id)).toMatchObject([{ eventName: 'opportunity.created', outcome: 'ignored', reason: 'not_won' }]);

    const body = JSON.stringify({ eventName: 'opportunity.created', objectMetadata: { id: 'x', nameSingular: 'opportunity' }, items: [{ record: won }, { record: open }], batchSize: 2 });
    expect(await postSigned(body), 'a replayed batch starts nothing').toEqual({
      status: 200,
      body: { status: 'duplicate', results: [{ recordId: won.id, status: 'duplicate', workflowId: `franchise-onboarding/${won.id}` }, { recordId: open.id, status: 'duplicate' }] },
    });
    const bad = await postSigned(JSON.stringify({ eventName: 'opportunity.updated', items: [{ record: { id: 'not-a-uuid' } }] }));
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid_webhook', details: [{ path: 'items.0.record.id' }] } } });
  });

  it('a contact with no KGC partner link stops with a visible reason and creates no tenant', async () => {
    const stranger = h.twenty.createRecordAsUser('person', { name: { firstName: 'Anna', lastName: 'Nagy' }, kgcCustomerId: 'C-typed-by-hand' });
    const before = h.kgc.tenants().length;
    const dealId = winDeal(stranger.id);
    expect(await (await onboarding(dealId)).result()).toEqual({ status: 'stopped', opportunityId: dealId, reason: 'person_not_linked' });
    expect(h.kgc.tenants()).toHaveLength(before);
    expect(opportunity(dealId).kgcTenantId ?? null).toBeNull();
    expect(notesOn(dealId).map((n) => n.title)).toEqual(['KGC franchise tenant nem jött létre']);
    const audit = await h.db.select().from(integrationLog).where(eq(integrationLog.workflowId, `franchise-onboarding/${dealId}`));
    expect(audit).toMatchObject([{ status: 'skipped', detail: `opportunity ${dealId}: person_not_linked`, customerId: null }]);
    expect(JSON.stringify(audit)).not.toContain('Nagy');
  });

  it('the won-deal sweep onboards a deal whose webhook started nothing (Twenty never sends it again) and leaves decided deals alone', async () => {
    const { customer, personId } = await syncedPartner();
    expect((await h.admin('PUT', '/admin/modules/crm', { enabled: false })).status).toBe(200);
    const dealId = winDeal(personId);
    await h.twenty.settleWebhooks();
    expect((await deliveriesOf(dealId)).map((d) => d.reason).sort(), 'the stage change came while nothing could start').toEqual(['crm_module_off', 'not_won']);
    expect((await h.admin('PUT', '/admin/modules/crm', { enabled: true })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_100)); // the intake's module cache

    const sweep = () => h.client.workflow.execute('wonDealsSweep', { taskQueue: h.taskQueue, workflowId: `won-deals-sweep-test-${Date.now()}`, args: [{ wonStage: 'CUSTOMER', pageSize: 2 }] });
    expect(await sweep(), 'only the missed deal: the others have their tenant or a recorded outcome').toEqual({ started: 1 });
    expect(await h.client.workflow.getHandle(`franchise-onboarding/${dealId}`).result()).toMatchObject({ status: 'tenant_created', customerId: customer.customer_id });
    expect(opportunity(dealId).kgcTenantId).toBeTruthy();
    expect(await sweep(), 'a second sweep finds nothing to start').toEqual({ started: 0 });
  });

  it('refuses a webhook with a wrong signature, a stale or seconds timestamp, or no signature, and starts nothing', async () => {
    const body = JSON.stringify({ eventName: 'opportunity.updated', record: { id: '00000000-0000-4000-8000-000000000001', stage: 'CUSTOMER' }, updatedFields: ['stage'] });
    const good = signTwentyWebhook(secret, body);
    const cases: Array<[Record<string, string>, string, string]> = [
      [{ ...good, 'X-Twenty-Webhook-Signature': signTwentyWebhook('another-secret-0123', body)['X-Twenty-Webhook-Signature']! }, 'headers.X-Twenty-Webhook-Signature', 'does not match the body'],
      [signTwentyWebhook(secret, body, Date.now() - 301_000), 'headers.X-Twenty-Webhook-Timestamp', 'outside the 300 s window'],
      [signTwentyWebhook(secret, body, Math.floor(Date.now() / 1000)), 'headers.X-Twenty-Webhook-Timestamp', 'not a Unix time in milliseconds'],
      [{ 'X-Twenty-Webhook-Timestamp': good['X-Twenty-Webhook-Timestamp']! }, 'headers.X-Twenty-Webhook-Signature', 'missing'],
    ];
    for (const [headers, path, message] of cases) {
      const res = await postSigned(body, headers);
      expect(res, `${path}: ${message}`).toMatchObject({ status: 401, body: { error: { code: 'invalid_signature', details: [{ path, message }] } } });
    }
    const bad = await postSigned(JSON.stringify({ eventName: 'opportunity.updated', record: { id: 'not-a-uuid' } }));
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid_webhook', details: [{ path: 'record.id' }] } } });
    expect(await deliveriesOf('00000000-0000-4000-8000-000000000001')).toEqual([]);
  });
});
