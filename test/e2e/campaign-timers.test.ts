import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowIds } from '../../src/contracts/workflow-ids.js';
import { integrationLog, emailOutbox, historyLedger, marketingEmailCaps } from '../../src/db/schema.js';
import type { newProductCampaign } from '../../src/workflows/new-product-campaign.js';
import type { upsell } from '../../src/workflows/upsell.js';
import type { vipWelcome } from '../../src/workflows/vip-welcome.js';
import type { winBack } from '../../src/workflows/win-back.js';
import { eventually } from '../support/eventually.js';
import { historyText } from '../support/history-text.js';
import { maybeRecordHistory } from '../support/record-histories.js';
import { newCustomer, startHarness, type Harness } from '../support/harness.js';

/**
 * The campaigns' clocks shortened through the service's own settings, on the real dev server and real time: the
 * frequency cap (MARKETING_EMAIL_MIN_INTERVAL), the longest wait for it (MARKETING_CAP_WAIT_LIMIT) and the
 * win-back's inactivity (WIN_BACK_INACTIVE_AFTER).
 */
const minIntervalMs = 15_000;
/** Longer than one wait for the cap (at most the interval), shorter than two. */
const capWaitLimitMs = 20_000;
const inactiveMs = 6_000;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    smtp: true,
    env: {
      PUBLIC_BASE_URL: 'https://kgc.example.hu',
      UNSUBSCRIBE_SECRET: 'campaign-timers-unsubscribe-secret-0123456',
      MARKETING_EMAIL_MIN_INTERVAL: `${minIntervalMs / 1000}s`,
      MARKETING_CAP_WAIT_LIMIT: `${capWaitLimitMs / 1000}s`,
      WIN_BACK_INACTIVE_AFTER: `${inactiveMs / 1000}s`,
      NEW_PRODUCT_EMAILS_PER_MINUTE: '6000',
    },
  });
});
afterAll(async () => {
  await h?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const consented = { marketing_consent: { email: true, updated_at: '2026-01-01T00:00:00Z' } };
function customerWithConsent() {
  const c = { ...newCustomer(), ...consented } as ReturnType<typeof newCustomer> & { email: string };
  h.kgc.putCustomer(c);
  return c;
}
const winBackMails = (customerId: string) => h.smtp!.inbox().filter((m) => (m.headers['x-kgc-email-key'] ?? '').startsWith(`win-back/${customerId}:`));
const winBackRun = (customerId: string, period: string) => h.client.workflow.getHandle<typeof winBack>(workflowIds.winBack(customerId, period));
const capOf = async (customerId: string) => (await h.db.select().from(marketingEmailCaps).where(eq(marketingEmailCaps.customerId, customerId)))[0];

let rentalSeq = 0;
/** A signed rental.completed that ended at `endedAt` (KGC's time, UTC), once it is in the ledger. */
async function rentalEnded(customerId: string, endedAt: Date): Promise<string> {
  const rentalId = `R-TIMER-${Date.now()}-${++rentalSeq}`;
  const end = endedAt.toISOString();
  const data = { rental_id: rentalId, customer_id: customerId, machine_name: 'Makita fúró', rental_start: end.slice(0, 10), rental_end: end, total_days: 1, total_cost: 5_000, status: 'completed' };
  expect((await h.send('rental.completed', data, { id: `evt-${rentalId}` })).status).toBe(202);
  await eventually(async () => (await h.db.select().from(historyLedger).where(and(eq(historyLedger.kind, 'rental'), eq(historyLedger.kgcId, rentalId)))).length === 1, 'the rental in the ledger');
  return end;
}

/** Triggers the daily win-back sweep now and waits for that sweep to finish. */
async function sweep(): Promise<void> {
  const schedule = h.client.schedule.getHandle(`${h.taskQueue}/win-back-sweep`);
  const before = (await schedule.describe()).info.numActionsTaken;
  await schedule.trigger();
  const action = await eventually(async () => {
    const info = (await schedule.describe()).info;
    return info.numActionsTaken > before ? info.recentActions.at(-1)!.action : undefined;
  }, 'the triggered sweep');
  await h.client.workflow.getHandle(action.workflow.workflowId, action.workflow.firstExecutionRunId).result();
}

describe('frequency cap with MARKETING_EMAIL_MIN_INTERVAL shortened', () => {
  it("holds back a second campaign's email inside the interval and sends it once the interval after the first email's slot has passed", async () => {
    const c = customerWithConsent();
    const category = `Hilti vésők ${Date.now()}`;
    h.kgc.putRental({ rental_id: `R-NP-${Date.now()}`, customer_id: c.customer_id, machine_name: 'gép', rental_start: '2025-06-01', rental_end: '2025-06-01', status: 'completed', category });
    const runId = `timers-${Date.now()}`;
    const campaign = await h.client.workflow.start<typeof newProductCampaign>('newProductCampaign', {
      workflowId: workflowIds.newProduct(runId),
      taskQueue: h.taskQueue,
      args: [{ runId, category, since: '2025-01-01', emailsPerMinute: 6000 }],
    });
    expect(await campaign.result(), 'the first campaign mails the customer').toMatchObject({ sent: 1 });
    const firstSlot = (await capOf(c.customer_id))!;
    expect(firstSlot.emailKey).toBe(`new-product/${runId}:${c.customer_id}/new_product`);

    // The second campaign: the customer's last rental ended inactiveMs ago, inside the cap's interval.
    const period = await rentalEnded(c.customer_id, new Date());
    await sleep(inactiveMs + 500);
    await sweep();
    const capped = await winBackRun(c.customer_id, period).result();
    expect(Date.now() - firstSlot.sentAt.getTime(), 'the win-back was decided inside the interval (else the machine was too slow for this test)').toBeLessThan(minIntervalMs);
    expect(capped).toEqual({ customerId: c.customer_id, outcome: 'send', email: 'skipped', reason: 'frequency cap' });
    expect(winBackMails(c.customer_id), 'capped: nothing sent').toHaveLength(0);

    // The cap counts from the moment the first email took its slot (just before its SMTP send); a send is allowed
    // once that moment is more than the interval ago. The next sweep after that sends the held-back email.
    await sleep(firstSlot.sentAt.getTime() + minIntervalMs + 500 - Date.now());
    await sweep();
    const [mail] = await eventually(() => (winBackMails(c.customer_id).length > 0 ? winBackMails(c.customer_id) : undefined), 'the win-back email after the interval');
    expect(mail).toMatchObject({ to: [c.email], subject: 'Hiányzik! Íme 10% kedvezmény következő bérlésre' });
    const secondSlot = (await capOf(c.customer_id))!;
    expect(secondSlot.emailKey).toBe(`win-back/${c.customer_id}:${period}/win_back`);
    expect(secondSlot.sentAt.getTime() - firstSlot.sentAt.getTime(), 'the second slot is taken only after the interval').toBeGreaterThan(minIntervalMs);
    // The inbox has the email as soon as SMTP accepts it; the outbox row is settled just after.
    await eventually(async () => (await h.db.select().from(emailOutbox).where(eq(emailOutbox.key, secondSlot.emailKey)))[0]?.state === 'sent', 'the win-back outbox row settled as sent');

    await sweep();
    expect(winBackMails(c.customer_id), 'one email for the period').toHaveLength(1);
  }, 120_000);
});

describe('win-back with WIN_BACK_INACTIVE_AFTER shortened', () => {
  it('a customer becomes inactive seconds after the last rental ended and gets one email per inactive period; a new rental ends the period', async () => {
    const c = customerWithConsent();
    const firstEnd = Date.now();
    const firstPeriod = await rentalEnded(c.customer_id, new Date(firstEnd));
    await sweep();
    expect(Date.now() - firstEnd, 'the sweep ran before the customer was inactive (else the machine was too slow for this test)').toBeLessThan(inactiveMs);
    await expect(winBackRun(c.customer_id, firstPeriod).describe(), 'still active: no win-back started').rejects.toThrow();

    await sleep(firstEnd + inactiveMs + 500 - Date.now());
    await sweep();
    expect(await winBackRun(c.customer_id, firstPeriod).result()).toEqual({ customerId: c.customer_id, outcome: 'send', email: 'sent' });
    expect(winBackMails(c.customer_id)).toHaveLength(1);
    await sweep();
    expect(winBackMails(c.customer_id), 'the same inactive period: nothing more').toHaveLength(1);

    // A new rental the same day ends the period; the customer is active until inactiveMs after it.
    const secondEnd = Date.now();
    const secondPeriod = await rentalEnded(c.customer_id, new Date(secondEnd));
    expect(secondPeriod.slice(0, 10), 'both rentals ended on one day: the period is named by the time').toBe(firstPeriod.slice(0, 10));
    await sweep();
    expect(Date.now() - secondEnd, 'the sweep ran before the customer was inactive again').toBeLessThan(inactiveMs);
    expect(winBackMails(c.customer_id), 'active again: no email').toHaveLength(1);
    await expect(winBackRun(c.customer_id, secondPeriod).describe(), 'no win-back for the new period yet').rejects.toThrow();

    // A new inactive period: a second email, once the frequency cap since the first has passed too.
    const firstSentAt = (await capOf(c.customer_id))!.sentAt.getTime();
    await sleep(Math.max(secondEnd + inactiveMs, firstSentAt + minIntervalMs) + 500 - Date.now());
    await sweep();
    expect(await winBackRun(c.customer_id, secondPeriod).result()).toEqual({ customerId: c.customer_id, outcome: 'send', email: 'sent' });
    await sweep();
    const keys = winBackMails(c.customer_id).map((m) => m.headers['x-kgc-email-key']);
    expect(keys, 'one email for each inactive period').toEqual([`win-back/${c.customer_id}:${firstPeriod}/win_back`, `win-back/${c.customer_id}:${secondPeriod}/win_back`]);

    for (const period of [firstPeriod, secondPeriod]) {
      const history = historyText(await winBackRun(c.customer_id, period).fetchHistory());
      for (const personal of [c.email, c.name, c.phone]) expect(history, 'no personal data in the win-back history').not.toContain(personal);
    }
  }, 120_000);
});

describe('a VIP welcome or upsell held back by the frequency cap waits for the cap (MARKETING_EMAIL_MIN_INTERVAL shortened)', () => {
  const mailsWithKey = (key: string) => h.smtp!.inbox().filter((m) => m.headers['x-kgc-email-key'] === key);
  const outboxRow = async (key: string) => (await h.db.select().from(emailOutbox).where(eq(emailOutbox.key, key)))[0];
  const vipKey = (customerId: string) => `vip-welcome/${customerId}/vip_welcome`;
  const upsellKeyOf = (customerId: string, month: string) => `upsell/${customerId}:${month}/upsell`;
  const vipRun = (customerId: string) => h.client.workflow.getHandle<typeof vipWelcome>(workflowIds.vipWelcome(customerId));
  let capSeq = 0;

  /** A new-product email to the customer takes the marketing slot now; returns that slot. */
  async function otherCampaignTakesTheSlot(customerId: string) {
    const category = `Bosch gyaluk ${Date.now()}-${++capSeq}`;
    h.kgc.putRental({ rental_id: `R-CAP-${Date.now()}-${capSeq}`, customer_id: customerId, machine_name: 'gép', rental_start: '2025-06-01', rental_end: '2025-06-01', status: 'completed', category });
    const runId = `cap-wait-${Date.now()}-${capSeq}`;
    const campaign = await h.client.workflow.start<typeof newProductCampaign>('newProductCampaign', {
      workflowId: workflowIds.newProduct(runId),
      taskQueue: h.taskQueue,
      args: [{ runId, category, since: '2025-01-01', emailsPerMinute: 6000 }],
    });
    expect(await campaign.result(), 'the other campaign mails the customer').toMatchObject({ sent: 1 });
    return (await capOf(customerId))!;
  }

  /** Signed rental.completed webhooks, all ending in `month` (default: each in its own 2024 month, no upsell). */
  async function completeRentals(customerId: string, count: number, month?: string): Promise<void> {
    for (let i = 0; i < count; i++) {
      const rentalId = `R-CAPW-${Date.now()}-${++rentalSeq}`;
      const m = month ?? `2024-${String((i % 12) + 1).padStart(2, '0')}`;
      const data = { rental_id: rentalId, customer_id: customerId, machine_name: 'Makita fúró', rental_start: `${m}-05`, rental_end: `${m}-07`, total_days: 2, total_cost: 10_000, status: 'completed' };
      expect((await h.send('rental.completed', data, { id: `evt-${rentalId}` })).status, `rental.completed ${i + 1} accepted`).toBe(202);
    }
  }

  /** The tenth rental makes the customer a VIP; resolves once the welcome is held back by the cap. */
  async function cappedVipWelcome(customerId: string) {
    await completeRentals(customerId, 10);
    await eventually(async () => (await outboxRow(vipKey(customerId)))?.reason === 'frequency cap', 'the VIP welcome held back by the cap');
    expect((await vipRun(customerId).describe()).status.name, 'the capped VIP welcome waits').toBe('RUNNING');
    expect(mailsWithKey(vipKey(customerId)), 'capped: nothing sent yet').toHaveLength(0);
  }

  it('a VIP welcome capped by another campaign email just sent goes out once the interval has passed, exactly once', async () => {
    const c = customerWithConsent();
    const firstSlot = await otherCampaignTakesTheSlot(c.customer_id);
    await cappedVipWelcome(c.customer_id);
    expect(Date.now() - firstSlot.sentAt.getTime(), 'the VIP welcome was capped inside the interval (else the machine was too slow for this test)').toBeLessThan(minIntervalMs);

    expect(await vipRun(c.customer_id).result()).toEqual({ customerId: c.customer_id, outcome: 'vip', twenty: 'updated', email: 'sent' });
    const [mail] = mailsWithKey(vipKey(c.customer_id));
    expect(mail).toMatchObject({ to: [c.email], subject: 'Köszönjük hűségét! VIP státusz – 10% kedvezmény' });
    const slot = (await capOf(c.customer_id))!;
    expect(slot.emailKey).toBe(vipKey(c.customer_id));
    expect(slot.sentAt.getTime() - firstSlot.sentAt.getTime(), 'sent only after the interval').toBeGreaterThan(minIntervalMs);
    expect(await outboxRow(vipKey(c.customer_id))).toMatchObject({ state: 'sent', reason: expect.not.stringContaining('frequency cap') });

    // The 11th rental and a repeated delivery of it start nothing more.
    await completeRentals(c.customer_id, 1);
    await sleep(1_500);
    expect(mailsWithKey(vipKey(c.customer_id)), 'one VIP welcome, ever').toHaveLength(1);

    await maybeRecordHistory(h, workflowIds.vipWelcome(c.customer_id), 'vip-welcome-capped-then-sent');
    const history = await vipRun(c.customer_id).fetchHistory();
    expect(history.events?.some((e) => e.timerStartedEventAttributes), 'the wait is a durable timer').toBe(true);
    for (const personal of [c.email, c.name, c.phone]) expect(historyText(history), 'no personal data in the waiting VIP history').not.toContain(personal);
  }, 120_000);

  it('an upsell capped by another campaign email just sent goes out once the interval has passed, exactly once', async () => {
    const c = customerWithConsent();
    const month = '2025-11';
    const key = upsellKeyOf(c.customer_id, month);
    const firstSlot = await otherCampaignTakesTheSlot(c.customer_id);
    await completeRentals(c.customer_id, 4, month);
    await eventually(async () => (await outboxRow(key))?.reason === 'frequency cap', 'the upsell held back by the cap');
    const run = h.client.workflow.getHandle<typeof upsell>(workflowIds.upsell(c.customer_id, month));
    expect((await run.describe()).status.name, 'the capped upsell waits').toBe('RUNNING');
    expect(Date.now() - firstSlot.sentAt.getTime(), 'the upsell was capped inside the interval (else the machine was too slow for this test)').toBeLessThan(minIntervalMs);
    expect(mailsWithKey(key)).toHaveLength(0);

    expect(await run.result()).toEqual({ customerId: c.customer_id, month, outcome: 'send', email: 'sent' });
    expect(mailsWithKey(key)).toHaveLength(1);
    expect(mailsWithKey(key)[0]).toMatchObject({ to: [c.email], subject: 'Gyakori bérlő? Vegye meg 15% kedvezménnyel!' });
    expect((await capOf(c.customer_id))!.sentAt.getTime() - firstSlot.sentAt.getTime(), 'sent only after the interval').toBeGreaterThan(minIntervalMs);
    await maybeRecordHistory(h, workflowIds.upsell(c.customer_id, month), 'upsell-capped-then-sent');
  }, 120_000);

  it('a VIP welcome and an upsell waiting for the same slot: one takes it, the other is capped again and, past MARKETING_CAP_WAIT_LIMIT, given up with its reason', async () => {
    const c = customerWithConsent();
    const month = '2025-10';
    const upsellKey = upsellKeyOf(c.customer_id, month);
    const firstSlot = await otherCampaignTakesTheSlot(c.customer_id);
    await completeRentals(c.customer_id, 4, month);
    await completeRentals(c.customer_id, 6);
    await eventually(async () => (await outboxRow(upsellKey))?.reason === 'frequency cap', 'the upsell held back by the cap');
    await eventually(async () => (await outboxRow(vipKey(c.customer_id)))?.reason === 'frequency cap', 'the VIP welcome held back by the cap');
    expect(Date.now() - firstSlot.sentAt.getTime(), 'both were capped inside the interval (else the machine was too slow for this test)').toBeLessThan(minIntervalMs);

    const upsellResult = await h.client.workflow.getHandle<typeof upsell>(workflowIds.upsell(c.customer_id, month)).result();
    const vipResult = await vipRun(c.customer_id).result();
    const givenUp = 'frequency cap: still capped at the end of the longest wait, given up';
    const outcomes = [vipResult.email === 'sent' ? 'vip' : vipResult.reason, upsellResult.email === 'sent' ? 'upsell' : upsellResult.reason].sort();
    expect(outcomes, 'one of the two went out, the other was capped by it and then given up').toEqual(vipResult.email === 'sent' ? [givenUp, 'vip'] : [givenUp, 'upsell']);
    const winner = vipResult.email === 'sent' ? vipKey(c.customer_id) : upsellKey;
    const loser = winner === upsellKey ? vipKey(c.customer_id) : upsellKey;
    expect(mailsWithKey(winner)).toHaveLength(1);
    expect(mailsWithKey(loser), 'the given-up email was never sent').toHaveLength(0);
    expect(await outboxRow(loser)).toMatchObject({ state: 'skipped', reason: givenUp });
    const audits = await h.db.select().from(integrationLog).where(and(eq(integrationLog.customerId, c.customer_id), eq(integrationLog.detail, `${loser}: ${givenUp}`)));
    expect(audits, 'the give-up is audited').toHaveLength(1);
  }, 120_000);

  it('consent withdrawn in KGC during the wait: nothing is sent and the reason is on record', async () => {
    const c = customerWithConsent();
    await otherCampaignTakesTheSlot(c.customer_id);
    await cappedVipWelcome(c.customer_id);
    h.kgc.putCustomer({ ...c, marketing_consent: { email: false, updated_at: new Date().toISOString() } });

    expect(await vipRun(c.customer_id).result()).toEqual({ customerId: c.customer_id, outcome: 'vip', twenty: 'updated', email: 'skipped', reason: 'no marketing consent' });
    expect(mailsWithKey(vipKey(c.customer_id)), 'no consent at the retry: nothing sent').toHaveLength(0);
    expect(await outboxRow(vipKey(c.customer_id))).toMatchObject({ state: 'skipped', reason: 'no marketing consent' });
    const [audit] = await h.db
      .select()
      .from(integrationLog)
      .where(and(eq(integrationLog.customerId, c.customer_id), eq(integrationLog.eventType, 'email.vip_welcome'), eq(integrationLog.detail, `${vipKey(c.customer_id)}: no marketing consent`)));
    expect(audit, 'the skip is audited with its reason').toMatchObject({ status: 'skipped' });
  }, 120_000);

  it('the customer erased during the wait: the erasure stops the waiting VIP welcome and nothing is sent', async () => {
    const c = customerWithConsent();
    const firstSlot = await otherCampaignTakesTheSlot(c.customer_id);
    await cappedVipWelcome(c.customer_id);

    h.kgc.deleteCustomer(c.customer_id);
    expect((await h.send('customer.deleted', { customer_id: c.customer_id, gdpr_reason: 'customer_request' })).status).toBe(202);
    await h.client.workflow.getHandle(`gdpr-delete/${c.customer_id}`).result();
    expect((await vipRun(c.customer_id).describe()).status.name, 'the erasure cancelled the waiting run').toBe('CANCELLED');

    // Past the moment the wait would have ended: still nothing.
    await sleep(firstSlot.sentAt.getTime() + minIntervalMs + 2_000 - Date.now());
    expect(mailsWithKey(vipKey(c.customer_id)), 'erased: no VIP welcome').toHaveLength(0);
    expect(h.smtp!.inbox().filter((m) => m.to.includes(c.email)).map((m) => m.headers['x-kgc-email-key']), 'only the earlier campaign email reached the address').toHaveLength(1);
  }, 120_000);
});
