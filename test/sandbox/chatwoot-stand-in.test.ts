import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startChatwootStandIn, type ChatwootStandIn } from '../../sandbox/index.js';

let cw: ChatwootStandIn;
let hook: Server;
let hookStatus = 200;
const received: { headers: IncomingHttpHeaders; body: string }[] = [];

const api = async (method: string, path: string, body?: unknown, token: string | null = cw.userToken) => {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token) headers.api_access_token = token;
  const res = await fetch(`${cw.url}/api/v1/accounts/${cw.accountId}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const isJson = res.headers.get('content-type')?.includes('json');
  return { status: res.status, text, json: text && isJson ? (JSON.parse(text) as any) : undefined };
};

beforeEach(async () => {
  received.length = 0;
  hookStatus = 200;
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(hookStatus).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  cw = await startChatwootStandIn({
    botToken: 'bot-token',
    botWebhookUrl: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/webhooks/chatwoot`,
    webhookRetryDelayMs: 10,
  });
});
afterEach(async () => {
  await cw.close();
  hook.close();
});

const createContact = (body: Record<string, unknown>) => api('POST', '/contacts', body);

describe('Chatwoot stand-in: auth and contacts', () => {
  it('answers the three 401 shapes', async () => {
    expect((await api('GET', '/contacts', undefined, null)).json).toEqual({ errors: ['You need to sign in or sign up before continuing.'] });
    expect((await api('GET', '/contacts', undefined, 'nope')).json).toEqual({ error: 'Invalid Access Token' });
    expect((await api('GET', '/contacts', undefined, 'bot-token')).json).toEqual({ error: 'Access to this endpoint is not authorized for bots' });
  });

  it('creates a contact under payload.contact and shows it directly under payload', async () => {
    const created = await createContact({ name: 'Jane', email: 'Jane@X.com', phone_number: '+36301234567', identifier: 'C1', custom_attributes: { kgc_customer_id: 'C1' } });
    expect(created.status).toBe(200);
    const contact = created.json.payload.contact;
    expect(contact).toMatchObject({ email: 'jane@x.com', identifier: 'C1', availability_status: 'offline' });
    expect(contact).not.toHaveProperty('last_activity_at');
    await api('PUT', `/contacts/${contact.id}`, { custom_attributes: { kgc_tenant: 'kgc' } });
    const shown = await api('GET', `/contacts/${contact.id}`);
    expect(shown.json.payload.custom_attributes).toEqual({ kgc_customer_id: 'C1', kgc_tenant: 'kgc' });
  });

  it('refuses duplicates and a non-E.164 phone with the RecordInvalid 422 shape', async () => {
    await createContact({ name: 'Jane', email: 'jane@x.com', phone_number: '+36301234567', identifier: 'C1' });
    expect((await createContact({ email: 'JANE@x.com' })).json).toEqual({ message: 'Email has already been taken', attributes: ['email'] });
    expect((await createContact({ phone_number: '+36301234567' })).json).toEqual({ message: 'Phone number has already been taken', attributes: ['phone_number'] });
    expect((await createContact({ identifier: 'C1' })).json).toEqual({ message: 'Identifier has already been taken', attributes: ['identifier'] });
    const both = await createContact({ email: 'jane@x.com', phone_number: '06301234567' });
    expect(both.status).toBe(422);
    expect(both.json).toEqual({ message: 'Email has already been taken, Phone number should be in e164 format', attributes: ['email', 'phone_number'] });
  });

  it('searches 15 per page and needs q', async () => {
    for (let i = 0; i < 17; i++) await createContact({ name: `Kovács ${i}`, phone_number: `+3630100${String(i).padStart(4, '0')}` });
    const page1 = await api('GET', '/contacts/search?q=kov');
    expect(page1.json.payload).toHaveLength(15);
    expect(page1.json.meta).toEqual({ count: 17, current_page: 1, has_more: true });
    expect((await api('GET', '/contacts/search?q=')).json).toEqual({ error: 'Specify search string with parameter q' });
  });

  it('lists search hits in no fixed order, so an exact identifier can sit past the first page', async () => {
    for (const id of ['C1', ...Array.from({ length: 15 }, (_, i) => `C1${i}`)]) await createContact({ identifier: id });
    const page1 = (await api('GET', '/contacts/search?q=C1')).json;
    expect(page1.meta).toMatchObject({ current_page: 1, has_more: true });
    expect(page1.payload.map((c: { identifier: string }) => c.identifier), 'C1 should be on page 2 only').not.toContain('C1');
  });

  it("filters like Chatwoot's equal_to: lower-cased, first value only, a phone sent without its +, unresolved contacts too", async () => {
    await createContact({ name: 'Jane', email: 'jane@x.com', phone_number: '+36301234567', identifier: 'Kgc-1' });
    await createContact({ name: 'Jane Doe', identifier: 'kgc-1' });
    await createContact({ name: 'Nameless' });
    const filter = async (attribute_key: string, values: unknown[], filter_operator = 'equal_to') =>
      api('POST', '/contacts/filter', { payload: [{ attribute_key, filter_operator, values, query_operator: null }] });
    const names = async (key: string, values: unknown[], op?: string) => (await filter(key, values, op)).json.payload.map((c: { name: string }) => c.name);
    expect(await names('identifier', ['KGC-1'])).toEqual(['Jane', 'Jane Doe']);
    expect(await names('email', ['JANE@X.COM', 'other@x.com'])).toEqual(['Jane']);
    expect(await names('email', ['other@x.com', 'jane@x.com']), 'only the first value counts').toEqual([]);
    expect(await names('phone_number', ['36301234567'])).toEqual(['Jane']);
    expect(await names('phone_number', ['+36301234567']), 'Chatwoot prepends the +').toEqual([]);
    expect(await names('name', ['nameless'])).toEqual(['Nameless']);
    expect((await filter('identifier', ['kgc'], 'contains')).json).toEqual({ error: 'Invalid operator. The allowed operators for identifier are [equal_to,not_equal_to].' });
    expect((await filter('email', [])).status).toBe(422);
  });

  it('deletes a contact with its conversations, unless it is online', async () => {
    const { json } = await createContact({ name: 'Jane', phone_number: '+36301234567' });
    const id = json.payload.contact.id;
    await api('POST', '/conversations', { inbox_id: cw.inboxId, contact_id: id });
    cw.setContactOnline(id, true);
    expect((await api('DELETE', `/contacts/${id}`)).json).toEqual({ message: 'Jane is Online, please try again later' });
    cw.setContactOnline(id, false);
    const deleted = await api('DELETE', `/contacts/${id}`);
    expect(deleted).toMatchObject({ status: 200, text: '' });
    expect(cw.conversations()).toHaveLength(0);
    expect((await api('GET', `/contacts/${id}`)).json).toEqual({ error: 'Resource could not be found' });
  });
});

