import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailOutbox, integrationLog } from '../../src/db/schema.js';
import type { repairDoneEmail } from '../../src/workflows/repair-done-email.js';
import { eventually } from '../support/eventually.js';
import { newCustomer, startHarness, type Harness } from '../support/harness.js';
import { maybeRecordHistory } from '../support/record-histories.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ smtp: true, env: { CHATWOOT_INBOX_ID: '1' } });
});
afterAll(async () => {
  await h?.close();
});

let n = 0;
const worklogId = () => `M-${Date.now()}-${++n}`;
const emailRun = (id: string) => h.client.workflow.getHandle<typeof repairDoneEmail>(`repair-done-email/${id}`);
const mailsAbout = (id: string) => h.smtp!.inbox().filter((m) => m.headers['x-kgc-email-key'] === `repair-done/${id}/repair_done`);
const outbox = async (id: string) => (await h.db.select().from(emailOutbox).where(eq(emailOutbox.key, `repair-done/${id}/repair_done`)))[0];

describe('repair done email', () => {
  it('service.repair_done by phone sends "Gépét megjavítottuk, átvehető" once, in HTML and text, beside the Chatwoot message', async () => {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    const data = { worklog_id: worklogId(), customer_phone: c.phone, machine_type: 'Husqvarna láncfűrész', pickup_info: 'Átvehető hétköznap 8 és 17 óra között.' };
    const first = await h.send('service.repair_done', data, { id: `evt-1-${data.worklog_id}` });
    expect(first.body).toMatchObject({ status: 'accepted', workflowId: `notify/service.repair_done/${data.worklog_id}` });
    expect(await emailRun(data.worklog_id).result()).toEqual({ worklogId: data.worklog_id, status: 'sent' });
    await h.send('service.repair_done', data, { id: `evt-2-${data.worklog_id}` });
    expect(await emailRun(data.worklog_id).result()).toEqual({ worklogId: data.worklog_id, status: 'sent' });
    expect(await h.client.workflow.getHandle(first.body.workflowId).result()).toMatchObject({ status: 'sent' });

    const mails = mailsAbout(data.worklog_id);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ to: [c.email], subject: 'Gépét megjavítottuk, átvehető – KGC' });
    expect(mails[0]!.text).toContain(`a(z) Husqvarna láncfűrész javítása elkészült, a gép átvehető (munkalap: ${data.worklog_id})`);
    expect(mails[0]!.text).toContain(data.pickup_info);
    expect(mails[0]!.html).toContain('<p>Átvehető hétköznap 8 és 17 óra között.</p>');
    const row = await outbox(data.worklog_id);
    expect(row).toMatchObject({ state: 'sent', attempts: 1, customerId: c.customer_id });
    expect(mails[0]!.messageId).toBe(row!.messageId);
    await maybeRecordHistory(h, `repair-done-email/${data.worklog_id}`, 'repair-done-email-sent');
    await maybeRecordHistory(h, first.body.workflowId, 'customer-notification-sent');
    expect(row!.messageId).toMatch(new RegExp(`^<repair-done\\.${data.worklog_id}\\.repair_done\\.[0-9a-f]{12}@kgc\\.example\\.hu>$`));
  });

  it('SMTP down, then up: the email goes out exactly once', async () => {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    const data = { worklog_id: worklogId(), customer_id: c.customer_id, machine_type: 'Makita flex' };
    await h.smtp!.faults.set({ down: true });
    try {
      await h.send('service.repair_done', data);
      await eventually(async () => ((await outbox(data.worklog_id))?.attempts ?? 0) >= 2, 'a retried send');
      const pending = (await emailRun(data.worklog_id).describe()).raw.pendingActivities?.[0];
      expect(pending?.lastFailure?.message).toMatch(/SMTP send failed: ESOCKET.*ECONNREFUSED/);
    } finally {
      await h.smtp!.faults.set({ down: false });
    }
    expect((await emailRun(data.worklog_id).result()).status).toBe('sent');
    expect(mailsAbout(data.worklog_id)).toHaveLength(1);
    expect(await outbox(data.worklog_id)).toMatchObject({ state: 'sent' });
  });

  it('a transient 451 is retried and delivered once', async () => {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    const data = { worklog_id: worklogId(), customer_id: c.customer_id };
    await h.smtp!.faults.set({ failNext: { count: 1, code: 451 } });
    await h.send('service.repair_done', data);
    expect((await emailRun(data.worklog_id).result()).status).toBe('sent');
    expect(mailsAbout(data.worklog_id)).toHaveLength(1);
    expect(await outbox(data.worklog_id)).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('a permanent 550 is recorded and not retried, and a repeated event sends nothing', async () => {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    const data = { worklog_id: worklogId(), customer_id: c.customer_id };
    await h.smtp!.faults.set({ failNext: { count: 1, code: 550, stage: 'rcpt' } });
    const before = h.smtp!.attempts;
    await h.send('service.repair_done', data, { id: `evt-550-1-${data.worklog_id}` });
    const result = await emailRun(data.worklog_id).result();
    expect(result).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/^EENVELOPE 550/) });
    expect(h.smtp!.attempts - before).toBe(1);
    expect(await outbox(data.worklog_id)).toMatchObject({ state: 'rejected', smtpCode: 550, attempts: 1 });
    const audit = await h.db.select().from(integrationLog).where(and(eq(integrationLog.customerId, c.customer_id), eq(integrationLog.system, 'smtp')));
    expect(audit.map((a) => a.status)).toEqual(['rejected']);
    expect(audit[0]!.detail).not.toContain(c.email);

    await h.send('service.repair_done', data, { id: `evt-550-2-${data.worklog_id}` });
    expect((await emailRun(data.worklog_id).result()).status).toBe('rejected');
    expect(h.smtp!.attempts - before).toBe(1);
    expect(mailsAbout(data.worklog_id)).toHaveLength(0);
  });

  it('a customer without an email address gets no email and an audit entry', async () => {
    const c = newCustomer({ email: null });
    h.kgc.putCustomer(c);
    const data = { worklog_id: worklogId(), customer_id: c.customer_id };
    await h.send('service.repair_done', data);
    expect(await emailRun(data.worklog_id).result()).toEqual({ worklogId: data.worklog_id, status: 'skipped', reason: 'customer has no email address' });
    const audit = await h.db.select().from(integrationLog).where(and(eq(integrationLog.customerId, c.customer_id), eq(integrationLog.system, 'smtp')));
    expect(audit).toMatchObject([{ action: 'send_email', status: 'skipped', detail: `repair-done/${data.worklog_id}/repair_done: customer has no email address` }]);
    expect(mailsAbout(data.worklog_id)).toHaveLength(0);
  });
});
