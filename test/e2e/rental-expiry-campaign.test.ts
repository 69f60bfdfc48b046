import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localIsoDate } from '../../src/domain/rental-expiry-timing.js';
import { kgcCustomerIdKey } from '../../src/contracts/search-attributes.js';
import { emailOutbox } from '../../src/db/schema.js';
import { type rentalExpiryCampaign } from '../../src/workflows/rental-expiry-campaign.js';
import type { rentalReminderSweep } from '../../src/workflows/rental-reminder-sweep.js';
import { budapestIso, eventually } from '../support/eventually.js';
import { newCustomer, startHarness, type Harness } from '../support/harness.js';
import { rentalExpiryStatus } from '../../src/contracts/workflow-messages.js';
import { maybeRecordHistory } from '../support/record-histories.js';
import { historyText } from '../support/history-text.js';

// The campaign's timing comes from config: 3 s before rental_end, no rounding to 10:00, so rentals end seconds ahead.
const leadMs = 3_000;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ smtp: true, env: { RENTAL_REMINDER_LEAD: '3s', RENTAL_REMINDER_HOUR: 'none', CHATWOOT_INBOX_ID: '1' } });
});
afterAll(async () => {
  await h?.close();
});

let n = 0;
const rentalId = () => `R-${Date.now()}-${++n}`;
const campaign = (id: string) => h.client.workflow.getHandle<typeof rentalExpiryCampaign>(`rental-expiry/${id}`);
const mailsAbout = (id: string) => h.smtp!.inbox().filter((m) => m.headers['x-kgc-email-key']?.includes(`/${id}/`));

function rental(customerId: string, endsInMs: number, overrides: Partial<{ rental_id: string; status: 'active' | 'completed' | 'late' }> = {}) {
  return {
    rental_id: overrides.rental_id ?? rentalId(),
    customer_id: customerId,
    machine_name: 'Makita talajvágó',
    rental_start: budapestIso(Date.now() - 86_400_000),
    rental_end: budapestIso(Date.now() + endsInMs),
    status: overrides.status ?? ('active' as const),
    late_days: 0,
  };
}

const started = (r: ReturnType<typeof rental>, o: { withCustomerId?: boolean; phone?: string } = {}) => ({
  rental_id: r.rental_id,
  ...(o.withCustomerId === false ? {} : { customer_id: r.customer_id }),
  customer_phone: o.phone ?? '+36301234567',
  machine_name: r.machine_name,
  rental_start: r.rental_start,
  rental_end: r.rental_end,
  status: 'active',
  late_days: 0,
});

