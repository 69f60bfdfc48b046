import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailOutbox, historyLedger, marketingOptOuts, partnerLinks } from '../../src/db/schema.js';
import type { upsell } from '../../src/workflows/upsell.js';
import { emailAddressHash } from '../../src/domain/erasure.js';
import { unsubscribeToken } from '../../src/domain/unsubscribe-token.js';
import type { marketingOptOut } from '../../src/workflows/marketing-opt-out.js';
import type { newProductCampaign } from '../../src/workflows/new-product-campaign.js';
import { workflowIds } from '../../src/contracts/workflow-ids.js';
import type { vipWelcome } from '../../src/workflows/vip-welcome.js';
import { eventually } from '../support/eventually.js';
import { historyText } from '../support/history-text.js';
import { maybeRecordHistory } from '../support/record-histories.js';
import { newCustomer, startHarness, type Harness } from '../support/harness.js';

/** Links in emails name the public address; the test reaches the same API on its own port. */
const publicBaseUrl = 'https://kgc.example.hu';
const unsubscribeSecret = 'test-unsubscribe-secret-0123456789abcdef';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ smtp: true, env: { PUBLIC_BASE_URL: publicBaseUrl, UNSUBSCRIBE_SECRET: unsubscribeSecret } });
});
afterAll(async () => {
  await h?.close();
});

const consented = (at = '2026-01-01T00:00:00Z') => ({ marketing_consent: { email: true, updated_at: at } });
const vipRun = (customerId: string) => h.client.workflow.getHandle<typeof vipWelcome>(`vip-welcome/${customerId}`);
const vipMails = (customerId: string) => h.smtp!.inbox().filter((m) => m.headers['x-kgc-email-key'] === `vip-welcome/${customerId}/vip_welcome`);
const localUrl = (link: string) => link.replace(publicBaseUrl, h.apiUrl);
const unfold = (header: string | undefined) => (header ?? '').replace(/\s+/g, '');

let rentalSeq = 0;
/**
 * Sends `count` signed rental.completed webhooks for the customer, one KGC rental id each; returns their ids.
 * Without `month` the rentals end in different months of 2025, so they never add up to an upsell month.
 */
async function completeRentals(customerId: string, count: number, o: { machine?: string; month?: string } = {}): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const rentalId = `R-${Date.now()}-${++rentalSeq}`;
    const month = o.month ?? `2025-${String((rentalSeq % 12) + 1).padStart(2, '0')}`;
    const data = { rental_id: rentalId, customer_id: customerId, machine_name: o.machine ?? 'Makita fúró', rental_start: `${month}-05`, rental_end: `${month}-07`, total_days: 2, total_cost: 10_000, status: 'completed' };
    const res = await h.send('rental.completed', data, { id: `evt-${rentalId}` });
    expect(res.status, `rental.completed ${i + 1} accepted`).toBe(202);
    ids.push(rentalId);
  }
  return ids;
}

/** Everyone this file made, for the scan of every workflow history at its end. */
const created: Array<{ customer_id: string; name: string; email: string; phone: string }> = [];

/** A KGC customer with an email address (the tests are about mailing it) and the given consent fields. */
function customerWith(consent: object = consented()) {
  const c = { ...newCustomer(), ...consent } as ReturnType<typeof newCustomer> & { email: string };
  h.kgc.putCustomer(c);
  created.push(c);
  return c;
}

