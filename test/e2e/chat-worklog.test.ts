import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatwootDeliveries, chatWorklogs } from '../../src/db/schema.js';
import { workflowIds } from '../../src/contracts/workflow-ids.js';
import type { chatWorklog } from '../../src/workflows/chat-worklog.js';
import type { kokoConversation } from '../../src/workflows/koko-conversation.js';
import { eventually } from '../support/eventually.js';
import { newCustomer, startHarness, type Harness } from '../support/harness.js';

const chatwootSecret = 'worklog-test-chatwoot-secret';
const botToken = 'worklog-test-bot-token';
const teams = { berles: 1, szerviz: 2, ertekesites: 3, altalanos: 1 };

let h: Harness;
beforeAll(async () => {
  // No Gemini key: Koko hands every conversation to a human at once, which leaves the agents' label to test.
  h = await startHarness({
    chatwoot: { botToken, webhookSecret: chatwootSecret },
    env: { CHATWOOT_WEBHOOK_SECRET: chatwootSecret, CHATWOOT_BOT_TOKEN: botToken, KOKO_TEAMS: JSON.stringify(teams), CHATWOOT_INBOX_ID: '1' },
  });
  h.chatwoot.setBotWebhookUrl(`${h.apiUrl}/webhooks/chatwoot`);
});
afterAll(async () => {
  await h?.close();
});

/** An agent sets the conversation's labels in Chatwoot (the whole list, as the UI sends it). */
async function agentSetsLabels(conversationId: number, labels: string[]) {
  const res = await fetch(`${h.chatwoot.url}/api/v1/accounts/${h.chatwoot.accountId}/conversations/${conversationId}/labels`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', api_access_token: h.chatwoot.userToken },
    body: JSON.stringify({ labels }),
  });
  expect(res.status).toBe(200);
  await h.chatwoot.webhooksIdle();
}

const requestsOf = (conversationId: number) => h.db.select().from(chatWorklogs).where(eq(chatWorklogs.conversationId, conversationId)).orderBy(chatWorklogs.createdAt);
const worklogsOf = (conversationId: number) => h.kgc.worklogs().filter((w) => w.chatwoot_conversation_id === conversationId);
const messagesOf = (conversationId: number) => h.chatwoot.messages(conversationId);
/** The run of the conversation's `nth` label request (the workflow claims it a moment after the webhook's answer), once finished. */
async function latestRun(conversationId: number, status: 'opened' | 'unidentified' | 'superseded', nth = 1) {
  const row = await eventually(async () => (await requestsOf(conversationId)).filter((r) => r.source === 'label')[nth - 1], `label request ${nth} in ${conversationId}`);
  const result = await h.client.workflow.getHandle<typeof chatWorklog>(workflowIds.chatWorklog(conversationId, row.requestId)).result();
  await eventually(async () => (await requestsOf(conversationId)).find((r) => r.requestId === row.requestId && r.status === status), `request ${row.requestId} ${status}`);
  return result;
}

/**
 * Koko's part is over: its run has handed the conversation over and posted its note, and Chatwoot's webhooks for
 * it are answered. Only then does the agent act, so Koko's late handoff (its team, its note) never lands in the
 * middle of the worklog's steps.
 */
async function kokoHandedOver(conversationId: number) {
  await h.chatwoot.webhooksIdle();
  const { outcome } = await h.client.workflow.getHandle<typeof kokoConversation>(workflowIds.kokoConversation(conversationId)).result();
  expect(outcome, 'no Gemini key: Koko hands the conversation over at once').toBe('handed_off');
  await h.chatwoot.webhooksIdle();
}

/** A KGC customer writes on WhatsApp (the carrier vouches for the phone), and Koko hands the conversation over. */
async function whatsappFault(text: string) {
  const c = newCustomer();
  h.kgc.putCustomer(c);
  const { conversation } = h.chatwoot.receiveCustomerMessage({ content: text, phone: c.phone, channel: 'Channel::Whatsapp' });
  await kokoHandedOver(conversation.id);
  return { customer: c, conversationId: conversation.id };
}

