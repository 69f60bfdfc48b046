import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerNotifications, integrationLog } from '../../src/db/schema.js';
import type { customerNotification } from '../../src/workflows/customer-notification.js';
import { newCustomer, startHarness, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { CHATWOOT_INBOX_ID: '1' } });
});
afterAll(async () => {
  await h?.close();
});

const result = (workflowId: string) => h.client.workflow.getHandle<typeof customerNotification>(workflowId).result();
const contactOf = (customerId: string) => h.contactOf(customerId);
const outgoing = (contactId: number) =>
  h.chatwoot
    .conversations()
    .filter((cv) => cv.meta.sender?.id === contactId && cv.inbox_id === 1)
    .flatMap((cv) => h.chatwoot.messages(cv.id))
    .filter((m) => m.message_type === 1 && !m.private);

let n = 0;
const worklogId = () => `M-${Date.now()}-${++n}`;

describe('customer notifications through Chatwoot', () => {
  it('service.repair_done by phone only: finds the customer in KGC and posts the Hungarian message once', async () => {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    const data = { worklog_id: worklogId(), customer_phone: c.phone, machine_type: 'Husqvarna láncfűrész' };
    const res = await h.send('service.repair_done', data);
    expect(res.body).toMatchObject({ status: 'accepted', workflowId: `notify/service.repair_done/${data.worklog_id}` });
    expect(await result(res.body.workflowId)).toMatchObject({ status: 'sent' });

    const messages = outgoing(contactOf(c.customer_id)!.id);
    expect(messages.map((m) => m.content)).toEqual([
      `Jó hírem van! A(z) Husqvarna láncfűrész elkészült, átvehető (munkalap: ${data.worklog_id}).`,
    ]);
    expect(messages[0]!.content_attributes).toEqual({ kgc_notification: `service.repair_done:${data.worklog_id}` });
  });

  it('service.quote_ready names the machine, the worklog and the amount in forints', async () => {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    const data = { worklog_id: worklogId(), customer_id: c.customer_id, machine_type: 'Stihl fűkasza', quote_amount: 18500 };
    const res = await h.send('service.quote_ready', data);
    await result(res.body.workflowId);
    const [message] = outgoing(contactOf(c.customer_id)!.id);
    expect(message?.content).toBe(`Elkészült az árajánlat a(z) Stihl fűkasza javítására: 18\u00a0500 Ft (munkalap: ${data.worklog_id}). Kérjük, jelezze, ha elfogadja.`);
  });

  it('order.arrived, rental.started and rental.ended each post to the same open conversation', async () => {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    const events: Array<[string, Record<string, unknown>]> = [
      ['order.arrived', { order_id: `O-${worklogId()}`, customer_id: c.customer_id, items: [{ sku: 'MK-1', name: 'Makita fúró', quantity: 1, status: 'arrived' }] }],
      ['rental.started', { rental_id: `R-${worklogId()}`, customer_id: c.customer_id, customer_phone: c.phone, machine_name: 'Bosch vésőgép', rental_start: '2026-01-10', rental_end: '2026-01-15', status: 'active', late_days: 0 }],
      ['rental.ended', { rental_id: `R-${worklogId()}`, customer_id: c.customer_id, satisfaction_survey: true }],
    ];
    for (const [event, data] of events) {
      const res = await h.send(event, data);
      expect(await result(res.body.workflowId)).toMatchObject({ status: 'sent' });
    }
    const contactId = contactOf(c.customer_id)!.id;
    const conversations = new Set(h.chatwoot.conversations().filter((cv) => cv.meta.sender?.id === contactId).map((cv) => cv.id));
    expect(conversations.size).toBe(1);
    const texts = outgoing(contactId).map((m) => m.content);
    expect(texts[0]).toMatch(/^Megérkezett a rendelése \(O-.+\): 1× Makita fúró\. Átveheti üzletünkben\.$/);
    expect(texts[1]).toMatch(/Bosch vésőgép bérlése 2026\. január 15\.-ig tart/);
    expect(texts[2]).toMatch(/^Köszönjük, hogy visszahozta a gépet/);
  });

  it('is sent exactly once when Chatwoot fails once, and a repeated event sends nothing new', async () => {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    const data = { worklog_id: worklogId(), customer_id: c.customer_id, machine_type: 'Makita flex' };
    h.chatwoot.faults.set({ failNext: { count: 1, status: 500 } });
    const res = await h.send('service.repair_done', data, { id: `evt-1-${data.worklog_id}` });
    expect(await result(res.body.workflowId)).toMatchObject({ status: 'sent' });
    const again = await h.send('service.repair_done', data, { id: `evt-2-${data.worklog_id}` });
    expect(again.body.workflowId).toBe(res.body.workflowId);
    expect(await result(again.body.workflowId)).toMatchObject({ status: 'sent' });
    expect(outgoing(contactOf(c.customer_id)!.id)).toHaveLength(1);
  });

  it('an unknown phone number ends with a clear audit entry, no message and no crash', async () => {
    const data = { worklog_id: worklogId(), customer_phone: '+36309999999', quote_amount: 1000 };
    const res = await h.send('service.quote_ready', data);
    expect(await result(res.body.workflowId)).toEqual({ status: 'skipped', reason: 'unknown_customer' });
    const [row] = await h.db.select().from(customerNotifications).where(eq(customerNotifications.key, `service.quote_ready:${data.worklog_id}`));
    expect(row).toMatchObject({ status: 'skipped', reason: 'unknown customer: KGC does not know the phone number' });
    const audit = await h.db.select().from(integrationLog).where(eq(integrationLog.action, 'resolve_customer_by_phone'));
    expect(audit.some((a) => a.detail?.includes(data.worklog_id) && a.status === 'failed')).toBe(true);
  });
});
