import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GeminiReply, type GeminiStandIn } from '../../sandbox/gemini/index.js';
import { workflowIds } from '../../src/contracts/workflow-ids.js';
import { chatWorklogs, kokoDecisions } from '../../src/db/schema.js';
import type { chatWorklog } from '../../src/workflows/chat-worklog.js';
import type { KokoConversationResult } from '../../src/workflows/koko-conversation.js';
import { eventually } from '../support/eventually.js';
import { newCustomer, type Harness } from '../support/harness.js';
import { kokoTeams, startKokoStack } from '../support/koko-stack.js';

const teams = kokoTeams;

let h: Harness;
let gemini: GeminiStandIn;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ h, gemini, close } = await startKokoStack('koko-fault-test', { CHATWOOT_INBOX_ID: '1' }));
});
afterAll(async () => {
  await close?.();
});

/** Gemini's structured answer: a service request, with or without a described fault. */
const service = (confidence: number, faultDescribed: boolean): GeminiReply => ({
  json: { intent: 'szerviz', confidence, language: 'hu', suggestedReply: 'Köszönjük, kollégánk hamarosan jelentkezik.', needsHuman: false, reason: 'teszt', faultDescribed },
});
const marker = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;

const requestsOf = (conversationId: number) => h.db.select().from(chatWorklogs).where(eq(chatWorklogs.conversationId, conversationId)).orderBy(chatWorklogs.createdAt);
const worklogsOf = (conversationId: number) => h.kgc.worklogs().filter((w) => w.chatwoot_conversation_id === conversationId);
const decisionsOf = async (conversationId: number) => (await h.db.select().from(kokoDecisions).where(eq(kokoDecisions.conversationId, conversationId)).orderBy(kokoDecisions.decidedAt)).map((d) => [d.decision, d.reason]);
/** The worklog workflow Koko starts for the customer's message. */
async function worklogRun(conversationId: number, messageId: number) {
  const handle = h.client.workflow.getHandle<typeof chatWorklog>(workflowIds.chatWorklog(conversationId, `koko:${messageId}`));
  await eventually(() => handle.describe().then(() => true, () => undefined), `chat-worklog for message ${messageId}`);
  return handle.result();
}
async function kokoResult(conversationId: number): Promise<KokoConversationResult> {
  const handle = h.client.workflow.getHandle(workflowIds.kokoConversation(conversationId));
  await eventually(() => handle.describe().then(() => true, () => undefined), `koko/${conversationId}`);
  return handle.result() as Promise<KokoConversationResult>;
}

describe('chat → KGC worklog (Koko reads a fault in a szerviz message)', () => {
  it('opens one worklog for the verified customer with note and confirmation; a second fault message or a later label opens none', async () => {
    const m = marker('fault');
    gemini.script(m, service(0.9, true), service(0.3, true));
    const c = newCustomer();
    h.kgc.putCustomer(c);
    const first = h.chatwoot.receiveCustomerMessage({ content: `${m} A fűnyíróm nem indul, és füstöl a motorja.`, phone: c.phone, channel: 'Channel::Whatsapp' });
    const conversationId = first.conversation.id;

    const opened = await worklogRun(conversationId, first.message.id);
    expect(opened).toMatchObject({ status: 'opened', customerId: c.customer_id });
    const id = (opened as { worklogId: string }).worklogId;
    expect(worklogsOf(conversationId), 'one worklog in KGC').toHaveLength(1);
    expect(worklogsOf(conversationId)[0]).toMatchObject({ worklog_id: id, customer_id: c.customer_id });
    expect(worklogsOf(conversationId)[0]!.issue_description).toContain('nem indul');
    await h.chatwoot.webhooksIdle();
    const msgs = h.chatwoot.messages(conversationId);
    expect(msgs.filter((x) => x.private && x.content?.includes(`KGC munkalap megnyitva: ${id}`)), 'the private note').toHaveLength(1);
    expect(msgs.filter((x) => !x.private && x.message_type === 1 && x.content?.includes(`Munkalapszám: ${id}`)), 'the confirmation, and no reply of Koko beside it').toHaveLength(1);
    expect(msgs.filter((x) => !x.private && x.message_type === 1), 'only the confirmation answered the customer').toHaveLength(1);
    await eventually(async () => (await decisionsOf(conversationId)).some(([d]) => d === 'worklog_requested'), 'Koko audits the worklog request');

    // The customer writes about the fault again: the conversation has its worklog, Koko answers as usual (here: a human).
    const second = h.chatwoot.receiveCustomerMessage({ content: `${m} Azóta szivárog is az olaj.`, conversationId });
    expect(await worklogRun(conversationId, second.message.id)).toEqual({ status: 'exists', conversationId, worklogId: id });
    expect(await kokoResult(conversationId)).toMatchObject({ outcome: 'handed_off' });
    expect(await decisionsOf(conversationId)).toEqual([
      ['worklog_requested', 'opened'],
      ['escalated', 'low_confidence'],
    ]);

    // An agent adds the label later: the conversation's worklog is there already.
    await fetch(`${h.chatwoot.url}/api/v1/accounts/${h.chatwoot.accountId}/conversations/${conversationId}/labels`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', api_access_token: h.chatwoot.userToken },
      body: JSON.stringify({ labels: ['munkalap'] }),
    });
    await h.chatwoot.webhooksIdle();
    await eventually(async () => (await requestsOf(conversationId)).find((r) => r.source === 'label' && r.status === 'superseded'), 'the label request superseded');
    expect(worklogsOf(conversationId), 'still one worklog').toHaveLength(1);
    expect((await requestsOf(conversationId)).map((r) => [r.source, r.status])).toEqual([
      ['koko', 'opened'],
      ['koko', 'superseded'],
      ['label', 'superseded'],
    ]);
  });

  it('a fault from a writer nobody vouches for opens no worklog: the service team gets the conversation with the reason', async () => {
    const m = marker('unverified');
    gemini.script(m, service(0.9, true));
    const c = newCustomer();
    h.kgc.putCustomer(c);
    // The API inbox: the phone is whatever the visitor typed, even a real customer's.
    const { conversation, message } = h.chatwoot.receiveCustomerMessage({ content: `${m} Elromlott a gépem, ez az én számom.`, phone: c.phone });

    expect(await worklogRun(conversation.id, message.id)).toEqual({ status: 'unidentified', conversationId: conversation.id, reason: 'unverified_sender' });
    expect(await kokoResult(conversation.id)).toMatchObject({ outcome: 'handed_off' });
    expect(worklogsOf(conversation.id)).toHaveLength(0);
    expect(h.kgc.requests.some((r) => decodeURIComponent(r.path).includes(c.phone)), 'the typed phone was never looked up').toBe(false);
    await h.chatwoot.webhooksIdle();
    expect(h.chatwoot.conversations().find((x) => x.id === conversation.id)).toMatchObject({ status: 'open', meta: { team: { id: teams.szerviz } } });
    const notes = h.chatwoot.messages(conversation.id).filter((x) => x.private);
    expect(notes.filter((x) => x.content?.includes('munkalapot kértek, de az ügyfél nem azonosított')), 'one handoff note, with the reason').toHaveLength(1);
    expect(await decisionsOf(conversation.id)).toEqual([['escalated', 'worklog_customer_unidentified:unverified_sender']]);
  });
});