describe('chat → KGC worklog (the munkalap label)', () => {
  it('opens one worklog for the verified customer with note, attribute and confirmation; our own writes and a label kept on start nothing; removed and re-added opens another', async () => {
    const { customer, conversationId } = await whatsappFault('A fűnyíróm nem indul, és füstöl a motorja.');
    await agentSetsLabels(conversationId, ['munkalap']);

    const result = await latestRun(conversationId, 'opened');
    expect(result).toMatchObject({ status: 'opened', customerId: customer.customer_id });
    const [worklog] = worklogsOf(conversationId);
    expect(worklogsOf(conversationId), 'one worklog').toHaveLength(1);
    expect(worklog).toMatchObject({ customer_id: customer.customer_id, status: 'received' });
    expect(worklog!.issue_description).toContain('nem indul');
    const id = worklog!.worklog_id;
    expect((result as { worklogId: string }).worklogId).toBe(id);
    const msgs = messagesOf(conversationId);
    expect(msgs.filter((m) => m.private && m.content?.includes(`KGC munkalap megnyitva: ${id}`)), 'the private note').toHaveLength(1);
    expect(msgs.filter((m) => !m.private && m.message_type === 1 && m.content?.includes(`Munkalapszám: ${id}`)), 'the confirmation').toHaveLength(1);
    expect(h.chatwoot.conversations().find((c) => c.id === conversationId)!.custom_attributes).toMatchObject({ kgc_worklog_id: id });

    // Our note, confirmation and attribute came back as webhooks: answered, ignored.
    await h.chatwoot.webhooksIdle();
    const ours = await h.db.select().from(chatwootDeliveries).where(eq(chatwootDeliveries.conversationId, conversationId));
    expect(ours.filter((d) => d.outcome === 'accepted').map((d) => d.event).sort(), 'only the customer message and the label were work').toEqual(['conversation_updated', 'message_created']);
    expect(ours.filter((d) => d.reason === 'own_message').length, 'Koko\'s handoff note, our note and confirmation recognised as ours').toBe(3);
    expect(ours.some((d) => d.event === 'conversation_updated' && d.reason === 'no_status_change'), 'the attribute write recognised').toBe(true);

    // Another label beside munkalap: no new request. Removed and added again: the agent asks for another worklog.
    await agentSetsLabels(conversationId, ['munkalap', 'surgos']);
    expect(worklogsOf(conversationId)).toHaveLength(1);
    await agentSetsLabels(conversationId, ['surgos']);
    await agentSetsLabels(conversationId, ['surgos', 'munkalap']);
    await latestRun(conversationId, 'opened', 2);
    expect(worklogsOf(conversationId), 'a second worklog after the label was re-added').toHaveLength(2);
    expect((await requestsOf(conversationId)).map((r) => [r.source, r.status])).toEqual([
      ['label', 'opened'],
      ['label_removed', 'recorded'],
      ['label', 'opened'],
    ]);
  });

  it('KGC down while the worklog is opened: retried, and created once when KGC is back', async () => {
    const { customer, conversationId } = await whatsappFault('A láncfűrész lánca leesik vágás közben.');
    h.kgc.faults.set({ down: true });
    try {
      await agentSetsLabels(conversationId, ['munkalap']);
      const row = await eventually(async () => (await requestsOf(conversationId))[0], 'the label request');
      const handle = h.client.workflow.getHandle(workflowIds.chatWorklog(conversationId, row.requestId));
      await eventually(async () => ((await handle.describe()).raw.pendingActivities?.[0]?.attempt ?? 0) >= 2, 'a retried KGC call');
      expect(worklogsOf(conversationId)).toHaveLength(0);
    } finally {
      h.kgc.faults.clear();
    }
    const result = await latestRun(conversationId, 'opened');
    expect(result).toMatchObject({ status: 'opened', customerId: customer.customer_id });
    expect(worklogsOf(conversationId), 'exactly one worklog').toHaveLength(1);
  });

  it('a writer nobody vouches for gets no worklog: the conversation goes to the service team with the reason', async () => {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    // The API inbox: the phone is whatever the visitor typed, even a real customer's.
    const { conversation } = h.chatwoot.receiveCustomerMessage({ content: 'Elromlott a gépem, ez az én számom.', phone: c.phone });
    await kokoHandedOver(conversation.id);
    await agentSetsLabels(conversation.id, ['munkalap']);
    expect(await latestRun(conversation.id, 'unidentified')).toEqual({ status: 'unidentified', conversationId: conversation.id, reason: 'unverified_sender' });
    expect(worklogsOf(conversation.id)).toHaveLength(0);
    expect(h.kgc.requests.some((r) => decodeURIComponent(r.path).includes(c.phone)), 'the typed phone was never looked up').toBe(false);
    const conv = h.chatwoot.conversations().find((x) => x.id === conversation.id)!;
    expect(conv).toMatchObject({ status: 'open', meta: { team: { id: teams.szerviz } } });
    expect(messagesOf(conversation.id).some((m) => m.private && m.content?.includes('munkalapot kértek, de az ügyfél nem azonosított'))).toBe(true);
    const [row] = await h.db.select().from(chatWorklogs).where(and(eq(chatWorklogs.conversationId, conversation.id), eq(chatWorklogs.source, 'label')));
    expect(row).toMatchObject({ status: 'unidentified', reason: 'unverified_sender', customerId: null });
  });
});

