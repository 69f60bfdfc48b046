import { and, eq, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailOutbox, integrationLog } from '../../src/db/schema.js';
import { type rentalExpiryCampaign } from '../../src/workflows/rental-expiry-campaign.js';
import { budapestIso, eventually } from '../support/eventually.js';
import { newCustomer, startHarness, type Harness } from '../support/harness.js';

/**
 * The window SMTP leaves open: the server has said 250 (the message is queued) and the worker dies before the
 * database records it. The death is simulated exactly there: a trigger fails the outbox row's update to `sent`,
 * so the attempt ends after the real SMTP stand-in accepted the message and before anything was recorded, as a
 * SIGKILL at that moment would leave it. Temporal then retries the activity for real; the lease of the dead
 * attempt is let run out (set in the past) instead of waited for.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ smtp: true, env: { RENTAL_REMINDER_LEAD: '3s', RENTAL_REMINDER_HOUR: 'none', CHATWOOT_INBOX_ID: '1' } });
  await h.db.execute(sql`create table simulated_deaths (key_pattern text primary key)`);
  await h.db.execute(sql`
    create function die_between_250_and_update() returns trigger language plpgsql as $$
    begin
      if new.state = 'sent' and exists (select 1 from simulated_deaths where new.key like key_pattern) then
        raise exception 'simulated worker death between the SMTP 250 and the database update';
      end if;
      return new;
    end $$`);
  await h.db.execute(sql`create trigger die_between_250_and_update before update on email_outbox for each row execute function die_between_250_and_update()`);
});
afterAll(async () => {
  await h?.close();
});

let n = 0;
const campaign = (id: string) => h.client.workflow.getHandle<typeof rentalExpiryCampaign>(`rental-expiry/${id}`);
const mails = (id: string, kind: string) => h.smtp!.inbox().filter((m) => m.headers['x-kgc-email-key']?.startsWith(`rental-expiry/${id}/${kind}/`));
const outbox = async (id: string, kind: string) => (await h.db.select().from(emailOutbox).where(like(emailOutbox.key, `rental-expiry/${id}/${kind}/%`)))[0];

/** A customer synced to Twenty with a rental in KGC that ends `endsInMs` from now and is still out. */
async function rentalOut(endsInMs: number) {
  const c = newCustomer();
  h.kgc.putCustomer(c);
  await h.send('customer.created', c);
  await h.partnerSyncResult(c.customer_id);
  const rental = {
    rental_id: `R-${Date.now()}-${++n}`,
    customer_id: c.customer_id,
    machine_name: 'Makita talajvágó',
    rental_start: budapestIso(Date.now() - 86_400_000),
    rental_end: budapestIso(Date.now() + endsInMs),
    status: 'active' as const,
    late_days: 0,
  };
  h.kgc.putRental(rental);
  const started = { ...rental, customer_phone: c.phone, status: 'active' };
  return { rental, started };
}

/** The first attempt of `kind`: accepted by the SMTP server, then killed before its update; retried at least once since. */
async function dieAfter250(rentalId: string, kind: string) {
  await eventually(async () => {
    const pending = (await campaign(rentalId).describe()).raw.pendingActivities?.[0];
    return (pending?.attempt ?? 0) >= 2 && mails(rentalId, kind).length === 1;
  }, `the ${kind} accepted by SMTP and its attempt dead`);
  const row = await outbox(rentalId, kind);
  expect(row?.state, 'the death landed between the 250 and the update: the row still says sending').toBe('sending');
  await h.db.execute(sql`delete from simulated_deaths`);
  await h.db.update(emailOutbox).set({ leaseUntil: sql`now() - interval '1 second'` }).where(eq(emailOutbox.key, row!.key));
  return row!;
}

describe('email double-send window (worker death between the SMTP 250 and the database update)', () => {
  it('a reminder (at-least-once) is sent again after the death, with the same Message-ID, and the resend is audited', async () => {
    const { rental, started } = await rentalOut(8_000);
    await h.db.execute(sql`insert into simulated_deaths values (${`rental-expiry/${rental.rental_id}/rental_reminder/%`})`);
    await h.send('rental.started', started);
    const dead = await dieAfter250(rental.rental_id, 'rental_reminder');

    expect(await campaign(rental.rental_id).result()).toMatchObject({ reminder: 'sent', lateNotice: 'sent' });
    const reminders = mails(rental.rental_id, 'rental_reminder');
    expect(reminders, 'SMTP cannot take the first copy back: the customer has two').toHaveLength(2);
    expect(reminders.map((m) => m.messageId), 'both copies carry the one Message-ID, so a mail client can fold them').toEqual([dead.messageId, dead.messageId]);
    expect(await outbox(rental.rental_id, 'rental_reminder')).toMatchObject({ state: 'sent', attempts: 2 });
    const [audit] = await h.db.select().from(integrationLog).where(and(eq(integrationLog.eventType, 'email.rental_reminder'), like(integrationLog.detail, `${dead.key}:%`)));
    expect(audit?.detail).toBe(`${dead.key}: sent ${dead.messageId} again after an unconfirmed attempt (at-least-once)`);
  });

  it('a late notice (at-most-once) is never sent a second time: it is recorded unconfirmed, with its Message-ID, for an operator', async () => {
    const { rental, started } = await rentalOut(4_000);
    await h.db.execute(sql`insert into simulated_deaths values (${`rental-expiry/${rental.rental_id}/rental_late_notice/%`})`);
    await h.send('rental.started', started);
    const dead = await dieAfter250(rental.rental_id, 'rental_late_notice');

    expect(await campaign(rental.rental_id).result()).toMatchObject({ reminder: 'sent', lateNotice: 'unconfirmed', markedLate: true });
    expect(mails(rental.rental_id, 'rental_late_notice'), 'the one copy the server accepted, and no second').toHaveLength(1);
    expect(await outbox(rental.rental_id, 'rental_late_notice')).toMatchObject({ state: 'unconfirmed', attempts: 1 });
    const [audit] = await h.db.select().from(integrationLog).where(and(eq(integrationLog.eventType, 'email.rental_late_notice'), like(integrationLog.detail, `${dead.key}:%`)));
    expect(audit).toMatchObject({ status: 'warning', detail: `${dead.key}: unconfirmed ${dead.messageId}: an earlier attempt reached the SMTP server and its outcome was never recorded; at-most-once: not sent again` });
  });
});