describe('Chatwoot stand-in: conversations and messages', () => {
  const conversationFor = async (phone: string) => {
    const { json } = await createContact({ name: 'Jane', phone_number: phone });
    return (await api('POST', '/conversations', { inbox_id: cw.inboxId, contact_id: json.payload.contact.id, status: 'open' })).json;
  };

  it('numbers conversations by display_id, forces pending with an agent bot and 404s an unknown one', async () => {
    const first = await conversationFor('+36301111111');
    const second = await conversationFor('+36302222222');
    expect([first.id, second.id]).toEqual([1, 2]);
    expect(first.status).toBe('pending');
    expect((await api('GET', '/conversations/99')).json).toEqual({ error: 'Resource could not be found' });
    const list = await api('GET', '/conversations?status=pending&assignee_type=all');
    expect(list.json.data.payload.map((c: { id: number }) => c.id).sort()).toEqual([1, 2]);
  });

  it('lets the bot token hand off (toggle_status, team assignment, priority) but not read the conversation', async () => {
    const c = await conversationFor('+36301111111');
    const bot = (method: string, path: string, body?: unknown) => api(method, `/conversations/${c.id}${path}`, body, 'bot-token');
    expect((await bot('POST', '/toggle_status', { status: 'open' })).json.payload).toEqual({ success: true, conversation_id: c.id, current_status: 'open', snoozed_until: null });
    expect((await bot('POST', '/assignments', { team_id: 2 })).json).toMatchObject({ id: 2 });
    expect((await bot('POST', '/toggle_priority', { priority: 'high' })).text).toBe('');
    expect((await api('GET', `/conversations/${c.id}`)).json).toMatchObject({ status: 'open', priority: 'high', meta: { team: { id: 2 } } });
    for (const [method, path] of [['GET', ''], ['GET', '/labels'], ['POST', '/labels'], ['GET', '/messages']] as const) {
      expect((await bot(method, path, method === 'POST' ? { labels: ['x'] } : undefined)).json, `${method} ${path}`).toEqual({ error: 'Access to this endpoint is not authorized for bots' });
    }
  });

  it('lets the bot token read a conversation and manage labels from PR #14655 on (botReadsConversations)', async () => {
    await cw.close();
    cw = await startChatwootStandIn({ botToken: 'bot-token', botReadsConversations: true });
    const c = await conversationFor('+36301111111');
    const bot = (method: string, path: string, body?: unknown) => api(method, `/conversations/${c.id}${path}`, body, 'bot-token');
    expect((await bot('POST', '/labels', { labels: ['escalated'] })).json).toEqual({ payload: ['escalated'] });
    expect((await bot('GET', '')).json).toMatchObject({ id: c.id, labels: ['escalated'] });
    expect((await bot('GET', '/messages')).status).toBe(401);
  });

  it('posts as the bot with the user token only given sender_type AgentBot and the bot\'s sender_id', async () => {
    const c = await conversationFor('+36301111111');
    const post = async (extra: Record<string, unknown>) => (await api('POST', `/conversations/${c.id}/messages`, { content: 'Hi', ...extra })).json.sender.type;
    expect(await post({ sender_type: 'AgentBot', sender_id: cw.botId })).toBe('agent_bot');
    expect(await post({ sender_type: 'AgentBot' }), 'without sender_id the admin sends it').toBe('user');
    expect(await post({ sender_type: 'AgentBot', sender_id: 999 }), 'an unknown bot id falls back to the admin').toBe('user');
  });

  it('returns REST messages with an integer message_type and 200, and posts a signed message_created webhook', async () => {
    const c = await conversationFor('+36301111111');
    const res = await api('POST', `/conversations/${c.id}/messages`, { content: 'Suggestion', private: true }, 'bot-token');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ message_type: 1, private: true, conversation_id: c.id, sender: { type: 'agent_bot' } });
    await cw.webhooksIdle();
    const [delivery] = received;
    const payload = JSON.parse(delivery!.body);
    expect(payload).toMatchObject({ event: 'message_created', message_type: 'outgoing', private: true, conversation: { id: c.id, status: 'pending' } });
    const ts = String(delivery!.headers['x-chatwoot-timestamp']);
    expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(5);
    const expected = `sha256=${createHmac('sha256', cw.webhookSecret).update(`${ts}.${delivery!.body}`).digest('hex')}`;
    expect(delivery!.headers['x-chatwoot-signature']).toBe(expected);
    expect(delivery!.headers['x-chatwoot-delivery']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('simulates a customer message whose webhook carries the contact sender and the pending conversation', async () => {
    const { conversation } = cw.receiveCustomerMessage({ content: 'Hi, my drill is broken', phone: '+36303333333', name: 'Jane' });
    await cw.webhooksIdle();
    const payload = JSON.parse(received[0]!.body);
    expect(payload).toMatchObject({ message_type: 'incoming', private: false, sender: { phone_number: '+36303333333' }, conversation: { id: conversation.id, status: 'pending', meta: { sender: { type: 'contact' } } } });
    expect(payload.sender).not.toHaveProperty('type');
    expect(cw.messages(conversation.id)[0]).toMatchObject({ message_type: 0 });
  });

  it('tells in the webhook which channel a customer wrote through and whether Chatwoot verified the contact', async () => {
    const wa = cw.receiveCustomerMessage({ content: 'Szia', phone: '+36305555555', channel: 'Channel::Whatsapp' });
    const widget = cw.receiveCustomerMessage({ content: 'Szia', phone: '+36306666666', channel: 'Channel::WebWidget', hmacVerified: true });
    await cw.webhooksIdle();
    const [fromWhatsapp, fromWidget] = received.map((r) => JSON.parse(r.body));
    expect(fromWhatsapp.conversation).toMatchObject({ id: wa.conversation.id, channel: 'Channel::Whatsapp', contact_inbox: { source_id: '36305555555', hmac_verified: false }, meta: { hmac_verified: false } });
    expect(fromWidget.conversation).toMatchObject({ id: widget.conversation.id, channel: 'Channel::WebWidget', contact_inbox: { hmac_verified: true }, meta: { hmac_verified: true } });
    expect(fromWhatsapp.conversation.inbox_id).not.toBe(fromWidget.conversation.inbox_id);
    expect(cw.conversations().find((c) => c.id === wa.conversation.id)).toMatchObject({ channel: 'Channel::Whatsapp', meta: { channel: 'Channel::Whatsapp' } });
  });

  it("lists a contact's 20 latest conversations and a conversation's 20 latest messages, older ones with before", async () => {
    const { json } = await createContact({ name: 'Jane', phone_number: '+36305555555' });
    const contactId = json.payload.contact.id;
    for (let i = 0; i < 22; i++) await api('POST', '/conversations', { inbox_id: cw.inboxId, contact_id: contactId });
    expect((await api('GET', `/contacts/${contactId}/conversations`)).json.payload).toHaveLength(20);
    const [first] = cw.conversations();
    for (let i = 0; i < 23; i++) await api('POST', `/conversations/${first!.id}/messages`, { content: `m${i}`, private: true });
    const latest = (await api('GET', `/conversations/${first!.id}/messages`)).json.payload;
    expect(latest.map((m: { content: string }) => m.content)).toEqual(Array.from({ length: 20 }, (_, i) => `m${i + 3}`));
    const older = (await api('GET', `/conversations/${first!.id}/messages?before=${latest[0].id}`)).json.payload;
    expect(older.map((m: { content: string }) => m.content)).toEqual(['m0', 'm1', 'm2']);
  });

  it('sends a message without text as content null with its attachments, in the webhook and over REST', async () => {
    const { conversation } = cw.receiveCustomerMessage({ content: null, attachments: ['image', 'location'], phone: '+36303333334' });
    await cw.webhooksIdle();
    const payload = JSON.parse(received[0]!.body);
    expect(payload).toMatchObject({ content: null, message_type: 'incoming', attachments: [{ file_type: 'image', data_url: expect.any(String) }, { file_type: 'location', coordinates_lat: expect.any(Number) }] });
    expect(cw.messages(conversation.id)[0]!.attachments).toHaveLength(2);
  });

  it('opens a pending conversation with an activity note when the bot webhook keeps failing', async () => {
    hookStatus = 500;
    const { conversation } = cw.receiveCustomerMessage({ content: 'Hello', phone: '+36304444444' });
    await cw.webhooksIdle();
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => r.headers['x-chatwoot-delivery'])).size).toBe(1);
    expect(cw.conversations()[0]).toMatchObject({ id: conversation.id, status: 'open' });
    expect(cw.messages(conversation.id).at(-1)).toMatchObject({ message_type: 2 });
  });

  it('answers an injected 429 in plain text like rack-attack', async () => {
    cw.faults.set({ failNext: { count: 1, status: 429 } });
    const res = await api('GET', '/contacts');
    expect(res.status).toBe(429);
    expect(res.text.trim()).toBe('Retry later');
  });

  it('answers rateLimitRatio as rack-attack throttles: 429 "Retry later" without a Retry-After header', async () => {
    cw.faults.set({ rateLimitRatio: 1 });
    const res = await fetch(`${cw.url}/api/v1/accounts/${cw.accountId}/contacts`, { headers: { api_access_token: cw.userToken } });
    cw.faults.clear();
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after'), 'Chatwoot does not switch on throttled_response_retry_after_header').toBeNull();
    expect((await res.text()).trim()).toBe('Retry later');
  });
});
