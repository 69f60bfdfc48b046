import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailOutbox, integrationLog } from '../../src/db/schema.js';
import { newCustomer, startHarness, type Harness } from '../support/harness.js';

const publicBaseUrl = 'https://kgc.example.hu';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ smtp: true, env: { PUBLIC_BASE_URL: publicBaseUrl, UNSUBSCRIBE_SECRET: 'test-unsubscribe-secret-0123456789abcdef' } });
});
afterAll(async () => {
  await h?.close();
});

const consented = { marketing_consent: { email: true, updated_at: '2026-01-01T00:00:00Z' } };
let n = 0;

/** A consenting KGC customer who rented the category, so KGC lists them in its new-product audience. */
function renter(category: string) {
  const c = { ...newCustomer(), ...consented } as ReturnType<typeof newCustomer> & { email: string };
  h.kgc.putCustomer(c);
  h.kgc.putRental({ rental_id: `R-SW-${Date.now()}-${++n}`, customer_id: c.customer_id, machine_name: 'gép', rental_start: '2025-06-01', rental_end: '2025-06-01', status: 'completed', category });
  return c;
}

async function startNewProduct(category: string) {
  const res = await h.admin('POST', '/admin/campaigns/new-product', { category, since: '2025-01-01' });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return { runId: res.body.runId as string, run: h.client.workflow.getHandle(res.body.workflowId as string) };
}
const mailsOf = (runId: string) => h.smtp!.inbox().filter((m) => (m.headers['x-kgc-email-key'] ?? '').startsWith(`new-product/${runId}:`));

describe('campaign switches', () => {
  it('a switched-off campaign sends nothing, audits the skip and counts it in the run; switched on again it sends', async () => {
    const category = `Makita fúrók ${Date.now()}`;
    h.kgc.putProduct({ sku: 'DHP486', name: 'Makita DHP486 ütvefúró', category, arrived_at: '2026-11-20' });
    const c = renter(category);

    const off = await h.admin('PUT', '/admin/campaigns/new-product', { enabled: false });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(off.body).toMatchObject({ 'new-product': false, 'vip-welcome': true, 'rental-expiry': true });
    expect((await h.admin('GET', '/admin/campaigns')).body['new-product'], 'the switch reads back off').toBe(false);

    const first = await startNewProduct(category);
    expect(await first.run.result(), 'the switched-off run skips its recipient').toMatchObject({ phase: 'done', processed: 1, sent: 0, skipped_other: 1 });
    expect(mailsOf(first.runId), 'no email while switched off').toHaveLength(0);
    const [row] = await h.db.select().from(emailOutbox).where(eq(emailOutbox.key, `new-product/${first.runId}:${c.customer_id}/new_product`));
    expect(row, 'the outbox records the skip').toMatchObject({ state: 'skipped', reason: 'campaign switched off' });
    const audit = await h.db.select().from(integrationLog).where(and(eq(integrationLog.customerId, c.customer_id), eq(integrationLog.eventType, 'email.new_product')));
    expect(audit.map((a) => [a.status, a.detail]), 'the skip is audited').toEqual([['skipped', expect.stringContaining('campaign switched off')]]);

    expect((await h.admin('PUT', '/admin/campaigns/new-product', { enabled: true })).body['new-product']).toBe(true);
    const second = await startNewProduct(category);
    expect(await second.run.result(), 'switched on again it sends').toMatchObject({ phase: 'done', processed: 1, sent: 1, skipped_other: 0 });
    expect(mailsOf(second.runId).map((m) => m.to)).toEqual([[c.email]]);
  });

  it('refuses an unknown campaign and a body without enabled, changing nothing', async () => {
    const unknown = await h.admin('PUT', '/admin/campaigns/spam', { enabled: false });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.details[0].path).toBe('campaign');
    const bad = await h.admin('PUT', '/admin/campaigns/upsell', { enabled: 'no' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('enabled');
    expect((await h.admin('GET', '/admin/campaigns')).body.upsell, 'upsell still on').toBe(true);
  });
});

describe('campaign preview', () => {
  it("renders the customer's email (HTML, text, subject) with an example unsubscribe link, and sends and writes nothing", async () => {
    const c = { ...newCustomer({ name: 'Kovács Éva' }), ...consented };
    h.kgc.putCustomer(c);
    const inboxBefore = h.smtp!.inbox().length;

    const res = await h.admin('GET', `/admin/campaigns/vip-welcome/preview?customerId=${c.customer_id}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ campaign: 'vip-welcome', kind: 'vip_welcome', customerId: c.customer_id, subject: 'Köszönjük hűségét! VIP státusz – 10% kedvezmény', exampleData: true });
    expect(res.body.html, 'HTML greets the customer').toContain('Kedves Éva!');
    expect(res.body.text, 'text greets the customer').toContain('Kedves Éva!');
    const example = `${publicBaseUrl}/unsubscribe?t=PREVIEW-EXAMPLE-NOT-A-WORKING-LINK`;
    expect(res.body.unsubscribe).toEqual({ url: example, example: true, note: 'preview only: this link unsubscribes nobody' });
    expect(res.body.text, 'the footer shows the example link').toContain(example);

    const repair = await h.admin('GET', `/admin/campaigns/repair-done/preview?customerId=${c.customer_id}`);
    expect(repair.status).toBe(200);
    expect(repair.body.text).toContain('Kedves Éva!');
    expect(repair.body.unsubscribe, 'transactional mail has no unsubscribe link').toBeNull();

    await new Promise((r) => setTimeout(r, 500));
    expect(h.smtp!.inbox(), 'nothing sent').toHaveLength(inboxBefore);
    expect(await h.db.select().from(emailOutbox).where(eq(emailOutbox.customerId, c.customer_id)), 'no outbox row').toHaveLength(0);
    expect(await h.db.select().from(integrationLog).where(eq(integrationLog.customerId, c.customer_id)), 'no audit row').toHaveLength(0);
  });

  it('answers 400 naming the field for an unknown kind or a missing customerId, and 404 for a customer KGC does not know', async () => {
    const kind = await h.admin('GET', '/admin/campaigns/spam/preview?customerId=C-1');
    expect(kind.status).toBe(400);
    expect(kind.body.error.details[0].path).toBe('kind');
    const missing = await h.admin('GET', '/admin/campaigns/upsell/preview');
    expect(missing.status).toBe(400);
    expect(missing.body.error.details[0].path).toBe('customerId');
    const unknown = await h.admin('GET', '/admin/campaigns/upsell/preview?customerId=C-nobody-knows');
    expect(unknown.status, JSON.stringify(unknown.body)).toBe(404);
    expect(unknown.body.error.code).toBe('customer_not_found');
  });
});