describe('rental expiry campaign', () => {
  it('sends the reminder once, RENTAL_REMINDER_LEAD before rental_end, and ends quietly once the machine is back', async () => {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    const r = rental(c.customer_id, 6_000);
    h.kgc.putRental(r);
    const remindAt = Date.parse(r.rental_end) - leadMs;
    const res = await h.send('rental.started', started(r));
    expect(res.status).toBe(202);

    const [mail] = await eventually(() => mailsAbout(r.rental_id).length > 0 && mailsAbout(r.rental_id), 'the reminder');
    expect(Date.parse(mail!.receivedAt)).toBeGreaterThanOrEqual(remindAt - 50);
    expect(Date.parse(mail!.receivedAt)).toBeLessThan(Date.parse(r.rental_end));
    h.kgc.putRental({ ...r, status: 'completed' });
    expect(await campaign(r.rental_id).result()).toEqual({ rentalId: r.rental_id, outcome: 'returned', reminder: 'sent' });
    await maybeRecordHistory(h, `rental-expiry/${r.rental_id}`, 'rental-expiry-reminded');

    expect(mailsAbout(r.rental_id)).toHaveLength(1);
    expect(mail).toMatchObject({ to: [c.email], subject: 'Holnap lejár a bérlése – KGC', from: '"KGC" <noreply@kgc.example.hu>' });
    const day = new Intl.DateTimeFormat('hu-HU', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'Europe/Budapest' }).format(new Date(r.rental_end));
    expect(mail!.text).toContain(`Kedves ${c.name.split(' ')[1]}!`);
    expect(mail!.text).toContain(`holnap (${day}) lejár a(z) Makita talajvágó bérlése (bérlés: ${r.rental_id})`);
    expect(mail!.html).toContain('Makita talajvágó');
    const [row] = await h.db.select().from(emailOutbox).where(like(emailOutbox.key, `rental-expiry/${r.rental_id}/rental_reminder/%`));
    expect(row).toMatchObject({ state: 'sent', attempts: 1, customerId: c.customer_id, messageId: mail!.messageId });

    const description = await campaign(r.rental_id).describe();
    expect(description.typedSearchAttributes.get(kgcCustomerIdKey)).toBe(c.customer_id);
    const history = historyText(await campaign(r.rental_id).fetchHistory());
    for (const personal of [c.email, c.name, c.phone, 'Makita talajvágó']) expect(history).not.toContain(personal);
    expect(history, 'the scan reads the payloads').toContain(`rentalId\\":\\"${r.rental_id}`);
  });

  it('rental.ended before the reminder ends the campaign at once, without an email', async () => {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    const r = rental(c.customer_id, 60_000);
    h.kgc.putRental(r);
    await h.send('rental.started', started(r));
    await eventually(async () => (await campaign(r.rental_id).query(rentalExpiryStatus)).nextAt, 'the campaign to wait for the reminder');
    expect((await h.send('rental.ended', { rental_id: r.rental_id, customer_id: c.customer_id })).status).toBe(202);
    expect(await campaign(r.rental_id).result()).toEqual({ rentalId: r.rental_id, outcome: 'ended_early' });
    expect(mailsAbout(r.rental_id)).toHaveLength(0);
  });

  it('a rental still out at rental_end gets the late notice and paymentStatus LATE in Twenty', async () => {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    await h.send('customer.created', c);
    await h.partnerSyncResult(c.customer_id);
    const r = rental(c.customer_id, 4_000);
    h.kgc.putRental(r);
    await h.send('rental.started', started(r));

    expect(await campaign(r.rental_id).result()).toEqual({ rentalId: r.rental_id, outcome: 'late', reminder: 'sent', lateNotice: 'sent', markedLate: true });
    expect(mailsAbout(r.rental_id).map((m) => m.subject)).toEqual(['Holnap lejár a bérlése – KGC', 'Lejárt a bérlése – KGC']);
    expect(Date.parse(mailsAbout(r.rental_id)[1]!.receivedAt)).toBeGreaterThanOrEqual(Date.parse(r.rental_end) - 50);
    expect(h.person(c.customer_id)?.paymentStatus).toBe('LATE');
  });

  it('a repeated rental.started with a later rental_end (an extension) moves the timer; phone-only events find the customer', async () => {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    const first = rental(c.customer_id, 5_000);
    h.kgc.putRental(first);
    await h.send('rental.started', started(first, { withCustomerId: false, phone: c.phone }));
    const extended = { ...first, rental_end: budapestIso(Date.now() + 11_000) };
    h.kgc.putRental(extended);
    await h.send('rental.started', started(extended, { withCustomerId: false, phone: c.phone }));

    await new Promise((r) => setTimeout(r, Date.parse(first.rental_end) - Date.now() + 500));
    expect(mailsAbout(first.rental_id)).toHaveLength(0);
    const [mail] = await eventually(() => mailsAbout(first.rental_id).length > 0 && mailsAbout(first.rental_id), 'the moved reminder');
    expect(Date.parse(mail!.receivedAt)).toBeGreaterThanOrEqual(Date.parse(extended.rental_end) - leadMs - 50);
    expect(mail!.headers['x-kgc-email-key']).toBe(`rental-expiry/${first.rental_id}/rental_reminder/${extended.rental_end}`);
    h.kgc.putRental({ ...extended, status: 'completed' });
    expect(await campaign(first.rental_id).result()).toMatchObject({ outcome: 'returned', reminder: 'sent' });
    expect((await campaign(first.rental_id).describe()).typedSearchAttributes.get(kgcCustomerIdKey)).toBe(c.customer_id);
  });

  it('the daily schedule starts the campaign of a rental whose rental.started never arrived, and only that one', async () => {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    const lost = rental(c.customer_id, 8_000);
    const known = rental(c.customer_id, 60_000);
    h.kgc.putRental(lost);
    h.kgc.putRental(known);
    await h.send('rental.started', started(known));
    const knownRun = (await campaign(known.rental_id).describe()).runId;

    const schedule = h.client.schedule.getHandle(`${h.taskQueue}/rental-expiry-sweep`);
    expect((await schedule.describe()).spec.calendars?.[0]).toMatchObject({ hour: [{ start: 10, end: 10, step: 1 }] });
    await schedule.trigger();
    const sweepId = await eventually(async () => (await schedule.describe()).info.recentActions[0]?.action.workflow.workflowId, 'the sweep run');
    const sweep = await h.client.workflow.getHandle<typeof rentalReminderSweep>(sweepId).result();
    expect(sweep.endsOn).toBe(localIsoDate('Europe/Budapest', Date.now() + leadMs));
    expect(sweep.started).toBeGreaterThanOrEqual(1);
    expect(sweep.existing).toBeGreaterThanOrEqual(1);

    expect((await campaign(known.rental_id).describe()).runId).toBe(knownRun);
    const [mail] = await eventually(() => mailsAbout(lost.rental_id).length > 0 && mailsAbout(lost.rental_id), 'the reminder of the lost rental');
    expect(mail!.subject).toBe('Holnap lejár a bérlése – KGC');
    h.kgc.putRental({ ...lost, status: 'completed' });
    expect(await campaign(lost.rental_id).result()).toMatchObject({ outcome: 'returned', reminder: 'sent' });
    await h.send('rental.ended', { rental_id: known.rental_id, customer_id: c.customer_id });
    expect((await campaign(known.rental_id).result()).outcome).toBe('ended_early');
  });

  it('the sweep pages through KGC: every active rental of the day gets exactly one campaign', async () => {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    const rentals = [1, 2, 3].map(() => rental(c.customer_id, 60_000));
    for (const r of rentals) h.kgc.putRental(r);
    const run = await h.client.workflow.execute<typeof rentalReminderSweep>('rentalReminderSweep', {
      workflowId: `sweep-test-${Date.now()}`,
      taskQueue: h.taskQueue,
      args: [{ pageSize: 2 }],
    });
    expect(run.pages).toBeGreaterThanOrEqual(2);
    for (const r of rentals) {
      expect((await campaign(r.rental_id).describe()).status.name).toBe('RUNNING');
      await h.send('rental.ended', { rental_id: r.rental_id, customer_id: c.customer_id });
      expect((await campaign(r.rental_id).result()).outcome).toBe('ended_early');
    }
    const rows = await h.db.select().from(emailOutbox).where(and(eq(emailOutbox.customerId, c.customer_id)));
    expect(rows).toHaveLength(0);
  });
});