describe('VIP welcome (seed 000 §13.2) with marketing consent', () => {
  it('the 10th completed rental makes a VIP: vipSince and aggregates in Twenty, one welcome email with one-click unsubscribe; the 11th and replays send nothing more', async () => {
    const c = customerWith();
    await h.send('customer.created', c);
    await completeRentals(c.customer_id, 9);
    await eventually(() => h.person(c.customer_id)?.totalRentals === 9, 'nine rentals in Twenty');
    expect(h.person(c.customer_id)?.vipSince ?? null, 'no VIP before the tenth rental').toBeNull();

    const started = Date.now();
    const [tenth] = await completeRentals(c.customer_id, 1);
    await eventually(() => h.person(c.customer_id)?.vipSince, 'vipSince on the Twenty person');
    expect(Date.now() - started, 'Twenty record within 30 s').toBeLessThan(30_000);
    await eventually(() => h.person(c.customer_id)?.totalRentals === 10, 'ten rentals in Twenty');
    expect(h.person(c.customer_id)).toMatchObject({ totalRentals: 10, totalRevenue: { amountMicros: 100_000 * 1_000_000, currencyCode: 'HUF' }, marketingEmailConsent: true });

    const [mail] = await eventually(() => (vipMails(c.customer_id).length > 0 ? vipMails(c.customer_id) : undefined), 'the VIP welcome email', 60_000);
    expect(Date.now() - started, 'email within 60 s').toBeLessThan(60_000);
    expect(mail).toMatchObject({ to: [c.email], subject: 'Köszönjük hűségét! VIP státusz – 10% kedvezmény' });
    expect(mail!.text).toContain('Már 10 alkalommal bérelt nálunk');
    const link = /leiratkozhat: (\S+)/.exec(mail!.text ?? '')?.[1];
    expect(link, 'visible unsubscribe link in the text part').toMatch(new RegExp(`^${publicBaseUrl}/unsubscribe\\?t=`));
    expect(mail!.html).toContain(`href="${link}"`);
    expect(unfold(mail!.headers['list-unsubscribe'])).toBe(`<${link}>`);
    expect(mail!.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect((await fetch(localUrl(link!))).status, 'the link in the email opens the confirmation page').toBe(200);
    expect(await vipRun(c.customer_id).result()).toEqual({ customerId: c.customer_id, outcome: 'vip', twenty: 'updated', email: 'sent' });

    // KGC retries the 10th delivery, and the 11th rental completes: still one email, vipSince unchanged.
    const vipSince = h.person(c.customer_id)!.vipSince;
    const tenthData = (await h.db.select().from(historyLedger).where(eq(historyLedger.kgcId, tenth!)))[0]!.payload;
    expect((await h.send('rental.completed', tenthData, { id: `evt-${tenth}` })).body.status).toBe('duplicate');
    await h.send('rental.completed', tenthData, { id: `evt-retry-${tenth}` });
    await completeRentals(c.customer_id, 1);
    await eventually(() => h.person(c.customer_id)?.totalRentals === 11, 'eleven rentals in Twenty');
    await new Promise((r) => setTimeout(r, 1_500));
    expect(vipMails(c.customer_id)).toHaveLength(1);
    expect(h.person(c.customer_id)!.vipSince).toBe(vipSince);

    await maybeRecordHistory(h, `vip-welcome/${c.customer_id}`, 'vip-welcome-sent');
    const history = historyText(await vipRun(c.customer_id).fetchHistory());
    for (const personal of [c.email, c.name, c.phone]) expect(history, 'no personal data in the VIP history').not.toContain(personal);
  });

  it('no consent in KGC: vipSince is set, the email is skipped', async () => {
    const c = customerWith({});
    await completeRentals(c.customer_id, 10);
    expect(await vipRun(c.customer_id).result()).toEqual({ customerId: c.customer_id, outcome: 'vip', twenty: 'updated', email: 'skipped', reason: 'no marketing consent' });
    expect(vipMails(c.customer_id)).toHaveLength(0);
    expect(h.person(c.customer_id)).toMatchObject({ vipSince: expect.any(String), marketingEmailConsent: false });
  });

  it('consent withdrawn in KGC between the trigger and the send: nothing is sent (consent is re-read at the send)', async () => {
    const c = customerWith();
    await completeRentals(c.customer_id, 9);
    await eventually(() => h.person(c.customer_id)?.totalRentals === 9, 'nine rentals in Twenty');
    // Twenty is down: the VIP run waits at its Twenty step, after the trigger and before the send.
    await h.twenty.faults.set({ down: true });
    try {
      await completeRentals(c.customer_id, 1);
      await eventually(async () => (await vipRun(c.customer_id).describe().catch(() => undefined))?.raw.pendingActivities?.length, 'the VIP run waiting on Twenty');
      h.kgc.putCustomer({ ...c, marketing_consent: { email: false, updated_at: new Date().toISOString() } });
    } finally {
      await h.twenty.faults.set({ down: false });
    }
    expect(await vipRun(c.customer_id).result()).toMatchObject({ outcome: 'vip', email: 'skipped', reason: 'no marketing consent' });
    expect(vipMails(c.customer_id)).toHaveLength(0);
    const [link] = await h.db.select().from(partnerLinks).where(eq(partnerLinks.customerId, c.customer_id));
    expect(link).toMatchObject({ marketingEmailConsent: false });
  });
});

describe('upsell and the frequency cap', () => {
  const upsellRun = (customerId: string, month: string) => h.client.workflow.getHandle<typeof upsell>(`upsell/${customerId}/${month}`);
  const upsellMails = (customerId: string) => h.smtp!.inbox().filter((m) => (m.headers['x-kgc-email-key'] ?? '').startsWith(`upsell/${customerId}:`));

  it('a fourth completed rental in one Budapest month sends the upsell naming the machine rented most; the VIP email in the same week is capped; another busy month within 90 days sends nothing', async () => {
    const c = customerWith();
    await completeRentals(c.customer_id, 1, { month: '2026-01', machine: 'Bosch csiszoló' });
    await completeRentals(c.customer_id, 2, { month: '2026-01', machine: 'Makita fúró' });
    expect(upsellMails(c.customer_id), 'three rentals in a month are not enough').toHaveLength(0);
    await completeRentals(c.customer_id, 1, { month: '2026-01', machine: 'Makita fúró' });
    expect(await upsellRun(c.customer_id, '2026-01').result()).toEqual({ customerId: c.customer_id, month: '2026-01', outcome: 'send', email: 'sent' });
    await maybeRecordHistory(h, `upsell/${c.customer_id}/2026-01`, 'upsell-sent');
    const [mail] = upsellMails(c.customer_id);
    expect(mail).toMatchObject({ subject: 'Gyakori bérlő? Vegye meg 15% kedvezménnyel!' });
    expect(mail!.text).toContain('Ebben a hónapban már 4 alkalommal bérelt nálunk, leggyakrabban ezt: Makita fúró.');
    expect(mail!.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');

    // Six more rentals make ten: a VIP, but the customer had a marketing email this week: the welcome waits for the
    // cap's window to end (test/e2e/campaign-timers.test.ts sees it sent).
    await completeRentals(c.customer_id, 6);
    const vipKey = `vip-welcome/${c.customer_id}/vip_welcome`;
    await eventually(async () => (await h.db.select().from(emailOutbox).where(eq(emailOutbox.key, vipKey)))[0]?.reason === 'frequency cap', 'the VIP welcome held back by the cap');
    expect((await vipRun(c.customer_id).describe()).status.name, 'the capped VIP welcome waits').toBe('RUNNING');
    expect(vipMails(c.customer_id)).toHaveLength(0);

    await completeRentals(c.customer_id, 4, { month: '2026-02' });
    expect(await upsellRun(c.customer_id, '2026-02').result()).toEqual({ customerId: c.customer_id, month: '2026-02', outcome: 'sent_recently' });
    expect(upsellMails(c.customer_id)).toHaveLength(1);
  });
});

describe('win-back', () => {
  const winBackMails = (customerId: string) => h.smtp!.inbox().filter((m) => (m.headers['x-kgc-email-key'] ?? '').startsWith(`win-back/${customerId}:`));
  const sweep = () => h.client.schedule.getHandle(`${h.taskQueue}/win-back-sweep`).trigger();

  it('the daily schedule mails a customer whose last rental ended over six months ago once per inactive period; a new rental ends the period', async () => {
    const c = customerWith();
    await completeRentals(c.customer_id, 1, { month: '2025-03' });
    await sweep();
    const run = h.client.workflow.getHandle(`win-back/${c.customer_id}/2025-03-07`);
    await eventually(() => run.describe().catch(() => undefined), 'the win-back run');
    expect(await run.result()).toEqual({ customerId: c.customer_id, outcome: 'send', email: 'sent' });
    const [mail] = winBackMails(c.customer_id);
    expect(mail).toMatchObject({ subject: 'Hiányzik! Íme 10% kedvezmény következő bérlésre' });
    expect(mail!.text).toContain('legutóbbi bérlése 2025. március 7.-én zárult');
    expect(mail!.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');

    // The next day's sweep: the same period, nothing more.
    await sweep();
    await new Promise((r) => setTimeout(r, 2_000));
    expect(winBackMails(c.customer_id)).toHaveLength(1);

    // A rental this month ends the inactive period: the customer is not inactive, nothing is started.
    await completeRentals(c.customer_id, 1, { month: new Date().toISOString().slice(0, 7) });
    await sweep();
    await new Promise((r) => setTimeout(r, 2_000));
    expect(winBackMails(c.customer_id)).toHaveLength(1);
    expect(h.smtp!.inbox().filter((m) => m.to?.includes(c.email))).toHaveLength(1);
    await maybeRecordHistory(h, run.workflowId, 'win-back-sent');
    const history = historyText(await run.fetchHistory());
    for (const personal of [c.email, c.name, c.phone]) expect(history).not.toContain(personal);
  });
});

describe('new-product campaign', () => {
  let n = 0;
  const productMails = (runId: string) => h.smtp!.inbox().filter((m) => (m.headers['x-kgc-email-key'] ?? '').startsWith(`new-product/${runId}:`));
  /** Customers who rented the category (by default in June 2025), as KGC's audience endpoint lists them. */
  function audience(category: string, consents: object[], rentedOn = '2025-06-01') {
    return consents.map((consent) => {
      const c = customerWith(consent);
      h.kgc.putRental({ rental_id: `R-NP-${Date.now()}-${++n}`, customer_id: c.customer_id, machine_name: 'gép', rental_start: rentedOn, rental_end: rentedOn, status: 'completed', category });
      return c;
    });
  }
  const start = async (body: object) => {
    const res = await h.admin('POST', '/admin/campaigns/new-product', body);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return { runId: res.body.runId as string, run: h.client.workflow.getHandle(res.body.workflowId as string) };
  };
  const progress = async (runId: string) => (await h.admin('GET', `/admin/campaigns/new-product/${runId}`)).body;

  it('sends to the audience with consent and reports sent, skipped for no consent, unsubscribed and capped', async () => {
    const category = `Makita fúrók ${Date.now()}`;
    h.kgc.putProduct({ sku: 'DHP486', name: 'Makita DHP486 ütvefúró', category, arrived_at: '2026-11-20' });
    const [willing, silent, leaving] = audience(category, [consented(), {}, consented()]);
    const token = unsubscribeToken(unsubscribeSecret, { customerId: leaving!.customer_id, emailHash: emailAddressHash(leaving!.email) }, Date.now() + 60_000);
    await fetch(`${h.apiUrl}/unsubscribe?t=${token}`, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });

    const first = await start({ category, since: '2025-01-01' });
    expect(await first.run.result()).toEqual({
      category,
      since: '2025-01-01',
      phase: 'done',
      processed: 3,
      sent: 1,
      skipped_no_consent: 1,
      capped: 0,
      unsubscribed: 1,
      rejected: 0,
      skipped_other: 0,
      listed: 3,
      moreToList: false,
      startedAt: expect.any(String),
      emailsPerMinute: 60,
    });
    expect(await progress(first.runId)).toMatchObject({ runId: first.runId, phase: 'done', sent: 1 });
    const mails = productMails(first.runId);
    expect(mails.map((m) => m.to)).toEqual([[willing!.email]]);
    expect(mails[0]).toMatchObject({ subject: `Új ${category} érkeztek, bérelje ki!` });
    expect(mails[0]!.text).toContain('Újdonságaink: Makita DHP486 ütvefúró.');
    expect(mails[0]!.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');

    // A second campaign the same week: the one who was mailed is capped now.
    const second = await start({ category, since: '2025-01-01' });
    expect(await second.run.result()).toMatchObject({ processed: 3, sent: 0, capped: 1, skipped_no_consent: 1, unsubscribed: 1 });
    expect(productMails(second.runId)).toHaveLength(0);
    const history = historyText(await first.run.fetchHistory());
    for (const c of [willing!, silent!, leaving!]) for (const personal of [c.email, c.name, c.phone]) expect(history).not.toContain(personal);
  });

  it('walks a large audience page by page, one run per page, and mails each recipient once', async () => {
    const category = `Hilti vésők ${Date.now()}`;
    const recipients = audience(category, [consented(), consented(), consented(), consented(), consented()]);
    const runId = `pages-${Date.now()}`;
    const run = await h.client.workflow.start<typeof newProductCampaign>('newProductCampaign', {
      workflowId: workflowIds.newProduct(runId),
      taskQueue: h.taskQueue,
      args: [{ runId, category, since: '2025-01-01', emailsPerMinute: 6000, pageSize: 2 }],
    });
    expect(await run.result()).toMatchObject({ phase: 'done', processed: 5, sent: 5 });
    const firstRun = await h.client.workflow.getHandle(run.workflowId, run.firstExecutionRunId).fetchHistory();
    expect(firstRun.events!.at(-1)!.workflowExecutionContinuedAsNewEventAttributes, 'the first page ended by continuing as new').toBeTruthy();
    expect(productMails(runId).map((m) => m.to[0]).sort()).toEqual(recipients.map((c) => c.email).sort());
  });

  it('pauses, resumes and is cancelled by the admin; nobody is mailed while paused or after the cancel', async () => {
    const category = `Bosch csiszolók ${Date.now()}`;
    // Rented a month ago: inside the default audience window (the last 12 months), which this start relies on.
    audience(category, [consented(), consented(), consented(), consented(), consented(), consented()], new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10));
    audience(category, [consented()], '2024-06-01');
    const { runId, run } = await start({ category });
    await eventually(async () => (await progress(runId)).processed >= 1, 'the first email');
    expect((await h.admin('POST', `/admin/campaigns/new-product/${runId}/pause`)).status).toBe(202);
    await eventually(async () => (await progress(runId)).phase === 'paused', 'paused');
    await new Promise((r) => setTimeout(r, 1_500));
    const held = (await progress(runId)).processed;
    await new Promise((r) => setTimeout(r, 2_500));
    expect((await progress(runId)).processed, 'nothing sent while paused').toBe(held);
    expect(productMails(runId)).toHaveLength(held);

    expect((await h.admin('POST', `/admin/campaigns/new-product/${runId}/resume`)).status).toBe(202);
    await eventually(async () => (await progress(runId)).processed > held, 'sending again after resume');
    expect((await h.admin('POST', `/admin/campaigns/new-product/${runId}/cancel`)).status).toBe(202);
    const report = await run.result();
    expect(report.phase).toBe('cancelled');
    await maybeRecordHistory(h, run.workflowId, 'new-product-paused-resumed-cancelled');
    expect(report.processed, 'cancelled before the end of the audience (six in the last 12 months)').toBeLessThan(6);
    expect(productMails(runId)).toHaveLength(report.sent);
    expect((await h.admin('POST', `/admin/campaigns/new-product/${runId}/resume`)).status, 'a finished campaign takes no more signals').toBe(409);
  });

  it('refuses a start without a category or with an impossible date, naming the field', async () => {
    const empty = await h.admin('POST', '/admin/campaigns/new-product', { category: ' ' });
    expect(empty).toMatchObject({ status: 400, body: { error: { code: 'invalid_body', details: [{ path: 'category' }] } } });
    const badDate = await h.admin('POST', '/admin/campaigns/new-product', { category: 'Makita fúrók', since: '2026-02-30' });
    expect(badDate).toMatchObject({ status: 400, body: { error: { details: [{ path: 'since' }] } } });
    expect((await h.admin('GET', '/admin/campaigns/new-product/nope')).status).toBe(404);
  });
});

describe('unsubscribe link (RFC 8058)', () => {
  const tokenFor = (customerId: string, email: string, expiresAtMs = Date.now() + 3_600_000) => unsubscribeToken(unsubscribeSecret, { customerId, emailHash: emailAddressHash(email) }, expiresAtMs);
  const optOutRun = (customerId: string) => h.client.workflow.getHandle<typeof marketingOptOut>(`marketing-opt-out/${customerId}`);
  const optOutOf = async (email: string) => (await h.db.select().from(marketingOptOuts).where(eq(marketingOptOuts.emailHash, emailAddressHash(email))))[0];

  it('GET shows a Hungarian confirmation and changes nothing; POST from the page unsubscribes, tells KGC and Twenty', async () => {
    const c = customerWith();
    await h.send('customer.created', c);
    await eventually(() => h.person(c.customer_id)?.marketingEmailConsent === true, 'consent on the Twenty person');
    const url = `${h.apiUrl}/unsubscribe?t=${tokenFor(c.customer_id, c.email)}`;

    const page = await fetch(url);
    expect(page.status).toBe(200);
    const body = await page.text();
    expect(body).toContain('Biztosan nem szeretne több ajánlatot');
    expect(body).toContain('<form method="post"');
    expect(await optOutOf(c.email), 'GET alone unsubscribes nobody').toBeUndefined();

    const confirmed = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'confirm=yes' });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain('Sikeresen leiratkozott');
    expect(await optOutOf(c.email)).toMatchObject({ customerId: c.customer_id, source: 'unsubscribe_link' });

    expect(await optOutRun(c.customer_id).result()).toEqual({ customerId: c.customer_id, kgc: 'reported', twenty: 'updated' });
    expect(h.kgc.consentWrites.filter((w) => w.customer_id === c.customer_id)).toMatchObject([{ email: false, source: 'unsubscribe_link' }]);
    expect(h.kgc.customer(c.customer_id)?.marketing_consent).toMatchObject({ email: false });
    expect(h.person(c.customer_id)?.marketingEmailConsent).toBe(false);
    const history = historyText(await optOutRun(c.customer_id).fetchHistory());
    expect(history).not.toContain(c.email);
  });

  it('one-click POST from the mail client (List-Unsubscribe=One-Click) unsubscribes without the page; a second click is harmless', async () => {
    const c = customerWith();
    const url = `${h.apiUrl}/unsubscribe?t=${tokenFor(c.customer_id, c.email)}`;
    for (let i = 0; i < 2; i++) {
      const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
      expect(res.status).toBe(200);
      await optOutRun(c.customer_id).result();
    }
    expect(await optOutOf(c.email)).toMatchObject({ customerId: c.customer_id });
    expect(h.kgc.customer(c.customer_id)?.marketing_consent).toMatchObject({ email: false });
  });

  it('an expired link answers 410, a forged or malformed one 400, and neither changes anything', async () => {
    const c = customerWith();
    const expired = tokenFor(c.customer_id, c.email, Date.now() - 1_000);
    const [payload, signature] = tokenFor(c.customer_id, c.email).split('.');
    const otherCustomer = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), c: 'C-someone-else' })).toString('base64url');
    const forgedSignature = tokenFor(c.customer_id, c.email).replace(/.$/, (ch) => (ch === 'A' ? 'B' : 'A'));
    const cases: Array<[string, number, string]> = [
      [expired, 410, 'A leiratkozási link lejárt'],
      [`${otherCustomer}.${signature}`, 400, 'Érvénytelen leiratkozási link'],
      [forgedSignature, 400, 'Érvénytelen leiratkozási link'],
      ['not-a-token', 400, 'Érvénytelen leiratkozási link'],
    ];
    for (const [token, status, text] of cases) {
      for (const method of ['GET', 'POST']) {
        const res = await fetch(`${h.apiUrl}/unsubscribe?t=${encodeURIComponent(token)}`, { method, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, ...(method === 'POST' ? { body: 'List-Unsubscribe=One-Click' } : {}) });
        expect(res.status, `${method} ${token.slice(0, 12)}…`).toBe(status);
        expect(await res.text()).toContain(text);
      }
    }
    expect(await optOutOf(c.email)).toBeUndefined();
    expect(h.kgc.consentWrites.filter((w) => w.customer_id === c.customer_id)).toHaveLength(0);
  });

  it('KGC down at the unsubscribe: the opt-out is stored at once and reported once KGC answers', async () => {
    const c = customerWith();
    await h.kgc.faults.set({ down: true });
    try {
      const res = await fetch(`${h.apiUrl}/unsubscribe?t=${tokenFor(c.customer_id, c.email)}`, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
      expect(res.status).toBe(200);
      expect(await optOutOf(c.email)).toMatchObject({ reportedToKgcAt: null });
      await eventually(async () => ((await optOutRun(c.customer_id).describe()).raw.pendingActivities?.[0]?.attempt ?? 0) >= 2, 'a retried KGC report');
    } finally {
      await h.kgc.faults.set({ down: false });
    }
    expect((await optOutRun(c.customer_id).result()).kgc).toBe('reported');
    await maybeRecordHistory(h, `marketing-opt-out/${c.customer_id}`, 'marketing-opt-out-retried');
    expect(await optOutOf(c.email)).toMatchObject({ reportedToKgcAt: expect.any(Date) });
  });

  it('an unsubscribed address survives the erasure as a hash: re-created under a new customer it gets no marketing email until KGC records new consent', async () => {
    const first = customerWith();
    await h.send('customer.created', first);
    await fetch(`${h.apiUrl}/unsubscribe?t=${tokenFor(first.customer_id, first.email)}`, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    await optOutRun(first.customer_id).result();
    const optedOutAt = (await optOutOf(first.email))!.optedOutAt;

    h.kgc.deleteCustomer(first.customer_id);
    await h.send('customer.deleted', { customer_id: first.customer_id, gdpr_reason: 'customer_request' });
    await h.client.workflow.getHandle(`gdpr-delete/${first.customer_id}`).result();
    expect(await optOutOf(first.email), 'the opt-out is kept, without the customer').toMatchObject({ customerId: null, optedOutAt });

    // The same person comes back as a new KGC customer; KGC still carries the consent given before the opt-out.
    const again = customerWith({ email: first.email, ...consented(new Date(optedOutAt.getTime() - 60_000).toISOString()) });
    await completeRentals(again.customer_id, 10);
    expect(await vipRun(again.customer_id).result()).toMatchObject({ outcome: 'vip', email: 'skipped', reason: 'unsubscribed' });
    expect(vipMails(again.customer_id)).toHaveLength(0);
    expect(h.person(again.customer_id)?.marketingEmailConsent).toBe(false);

    // The skip is on record with its reason.
    const [row] = await h.db.select().from(emailOutbox).where(eq(emailOutbox.key, `vip-welcome/${again.customer_id}/vip_welcome`));
    expect(row).toMatchObject({ state: 'skipped', reason: 'unsubscribed' });

    // KGC records consent given after the unsubscribe: the next campaign mails the returning customer.
    h.kgc.putCustomer({ ...again, ...consented(new Date().toISOString()) });
    const category = `Stihl fűrészek ${Date.now()}`;
    h.kgc.putRental({ rental_id: `R-BACK-${Date.now()}`, customer_id: again.customer_id, machine_name: 'gép', rental_start: '2025-06-01', rental_end: '2025-06-01', status: 'completed', category });
    const started = await h.admin('POST', '/admin/campaigns/new-product', { category, since: '2025-01-01' });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(await h.client.workflow.getHandle(started.body.workflowId as string).result(), 'new consent: mailed again').toMatchObject({ processed: 1, sent: 1 });
    expect(h.smtp!.inbox().filter((m) => m.to.includes(first.email)).map((m) => m.headers['x-kgc-email-key'])).toEqual([`new-product/${started.body.runId}:${again.customer_id}/new_product`]);
  });
});

describe('workflow histories', () => {
  it("no workflow this file ran (campaigns, opt-outs, sweeps, syncs, erasure) holds a customer's name, address or phone", async () => {
    const terms = created.flatMap((c) => [c.name, c.email, c.phone]);
    const types = new Set<string>();
    const found: string[] = [];
    const idsSeen = new Set<string>();
    for await (const wf of h.client.workflow.list({ query: `TaskQueue = "${h.taskQueue}"` })) {
      types.add(wf.type);
      const text = historyText(await h.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory());
      found.push(...terms.filter((t) => text.includes(t)).map((t) => `${wf.workflowId} (${wf.runId}) contains "${t}"`));
      for (const c of created) if (text.includes(c.customer_id)) idsSeen.add(c.customer_id);
    }
    expect(idsSeen.size, 'the scan reads the payloads: customer ids are found in them').toBeGreaterThan(0);
    expect([...types], 'the scan saw every campaign').toEqual(expect.arrayContaining(['vipWelcome', 'upsell', 'winBackSweep', 'winBack', 'newProductCampaign', 'marketingOptOut', 'gdprCascadeDelete']));
    expect(found).toEqual([]);
  });
});
