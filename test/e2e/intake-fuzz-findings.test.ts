import { count, eq } from 'drizzle-orm';
import { createHmac } from 'node:crypto';
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signKgcWebhook } from '../../sandbox/kgc/webhook.js';
import { chatwootDeliveries, customerNotifications, integrationLog, kgcEvents, kokoMessages } from '../../src/db/schema.js';
import { newCustomer, startHarness, webhookSecret, type Harness } from '../support/harness.js';

/**
 * What the intake fuzz (intake-fuzz.test.ts) found, one regression test each. Every one of these answered a 5xx
 * (which KGC and Chatwoot retry for ever) or a 4xx without the documented error body.
 */

const chatwootSecret = 'test-chatwoot-bot-secret-0123456789';
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ roles: ['api'], env: { CHATWOOT_WEBHOOK_SECRET: chatwootSecret, CHATWOOT_BOT_ID: '1' } });
});
afterAll(async () => {
  await h?.close();
});

async function post(path: string, body: string | Buffer, headers: Record<string, string>) {
  const res = await fetch(`${h.apiUrl}${path}`, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as any };
}

function postChatwoot(body: unknown, delivery: string) {
  const raw = JSON.stringify(body);
  const ts = String(Math.floor(Date.now() / 1000));
  const signature = 'sha256=' + createHmac('sha256', chatwootSecret).update(`${ts}.${raw}`).digest('hex');
  return post('/webhooks/chatwoot', raw, { 'Content-Type': 'application/json', 'X-Chatwoot-Timestamp': ts, 'X-Chatwoot-Signature': signature, 'X-Chatwoot-Delivery': delivery });
}

const rows = async (table: typeof kgcEvents | typeof customerNotifications | typeof integrationLog) => (await h.db.select({ n: count() }).from(table))[0]!.n;

