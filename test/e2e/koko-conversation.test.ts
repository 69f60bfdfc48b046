import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signChatwootWebhook } from '../../sandbox/index.js';
import { type GeminiReply, type GeminiStandIn } from '../../sandbox/gemini/index.js';
import { kgcCustomerIdKey } from '../../src/contracts/search-attributes.js';
import { kokoDecisions, kokoMessages, kokoSuggestions } from '../../src/db/schema.js';
import { type KokoConversationResult } from '../../src/workflows/koko-conversation.js';
import { newCustomer, type Harness } from '../support/harness.js';
import { kokoTeams, startKokoStack } from '../support/koko-stack.js';
import { decideSignal, kokoStatus } from '../../src/contracts/workflow-messages.js';
import { maybeRecordHistory } from '../support/record-histories.js';
import { historyText } from '../support/history-text.js';

// Long enough for an approval to land first on a loaded 2-core CI machine, short enough for the timeout test.
const approvalTimeout = 10_000;
const teams = kokoTeams;

let h: Harness;
let gemini: GeminiStandIn;
let chatwootSecret: string;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ h, gemini, webhookSecret: chatwootSecret, close } = await startKokoStack('koko-test', { KOKO_APPROVAL_TIMEOUT: `${approvalTimeout / 1000}s` }));
});
afterAll(async () => {
  await close?.();
});

/** A unique marker per test: the Gemini stand-in answers by it, and no test sees another's conversation. */
const marker = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;
const classified = (confidence: number, reply: string, intent = 'berles', needsHuman = false): GeminiReply => ({
  json: { intent, confidence, language: 'hu', suggestedReply: reply, needsHuman, reason: 'teszt' },
});

async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

type Channel = 'Channel::Api' | 'Channel::WebWidget' | 'Channel::Whatsapp';
/** A customer writes; without a channel, through the support API inbox, where nobody vouches for the writer. */
function customerWrites(content: string, o: { phone?: string; conversationId?: number; contactId?: number; channel?: Channel; hmacVerified?: boolean } = {}) {
  return h.chatwoot.receiveCustomerMessage({ content, phone: o.phone ?? `+3620${String(Math.floor(Math.random() * 9_000_000) + 1_000_000)}`, ...o });
}
/** Whether KGC was asked about this phone at all. */
const kgcAskedAbout = (phone: string) => h.kgc.requests.some((r) => decodeURIComponent(r.path).includes(phone));
const messages = (conversationId: number) => h.chatwoot.messages(conversationId);
const conversation = (conversationId: number) => h.chatwoot.conversations().find((c) => c.id === conversationId)!;
const handle = (conversationId: number) => h.client.workflow.getHandle(`koko/${conversationId}`);
/** The webhook reaches us asynchronously: wait until the run exists, then for its result. */
async function result(conversationId: number): Promise<KokoConversationResult> {
  await waitFor(() => handle(conversationId).describe().then(() => true, () => undefined), `workflow koko/${conversationId}`);
  return handle(conversationId).result() as Promise<KokoConversationResult>;
}
const decisions = (conversationId: number) => h.db.select().from(kokoDecisions).where(eq(kokoDecisions.conversationId, conversationId));
const suggestionsOf = (conversationId: number) => h.db.select().from(kokoSuggestions).where(eq(kokoSuggestions.conversationId, conversationId));

type PendingSuggestion = { id: string; conversationId: number; confidence: number; suggestedReply: string; accountData: boolean; expiresAt: string };
async function pendingSuggestion(conversationId: number): Promise<PendingSuggestion> {
  return waitFor(async () => {
    const res = await h.admin('GET', '/koko/suggestions?status=pending');
    return (res.body as PendingSuggestion[]).find((s) => s.conversationId === conversationId);
  }, `a pending suggestion in conversation ${conversationId}`);
}

