import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowIds } from '../../src/contracts/workflow-ids.js';
import { emailOutbox, historyLedger, marketingEmailCaps } from '../../src/db/schema.js';
import type { newProductCampaign } from '../../src/workflows/new-product-campaign.js';
import type { winBack } from '../../src/workflows/win-back.js';
import { eventually } from '../support/eventually.js';
import { historyText } from '../support/history-text.js';
import { newCustomer, startHarness, type Harness } from '../support/harness.js';

/**
 * The campaigns' clocks shortened through the service's own settings, on the real dev server and real time: the
 * frequency cap (MARKETING_EMAIL_MIN_INTERVAL) and the win-back's inactivity (WIN_BACK_INACTIVE_AFTER).
 */
const minIntervalMs = 15_000;
const inactiveMs = 6_000;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    smtp: true,
    env: {
      PUBLIC_BASE_URL: 'https://kgc.example.hu',
      UNSUBSCRIBE_SECRET: 'campaign-timers-unsubscribe-secret-0123456',
      MARKETING_EMAIL_MIN_INTERVAL: `${minIntervalMs / 1000}s`,
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
    const [outbox] = await h.db.select().from(emailOutbox).where(eq(emailOutbox.key, secondSlot.emailKey));
    expect(outbox).toMatchObject({ state: 'sent' });

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