describe('KGC intake: what the fuzz found', () => {
  it('an unknown event path holding a NUL byte is a 422 recorded in the audit log, not a 500', async () => {
    const body = JSON.stringify({ customer_id: 'C-1' });
    const res = await post('/webhook/kgc/customer-created%00', body, { 'Content-Type': 'application/json', ...signKgcWebhook(webhookSecret, body) });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.error.code).toBe('unknown_event');
    const [row] = await h.db.select().from(integrationLog).where(eq(integrationLog.eventType, 'customer-created\ufffd'));
    expect(row, 'the unknown event is in the audit log, its NUL shown as U+FFFD').toBeDefined();
  });

  it('an unknown event name holding a NUL byte in the envelope is a 400 naming event (the issue\'s first known bug)', async () => {
    const before = await rows(integrationLog);
    const res = await h.send('customer.created\u0000x', { customer_id: 'C-1' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_envelope', details: [{ path: 'event', message: 'must not contain a NUL character' }] });
    expect(await rows(integrationLog)).toBe(before);
  });

  it('a NUL in gdpr_reason is accepted and reaches the erasure only as the reason code "other" (the issue\'s second known bug)', async () => {
    const customer = newCustomer();
    const res = await h.send('customer.deleted', { customer_id: customer.customer_id, gdpr_reason: 'kérte\u0000 a törlést' });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const history = await h.client.workflow.getHandle(res.body.workflowId).fetchHistory();
    const started = history.events![0]!.workflowExecutionStartedEventAttributes!;
    const input = JSON.parse(Buffer.from(started.input!.payloads![0]!.data!).toString('utf8'));
    expect(input).toEqual({ customerId: customer.customer_id, reasonCode: 'other' });
    await h.client.workflow.getHandle(res.body.workflowId).terminate('test done');
  });

  it('a lone UTF-16 surrogate in free text is a 400 naming the field, not a 503 for ever (jsonb refuses it)', async () => {
    const before = { deliveries: await rows(kgcEvents), notifications: await rows(customerNotifications) };
    const res = await h.send('service.quote_ready', { worklog_id: 'W-lone-surrogate', customer_id: 'C-1', machine_type: 'Stihl \ud800 fűrész', quote_amount: 15000 });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_event', details: [{ path: 'data.machine_type', message: 'must be well-formed Unicode (a lone UTF-16 surrogate)' }] });
    expect({ deliveries: await rows(kgcEvents), notifications: await rows(customerNotifications) }).toEqual(before);
  });

  it('a well-formed surrogate pair (an emoji) in free text is accepted', async () => {
    const res = await h.send('service.quote_ready', { worklog_id: `W-emoji-${Date.now()}`, customer_id: 'C-1', machine_type: 'Stihl 🪚', quote_amount: 15000 });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    await h.client.workflow.getHandle(res.body.workflowId).terminate('test done');
  });

  it('a path with broken percent-encoding is a 400 invalid_path, not a 500', async () => {
    const body = '{}';
    const res = await post('/webhook/kgc/%E0%A4%A', body, { 'Content-Type': 'application/json', ...signKgcWebhook(webhookSecret, body) });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_path', details: [{ path: 'path' }] });
  });

  it('a body that is not what its Content-Encoding says is a 400 invalid_body, not a 500', async () => {
    const body = JSON.stringify({ event: 'customer.created', data: newCustomer() });
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const res = await post('/webhooks/kgc', body, { 'Content-Type': 'application/json', 'Content-Encoding': encoding, ...signKgcWebhook(webhookSecret, body) });
      expect(res.status, `${encoding}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_body', details: [{ path: 'headers.content-encoding' }] });
    }
  });

  it('an unknown Content-Encoding is a 415, not a 500', async () => {
    const body = JSON.stringify({ event: 'customer.created', data: newCustomer() });
    const res = await post('/webhooks/kgc', body, { 'Content-Type': 'application/json', 'Content-Encoding': 'x-unknown', ...signKgcWebhook(webhookSecret, body) });
    expect(res.status).toBe(415);
    expect(res.body.error).toMatchObject({ code: 'unsupported_media_type', details: [{ path: 'headers.content-encoding' }] });
  });

  it('a gzip body signed over its JSON is still accepted', async () => {
    const body = JSON.stringify({ event: 'customer.created', data: newCustomer() });
    const res = await post('/webhooks/kgc', gzipSync(body), { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', ...signKgcWebhook(webhookSecret, body) });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    await h.client.workflow.getHandle(res.body.workflowId).terminate('test done');
  });

  it('a body cut short of its Content-Length gets a 400 with the documented error body, not a bare 400', async () => {
    const url = new URL(h.apiUrl);
    const body = '{"event":"customer.created","data":{';
    const raw = await new Promise<string>((resolve) => {
      const socket = net.connect({ host: url.hostname, port: Number(url.port), allowHalfOpen: true }, () => {
        socket.write(`POST /webhooks/kgc HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: ${body.length + 40}\r\n\r\n`);
        socket.end(body);
      });
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toMatch(/content-type: application\/json/i);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: { code: 'malformed_request', details: [{ path: '(request)' }] } });
  });
});

describe('Chatwoot intake: what the fuzz found', () => {
  it('an event name holding a NUL byte is ignored, not a 500', async () => {
    const res = await postChatwoot({ event: 'message\u0000_created', id: 5 }, 'dlv-nul-event');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status).toBe('ignored');
    const [row] = await h.db.select().from(chatwootDeliveries).where(eq(chatwootDeliveries.deliveryId, 'dlv-nul-event'));
    expect(row).toMatchObject({ event: 'message_created', reason: 'event_message_created' });
  });

  it('a conversation status holding a NUL byte is ignored, not a 500', async () => {
    const res = await postChatwoot({ event: 'conversation_status_changed', id: 8, status: 'op\u0000en' }, 'dlv-nul-status');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status).toBe('ignored');
    const [row] = await h.db.select().from(chatwootDeliveries).where(eq(chatwootDeliveries.deliveryId, 'dlv-nul-status'));
    expect(row?.reason).toBe('conversation_open');
  });

  it('a deeply nested event value is ignored, not a 500 (it used to overflow the stack turning it into a string)', async () => {
    const raw = `{"event":${'['.repeat(100_000)}${']'.repeat(100_000)},"id":6}`;
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = 'sha256=' + createHmac('sha256', chatwootSecret).update(`${ts}.${raw}`).digest('hex');
    const res = await post('/webhooks/chatwoot', raw, { 'Content-Type': 'application/json', 'X-Chatwoot-Timestamp': ts, 'X-Chatwoot-Signature': signature, 'X-Chatwoot-Delivery': 'dlv-deep-event' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status).toBe('ignored');
  });

  it('a customer message holding a NUL byte is accepted without it, not a 500 on every retry', async () => {
    const conversationId = 7_000_000 + Math.floor(Math.random() * 1_000_000);
    const res = await postChatwoot(
      {
        event: 'message_created',
        id: conversationId * 10,
        content: 'Szia\u0000, nyitva vagytok?',
        message_type: 'incoming',
        private: false,
        content_attributes: {},
        sender: { id: 11, type: 'contact' },
        conversation: { id: conversationId, status: 'pending', channel: 'Channel::WebWidget', contact_inbox: { contact_id: 11, source_id: 's', hmac_verified: false } },
      },
      `dlv-nul-content-${conversationId}`,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status).toBe('accepted');
    const [message] = await h.db.select().from(kokoMessages).where(eq(kokoMessages.messageId, conversationId * 10));
    expect(message?.content).toBe('Szia, nyitva vagytok?');
    await h.client.workflow.getHandle(`koko/${conversationId}`).terminate('test done');
  });
});