/** Posts a Chatwoot-signed webhook ourselves, to read the answer. */
async function postWebhook(payload: unknown, o: { deliveryId?: string; secret?: string } = {}) {
  const body = JSON.stringify(payload);
  const res = await fetch(`${h.apiUrl}/webhooks/chatwoot`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Chatwoot-Delivery': o.deliveryId ?? randomUUID(), ...signChatwootWebhook(o.secret ?? chatwootSecret, body) },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function agentReplies(conversationId: number, content: string, isPrivate = false) {
  const res = await fetch(`${h.chatwoot.url}/api/v1/accounts/${h.chatwoot.accountId}/conversations/${conversationId}/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', api_access_token: h.chatwoot.userToken },
    body: JSON.stringify({ content, message_type: 'outgoing', private: isPrivate }),
  });
  expect(res.status).toBe(200);
}

async function historyOf(conversationId: number): Promise<string> {
  return historyText(await handle(conversationId).fetchHistory());
}

function expectEscalated(conversationId: number, team: number, noteContains: string) {
  const c = conversation(conversationId);
  expect(c.status).toBe('open');
  expect(c.priority).toBe('high');
  expect(c.meta.team?.id).toBe(team);
  const notes = messages(conversationId).filter((m) => m.private && m.content?.includes('Koko átadta'));
  expect(notes).toHaveLength(1);
  expect(notes[0]!.content).toContain(noteContains);
}

describe('kokoConversation', () => {
  it('answers a confident classification without account data at once', async () => {
    const m = marker('AUTO');
    gemini.script(m, classified(0.92, 'Hétköznap 7 és 17 óra között vagyunk nyitva.', 'altalanos'));

    const { conversation: conv, message } = customerWrites(`${m} Mikor vagytok nyitva?`);
    const reply = await waitFor(() => messages(conv.id).find((x) => x.message_type === 1 && !x.private), 'the auto reply');
    expect(reply.content).toBe('Hétköznap 7 és 17 óra között vagyunk nyitva.');
    expect(reply.sender?.type).toBe('agent_bot');
    expect(conversation(conv.id).status).toBe('pending');
    const prompt = gemini.requests.find((r) => r.prompt.includes(m))!;
    expect(prompt.body.generationConfig.responseMimeType).toBe('application/json');

    const status = await waitFor(async () => {
      const s = await handle(conv.id).query(kokoStatus);
      return s.replies === 1 && s.phase === 'waiting' ? s : undefined;
    }, 'the workflow to wait for the next message');
    expect(status.unanswered).toBe(0);
    expect((await decisions(conv.id)).map((d) => `${d.decision}:${d.decidedBy}`)).toEqual(['auto_reply:koko']);
    const history = await historyOf(conv.id);
    for (const personal of [message.content!, reply.content!]) expect(history).not.toContain(personal);

    expect((await postWebhook({ event: 'conversation_status_changed', id: conv.id, status: 'resolved', changed_attributes: [] })).body).toEqual({ status: 'accepted' });
    expect(await result(conv.id)).toEqual({ conversationId: conv.id, outcome: 'resolved', replies: 1 });
  });

  it('gives a WhatsApp customer an answer from their KGC rentals only through an admin, however confident', async () => {
    const m = marker('VERIFIED');
    const c = newCustomer();
    h.kgc.putCustomer(c);
    h.kgc.putRental({ rental_id: `R-${m}`, customer_id: c.customer_id, machine_name: 'Makita talajvágó', rental_start: '2025-12-28', rental_end: '2025-12-30', status: 'active' });
    gemini.script(m, classified(0.95, 'A talajvágó bérlése 12-30-án jár le.'));

    const { conversation: conv, message } = customerWrites(`${m} Meddig tart a bérlésem?`, { phone: c.phone, channel: 'Channel::Whatsapp' });
    const s = await pendingSuggestion(conv.id);
    expect(s).toMatchObject({ confidence: 0.95, accountData: true });
    const prompt = gemini.requests.find((r) => r.prompt.includes(m))!;
    expect(prompt.prompt).toContain('Makita talajvágó');
    expect(prompt.prompt).not.toContain(c.phone);
    expect(prompt.prompt).not.toContain(c.name);
    expect(messages(conv.id).find((x) => x.private)?.content).toContain('KGC-adataira épül');
    expect(messages(conv.id).filter((x) => x.message_type === 1 && !x.private), 'a reply with account data must not go out without an admin').toHaveLength(0);
    expect((await handle(conv.id).describe()).typedSearchAttributes.get(kgcCustomerIdKey)).toBe(c.customer_id);
    expect((await suggestionsOf(conv.id))[0]).toMatchObject({ customerId: c.customer_id, accountData: true });

    const approved = await h.admin('POST', `/koko/suggestions/${s.id}/approve`, { by: 'anna' });
    expect(approved.body).toEqual({ status: 'sent', messageId: expect.any(Number) });
    const reply = messages(conv.id).find((x) => x.id === approved.body.messageId)!;
    expect(reply).toMatchObject({ content: 'A talajvágó bérlése 12-30-án jár le.', private: false });
    await waitFor(async () => (await decisions(conv.id)).find((d) => d.decision === 'approved'), 'the approval audit');
    expect((await decisions(conv.id)).map((d) => `${d.decision}:${d.decidedBy}`)).toEqual(['approved:anna']);

    const history = await historyOf(conv.id);
    for (const personal of [message.content!, reply.content!, c.phone, c.name]) expect(history).not.toContain(personal);

    expect((await postWebhook({ event: 'conversation_status_changed', id: conv.id, status: 'resolved', changed_attributes: [] })).body).toEqual({ status: 'accepted' });
    expect(await result(conv.id)).toEqual({ conversationId: conv.id, outcome: 'resolved', replies: 1 });
  });

  it.each(['Channel::WebWidget', 'Channel::Api'] as const)('gives a %s writer who types a real customer’s phone none of that customer’s data', async (channel) => {
    const m = marker('UNVERIFIED');
    const c = newCustomer();
    h.kgc.putCustomer(c);
    h.kgc.putRental({ rental_id: `R-${m}`, customer_id: c.customer_id, machine_name: `Hilti bontókalapács ${m}`, rental_start: '2025-12-28', rental_end: '2025-12-30', status: 'active' });
    gemini.script(m, classified(0.95, 'Kérjük, írjon a KGC-nél megadott telefonszámáról.', 'berles'));

    const { conversation: conv } = customerWrites(`${m} Mi van a gépemmel?`, { phone: c.phone, channel });
    expect(conv.meta.sender?.phone_number).toBe(c.phone);
    await waitFor(() => messages(conv.id).find((x) => x.message_type === 1 && !x.private), 'the reply');
    const prompt = gemini.requests.find((r) => r.prompt.includes(m))!.prompt;
    expect(prompt, 'the customer’s rental reached Gemini for an unverified writer').not.toContain('Hilti bontókalapács');
    expect(prompt).not.toContain(`R-${m}`);
    expect(kgcAskedAbout(c.phone), 'KGC was asked about a phone the writer typed').toBe(false);
    expect((await suggestionsOf(conv.id))[0]!.customerId).toBeNull();
    expect((await handle(conv.id).describe()).typedSearchAttributes.get(kgcCustomerIdKey)).toBeUndefined();
    await handle(conv.id).terminate('test done');
  });

  it('counts a partner-linked contact only once Chatwoot vouches for the writer (HMAC), not when a visitor is merged into it', async () => {
    const visitor = marker('MERGED');
    const loggedIn = marker('HMAC');
    const c = newCustomer();
    h.kgc.putCustomer(c);
    h.kgc.putRental({ rental_id: `R-${loggedIn}`, customer_id: c.customer_id, machine_name: `Bosch fúrókalapács ${loggedIn}`, rental_start: '2025-12-28', rental_end: '2025-12-30', status: 'active' });
    expect((await h.send('customer.created', c)).status).toBe(202);
    await h.partnerSyncResult(c.customer_id);
    const contact = h.contactOf(c.customer_id)!;
    gemini.script(visitor, classified(0.95, 'Kérjük, jelentkezzen be a weboldalon.', 'berles'));
    gemini.script(loggedIn, classified(0.95, 'A fúrókalapács bérlése 12-30-án jár le.', 'berles'));

    // The pre-chat form's phone merges the widget visitor into the contact this service created.
    const { conversation: conv } = customerWrites(`${visitor} Mi van a gépemmel?`, { phone: c.phone, channel: 'Channel::WebWidget' });
    expect(conv.meta.sender?.id).toBe(contact.id);
    await waitFor(() => messages(conv.id).find((x) => x.message_type === 1 && !x.private), 'the reply to the visitor');
    expect(gemini.requests.find((r) => r.prompt.includes(visitor))!.prompt, 'a merged visitor saw the linked customer’s rental').not.toContain('Bosch fúrókalapács');

    customerWrites(`${loggedIn} Meddig tart a bérlésem?`, { conversationId: conv.id, hmacVerified: true });
    const s = await pendingSuggestion(conv.id);
    expect(gemini.requests.find((r) => r.prompt.includes(loggedIn))!.prompt).toContain('Bosch fúrókalapács');
    expect(s.suggestedReply).toBe('A fúrókalapács bérlése 12-30-án jár le.');
    expect(messages(conv.id).filter((x) => x.message_type === 1 && !x.private)).toHaveLength(1);
    await handle(conv.id).terminate('test done');
  });

  it('posts a mid-confidence suggestion as a private note and sends the admin’s edited reply once approved', async () => {
    const m = marker('EDIT');
    gemini.script(m, classified(0.65, 'Javasolt válasz a szervizről.', 'szerviz'));
    const { conversation: conv } = customerWrites(`${m} Kész van már a fűnyíróm?`);
    const s = await pendingSuggestion(conv.id);
    expect(s).toMatchObject({ confidence: 0.65, suggestedReply: 'Javasolt válasz a szervizről.', accountData: false });
    const note = messages(conv.id).find((x) => x.private)!;
    expect(note.content).toContain('Javasolt válasz a szervizről.');
    expect(note.content).toContain('65%');
    expect(messages(conv.id).filter((x) => x.message_type === 1 && !x.private)).toHaveLength(0);

    const approved = await h.admin('POST', `/koko/suggestions/${s.id}/approve`, { by: 'anna', reply: 'Szerkesztett válasz: holnap kész.' });
    expect(approved.status).toBe(200);
    expect(approved.body).toEqual({ status: 'sent', messageId: expect.any(Number) });
    const sent = messages(conv.id).find((x) => x.id === approved.body.messageId)!;
    expect(sent).toMatchObject({ content: 'Szerkesztett válasz: holnap kész.', private: false, message_type: 1 });

    const again = await h.admin('POST', `/koko/suggestions/${s.id}/approve`, { by: 'bela' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_decided');
    expect((await h.admin('POST', `/koko/suggestions/${randomUUID()}/approve`, { by: 'anna' })).status).toBe(404);

    const audit = (await decisions(conv.id)).find((d) => d.decision === 'approved')!;
    expect(audit).toMatchObject({ decidedBy: 'anna', via: 'api', suggestionId: s.id, chatwootMessageId: approved.body.messageId });
    expect(audit.textId).toBeTruthy();
    expect(await historyOf(conv.id)).not.toContain('Szerkesztett válasz');
    await maybeRecordHistory(h, `koko/${conv.id}`, 'koko-approved-edited');
    await handle(conv.id).terminate('test done');
  });

  it('escalates to the intent’s team when the admin rejects', async () => {
    const m = marker('REJECT');
    gemini.script(m, classified(0.6, 'Talán ez a válasz.', 'ertekesites'));
    const { conversation: conv } = customerWrites(`${m} Mennyibe kerül egy fúró?`);
    const s = await pendingSuggestion(conv.id);
    const rejected = await h.admin('POST', `/koko/suggestions/${s.id}/reject`, { by: 'anna', reason: 'pontatlan ár' });
    expect(rejected).toEqual({ status: 200, body: { status: 'rejected' } });
    expect(await result(conv.id)).toEqual({ conversationId: conv.id, outcome: 'handed_off', replies: 0 });
    expectEscalated(conv.id, teams.ertekesites, 'elutasította');
    expect((await decisions(conv.id)).map((d) => `${d.decision}:${d.decidedBy}`).sort()).toEqual(['escalated:koko', 'rejected:anna']);
    expect((await suggestionsOf(conv.id))[0]!.status).toBe('rejected');
    expect(await historyOf(conv.id)).not.toContain('pontatlan ár');
  });

  it('escalates when no admin decides within KOKO_APPROVAL_TIMEOUT', async () => {
    const m = marker('TIMEOUT');
    gemini.script(m, classified(0.7, 'Várakozó javaslat.'));
    const { conversation: conv } = customerWrites(`${m} Hol a gépem?`);
    const s = await pendingSuggestion(conv.id);
    expect(Date.parse(s.expiresAt) - Date.now()).toBeLessThanOrEqual(approvalTimeout);
    expect((await result(conv.id)).outcome).toBe('handed_off');
    expectEscalated(conv.id, teams.berles, 'senki nem hagyta jóvá');
    expect((await suggestionsOf(conv.id))[0]!.status).toBe('expired');
    expect((await decisions(conv.id)).find((d) => d.decision === 'expired')?.decidedBy).toBe('timeout');
    expect((await h.admin('POST', `/koko/suggestions/${s.id}/approve`, { by: 'anna' })).status).toBe(409);
  });

  it('hands a low-confidence message straight to a human team', async () => {
    const m = marker('LOW');
    gemini.script(m, classified(0.3, 'Nem tudom.', 'szerviz'));
    const { conversation: conv } = customerWrites(`${m} Valami furcsa zajt ad a gép.`);
    expect((await result(conv.id)).outcome).toBe('handed_off');
    expectEscalated(conv.id, teams.szerviz, 'alacsony AI biztonság');
    expect(messages(conv.id).filter((x) => x.message_type === 1 && !x.private)).toHaveLength(0);
  });

  it('hands a photo, voice message or location without text to a human instead of ignoring it', async () => {
    for (const attachments of [['image'], ['audio'], ['location']] as const) {
      const before = gemini.requests.length;
      const { conversation: conv } = h.chatwoot.receiveCustomerMessage({ content: null, attachments: [...attachments], phone: `+3620${String(Math.floor(Math.random() * 9_000_000) + 1_000_000)}` });
      expect((await result(conv.id)).outcome, `${attachments[0]} only`).toBe('handed_off');
      expectEscalated(conv.id, teams.altalanos, 'csatolmányt küldött szöveg nélkül');
      expect(gemini.requests.length, 'nothing to classify').toBe(before);
    }
  });

  it('retries a Gemini 503 and then answers', async () => {
    const m = marker('RETRY');
    gemini.script(m, { status: 503 }, classified(0.9, 'Második próbára sikerült.'));
    const { conversation: conv } = customerWrites(`${m} Nyitva vagytok szombaton?`);
    const reply = await waitFor(() => messages(conv.id).find((x) => x.message_type === 1 && !x.private), 'the reply after a retry');
    expect(reply.content).toBe('Második próbára sikerült.');
    expect(gemini.requests.filter((r) => r.prompt.includes(m))).toHaveLength(2);
    await handle(conv.id).terminate('test done');
  });

  it('escalates when Gemini stays unavailable through every retry', async () => {
    const m = marker('DOWN');
    gemini.script(m, { status: 503 });
    const { conversation: conv } = customerWrites(`${m} Van valaki?`);
    expect((await result(conv.id)).outcome).toBe('handed_off');
    expectEscalated(conv.id, teams.altalanos, 'nem érhető el');
    expect(gemini.requests.filter((r) => r.prompt.includes(m))).toHaveLength(4);
  });

  it('answers Chatwoot well within its 5 s, whatever the workflow then does', async () => {
    const m = marker('ACK');
    gemini.script(m, classified(0.3, 'x'));
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const payload = { event: 'message_created', id: 770_000 + i, content: `${m} ${i}`, message_type: 'incoming', private: false, content_attributes: {}, sender: { id: 9, type: 'contact' }, conversation: { id: 770_000 + i, status: 'pending' } };
      const t0 = performance.now();
      expect((await postWebhook(payload)).body).toEqual({ status: 'accepted' });
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    console.info(`chatwoot webhook ack: p50 ${times[10]!.toFixed(1)} ms, max ${times[19]!.toFixed(1)} ms (20 accepted deliveries)`);
    expect(times[19]).toBeLessThan(4_000);
    for (let i = 0; i < 20; i++) await result(770_000 + i);
  });

  it('escalates at once when the daily Gemini quota is exhausted (no retries)', async () => {
    const m = marker('QUOTA');
    gemini.script(m, { quota: 'day' });
    const { conversation: conv } = customerWrites(`${m} Szia!`);
    expect((await result(conv.id)).outcome).toBe('handed_off');
    expectEscalated(conv.id, teams.altalanos, 'napi kerete');
    expect(gemini.requests.filter((r) => r.prompt.includes(m))).toHaveLength(1);
    expect((await decisions(conv.id)).find((d) => d.decision === 'escalated')?.reason).toBe('gemini_daily_quota');
  });

  it.each([
    ['a blocked prompt', { blockReason: 'SAFETY' } as GeminiReply, 'gemini_unusable:blocked:SAFETY'],
    ['unparseable JSON', { text: '{"intent": "berles", "confid' } as GeminiReply, 'gemini_unusable:unparseable'],
    ['a SAFETY finish', { json: {}, finishReason: 'SAFETY' } as GeminiReply, 'gemini_unusable:finish:SAFETY'],
    ['schema-invalid JSON', { json: { intent: 'pizza', confidence: 2 } } as GeminiReply, 'gemini_unusable:schema_invalid'],
  ])('never guesses: %s goes to a human', async (_name, reply, reason) => {
    const m = marker('UNUSABLE');
    gemini.script(m, reply);
    const { conversation: conv } = customerWrites(`${m} Kérdésem van.`);
    expect((await result(conv.id)).outcome).toBe('handed_off');
    expectEscalated(conv.id, teams.altalanos, 'nem használható');
    expect((await decisions(conv.id)).find((d) => d.decision === 'escalated')?.reason).toBe(reason);
  });

  it('stops when an agent replies, superseding the pending suggestion', async () => {
    const m = marker('AGENT');
    gemini.script(m, classified(0.6, 'Ezt nem kellene elküldeni.'));
    const { conversation: conv } = customerWrites(`${m} Segítség kellene.`);
    const s = await pendingSuggestion(conv.id);
    await agentReplies(conv.id, 'Itt Anna, segítek.');
    expect(await result(conv.id)).toEqual({ conversationId: conv.id, outcome: 'agent_replied', replies: 0 });
    expect((await suggestionsOf(conv.id))[0]!.status).toBe('superseded');
    expect((await h.admin('POST', `/koko/suggestions/${s.id}/approve`, { by: 'anna' })).status).toBe(409);
    expect(messages(conv.id).some((x) => x.content === 'Ezt nem kellene elküldeni.')).toBe(false);
  });

  it('starts nothing for private notes, its own messages, open conversations or unknown events', async () => {
    const m = marker('QUIET');
    gemini.script(m, classified(0.95, 'Nem szabadna futnia.'));
    const { conversation: conv } = customerWrites(`${m} első`);
    await waitFor(() => messages(conv.id).find((x) => x.message_type === 1 && !x.private), 'the first reply');
    await handle(conv.id).terminate('test: quiet from here');
    const before = gemini.requests.length;

    await agentReplies(conv.id, `${m} privát megjegyzés`, true);
    await h.chatwoot.webhooksIdle();
    const base = { event: 'message_created', id: 990_000 + Math.floor(Math.random() * 1000), content: `${m} x`, private: false, content_attributes: {} };
    const conv2 = { id: conv.id, status: 'pending', contact_inbox: { contact_id: 1 } };
    expect((await postWebhook({ ...base, message_type: 'incoming', private: true, conversation: conv2 })).body).toEqual({ status: 'ignored' });
    expect((await postWebhook({ ...base, message_type: 'outgoing', content_attributes: { koko_key: 'reply:x' }, sender: { id: 1, type: 'agent_bot' }, conversation: conv2 })).body).toEqual({ status: 'ignored' });
    expect((await postWebhook({ ...base, message_type: 'incoming', conversation: { ...conv2, status: 'open' } })).body).toEqual({ status: 'ignored' });
    expect((await postWebhook({ event: 'contact_updated', id: 1 })).body).toEqual({ status: 'ignored' });
    expect((await postWebhook({ ...base, message_type: 'outgoing', sender: { id: 2, type: 'user' }, conversation: conv2 })).body).toEqual({ status: 'ignored' });
    const { status } = await handle(conv.id).describe();
    expect(status.name).toBe('TERMINATED');
    expect(gemini.requests.length).toBe(before);

    const delivery = randomUUID();
    const fresh = { ...base, id: base.id + 1, message_type: 'incoming', conversation: { ...conv2, id: 880_000 + Math.floor(Math.random() * 1000) } };
    expect(await postWebhook({ ...fresh, content: 'bad secret' }, { secret: 'wrong-secret' })).toMatchObject({ status: 401, body: { error: { code: 'invalid_signature' } } });
    expect((await postWebhook({ ...fresh, content: `${m} új` }, { deliveryId: delivery })).body).toEqual({ status: 'accepted' });
    expect((await postWebhook({ ...fresh, content: `${m} új` }, { deliveryId: delivery })).body).toEqual({ status: 'duplicate' });
    await handle(fresh.conversation.id).terminate('test done');
  });

  it('supersedes a waiting suggestion when the customer writes again, and answers both messages', async () => {
    const first = marker('FIRST');
    const second = marker('SECOND');
    gemini.script(second, classified(0.9, 'Válasz mindkét kérdésre.'));
    gemini.script(first, classified(0.6, 'Elavult javaslat.'));
    const { conversation: conv } = customerWrites(`${first} Mikor nyittok?`);
    const s = await pendingSuggestion(conv.id);
    customerWrites(`${second} És hétvégén?`, { conversationId: conv.id });
    const reply = await waitFor(() => messages(conv.id).find((x) => x.message_type === 1 && !x.private), 'the reply to both messages');
    expect(reply.content).toBe('Válasz mindkét kérdésre.');
    const prompt = gemini.requests.find((r) => r.prompt.includes(second))!.prompt;
    expect(prompt).toContain(first);
    expect((await h.admin('POST', `/koko/suggestions/${s.id}/approve`, { by: 'anna' })).status).toBe(409);
    const rows = await suggestionsOf(conv.id);
    expect(rows.find((r) => r.id === s.id)!.status).toBe('superseded');
    expect(messages(conv.id).some((x) => x.content === 'Elavult javaslat.')).toBe(false);
    await handle(conv.id).terminate('test done');
  });

  it('is erased with the customer: a GDPR delete stops the run and removes texts and suggestions', async () => {
    const m = marker('GDPR');
    const c = newCustomer();
    h.kgc.putCustomer(c);
    gemini.script(m, classified(0.9, 'Törlendő válasz.'));
    const { conversation: conv } = customerWrites(`${m} Töröljétek az adataimat.`, { phone: c.phone, channel: 'Channel::Whatsapp' });
    await pendingSuggestion(conv.id);
    expect((await suggestionsOf(conv.id)).length).toBe(1);

    h.kgc.deleteCustomer(c.customer_id);
    expect((await h.send('customer.deleted', { customer_id: c.customer_id, gdpr_reason: 'customer_request' })).status).toBe(202);
    expect(await h.client.workflow.getHandle(`gdpr-delete/${c.customer_id}`).result()).toMatchObject({ status: 'complete' });
    const certificate = (await h.admin('GET', `/admin/erasures/${c.customer_id}`)).body;
    expect(certificate.systems.find((x: { system: string }) => x.system === 'koko')).toMatchObject({ status: 'erased', erased: { conversations: 1, suggestions: 1 } });
    expect((await handle(conv.id).describe()).status.name).toBe('CANCELLED');
    expect(await suggestionsOf(conv.id)).toEqual([]);
    const left = await h.db.select().from(kokoMessages).where(eq(kokoMessages.conversationId, conv.id));
    expect(left).toEqual([]);
  });

  it('takes the same decision as a signal from the Web UI or CLI', async () => {
    const m = marker('SIGNAL');
    gemini.script(m, classified(0.7, 'Jóváhagyva a CLI-ből.'));
    const { conversation: conv } = customerWrites(`${m} Kérdés.`);
    const s = await pendingSuggestion(conv.id);
    await handle(conv.id).signal(decideSignal, { suggestionId: 'not-this-one', decision: 'approve', by: 'cli' });
    await handle(conv.id).signal(decideSignal, { suggestionId: s.id, decision: 'approve', by: 'cli-admin' });
    const reply = await waitFor(() => messages(conv.id).find((x) => x.message_type === 1 && !x.private), 'the signalled approval');
    expect(reply.content).toBe('Jóváhagyva a CLI-ből.');
    await waitFor(async () => (await decisions(conv.id)).find((d) => d.decision === 'approved'), 'the audit row');
    expect((await decisions(conv.id)).find((d) => d.decision === 'approved')).toMatchObject({ decidedBy: 'cli-admin', via: 'signal' });
    await handle(conv.id).terminate('test done');
  });
});