describe('worklog status → the same chat', () => {
  const statusEvent = (worklogId: string, customerId: string, status: string, status_hu: string, extra: Record<string, unknown> = {}) =>
    ({ worklog_id: worklogId, customer_id: customerId, status, status_hu, ...extra });
  const statusLines = (conversationId: number, worklogId: string) =>
    messagesOf(conversationId).filter((m) => !m.private && m.content?.startsWith(`Munkalap ${worklogId}:`)).map((m) => m.content);

  it('posts each status once into the conversation the worklog came from, and a late status never moves it back', async () => {
    const { customer, conversationId } = await whatsappFault('A betonkeverő motorja leállt.');
    await agentSetsLabels(conversationId, ['munkalap']);
    const { worklogId } = (await latestRun(conversationId, 'opened')) as { worklogId: string };
    const run = (status: string) => h.client.workflow.getHandle(workflowIds.worklogStatus(worklogId, status)).result();

    // KGC names the conversation on the first; the second relies on our record of the worklogs we opened.
    const first = await h.send('worklog.status_changed', statusEvent(worklogId, customer.customer_id, 'diagnosing', 'Hibafeltárás', { chatwoot_conversation_id: conversationId }), { id: `evt-${worklogId}-1` });
    expect(first).toMatchObject({ status: 202, body: { status: 'accepted', workflowId: `worklog-status/${worklogId}/diagnosing` } });
    expect(await run('diagnosing')).toMatchObject({ posted: true });
    await h.send('worklog.status_changed', statusEvent(worklogId, customer.customer_id, 'repairing', 'Javítás alatt', { estimated_completion: '2026-12-10' }), { id: `evt-${worklogId}-2` });
    expect(await run('repairing')).toMatchObject({ posted: true });
    // Delivered again under a new id, and a status KGC sent earlier arriving late.
    await h.send('worklog.status_changed', statusEvent(worklogId, customer.customer_id, 'repairing', 'Javítás alatt', { estimated_completion: '2026-12-10' }), { id: `evt-${worklogId}-3` });
    await h.send('worklog.status_changed', statusEvent(worklogId, customer.customer_id, 'waiting_for_parts', 'Alkatrészre vár'), { id: `evt-${worklogId}-4` });
    expect(await run('waiting_for_parts')).toMatchObject({ posted: false, reason: 'later_status_posted' });
    await h.chatwoot.webhooksIdle();

    expect(statusLines(conversationId, worklogId)).toEqual([
      `Munkalap ${worklogId}: Hibafeltárás.`,
      `Munkalap ${worklogId}: Javítás alatt. Várható elkészülés: 2026. december 10.`,
    ]);
    // The posted statuses came back as webhooks: recognised as ours.
    const deliveries = await h.db.select().from(chatwootDeliveries).where(eq(chatwootDeliveries.conversationId, conversationId));
    expect(deliveries.filter((d) => d.outcome === 'accepted').map((d) => d.event).sort()).toEqual(['conversation_updated', 'message_created']);
  });

  it('a worklog with no conversation goes the way of customer notifications, once per status', async () => {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    const worklogId = `W-plain-${Date.now()}`;
    const answer = await h.send('worklog.status_changed', statusEvent(worklogId, c.customer_id, 'done', 'Elkészült'));
    expect(answer.body).toMatchObject({ status: 'accepted', workflowId: `notify/worklog.status_changed/${worklogId}:done` });
    expect(await h.client.workflow.getHandle(answer.body.workflowId).result()).toMatchObject({ status: 'sent' });
    const again = await h.send('worklog.status_changed', statusEvent(worklogId, c.customer_id, 'done', 'Elkészült'), { id: 'another-delivery' });
    expect(again.body.workflowId).toBe(answer.body.workflowId);
    const contact = h.contactOf(c.customer_id) ?? h.chatwoot.contacts().find((x) => x.phone_number === c.phone);
    const conv = h.chatwoot.conversations().find((x) => x.meta.sender?.id === contact?.id);
    expect(conv && statusLines(conv.id, worklogId)).toEqual([`Munkalap ${worklogId}: Elkészült.`]);
  });
});
