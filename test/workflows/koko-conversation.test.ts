import { WorkflowUpdateFailedError } from '@temporalio/client';
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClassifyResult } from '../../src/activities/gemini.js';
import type { KokoSettings } from '../../src/contracts/koko.js';
import { conversationEvent, customerMessage, decideSignal, decideUpdate, kokoStatus } from '../../src/contracts/workflow-messages.js';
import { workflowIds } from '../../src/contracts/workflow-ids.js';
import type { kokoConversation } from '../../src/workflows/koko-conversation.js';
import { eventually } from '../support/eventually.js';
import { startStubWorkers, type StubWorkers } from '../support/stub-workers.js';

const settings: KokoSettings = { autoReplyAt: 0.9, approvalAt: 0.6, approvalTimeoutMs: 60_000, teams: { altalanos: 1, berles: 2 } };
const confident = (confidence: number): ClassifyResult => ({ outcome: 'classified', intent: 'berles', confidence, needsHuman: false });

/** What Gemini answers each conversation, call by call (the last answer repeats). */
const answers = new Map<number, ClassifyResult[]>();

describe('kokoConversation with stub activities', () => {
  let w: StubWorkers;
  beforeAll(async () => {
    w = await startStubWorkers({
      main: {
        async classifyCustomerMessages({ conversationId }) {
          const queue = answers.get(conversationId)!;
          return queue.length > 1 ? queue.shift()! : queue[0]!;
        },
        async offerSuggestion() {},
        async sendKokoReply() {
          return { sent: true as const, messageId: 77 };
        },
        async escalateToHuman() {
          return { handedOff: true };
        },
        async recordKokoDecision() {},
      },
    });
  });
  afterAll(() => w?.close());

  /** A conversation whose first customer message (id 1) starts Koko, as the API does. */
  async function converse(first: ClassifyResult[], s: KokoSettings = settings) {
    const conversationId = randomInt(1_000_000_000);
    answers.set(conversationId, first);
    const workflowId = workflowIds.kokoConversation(conversationId);
    const handle = await w.client.workflow.signalWithStart<typeof kokoConversation, [{ messageId: number }]>('kokoConversation', {
      workflowId,
      taskQueue: w.taskQueue,
      args: [{ conversationId, settings: s }],
      signal: customerMessage,
      signalArgs: [{ messageId: 1 }],
    });
    const decisions = () => w.callsOf(workflowId, 'recordKokoDecision').map((a) => a.decision);
    const escalations = () => w.callsOf(workflowId, 'escalateToHuman');
    /** The suggestion an admin is asked about, once Koko waits for the answer. */
    const pending = () =>
      eventually(async () => {
        const status = await handle.query(kokoStatus);
        return status.phase === 'awaiting_approval' && status.pendingSuggestionId;
      }, 'a suggestion awaiting approval', 10_000);
    return { handle, workflowId, decisions, escalations, pending };
  }

  it('answers a confident classification alone and stops when the conversation is resolved', async () => {
    const c = await converse([confident(0.95)]);
    await eventually(() => c.decisions().includes('auto_reply'), 'the auto reply');
    await c.handle.signal(conversationEvent, { kind: 'resolved' });
    expect(await c.handle.result()).toMatchObject({ outcome: 'resolved', replies: 1 });
    expect(c.decisions(), 'auto reply, then the bot stops').toEqual(['auto_reply', 'bot_stopped']);
    expect(w.callsOf(c.workflowId, 'offerSuggestion'), 'no admin asked').toEqual([]);
  });

  it('sends a middling suggestion once an admin approves it through the Update, answering the admin with the message id', async () => {
    const c = await converse([confident(0.7)]);
    const suggestionId = await c.pending();
    expect(w.callsOf(c.workflowId, 'offerSuggestion')).toMatchObject([{ suggestionId }]);
    expect(await c.handle.executeUpdate(decideUpdate, { args: [{ suggestionId, decision: 'approve', by: 'admin@kgc' }] })).toEqual({ status: 'sent', messageId: 77 });
    expect(w.callsOf(c.workflowId, 'sendKokoReply')).toEqual([{ suggestionId }]);
    expect(w.callsOf(c.workflowId, 'recordKokoDecision')).toMatchObject([{ decision: 'approved', suggestionId, by: 'admin@kgc', via: 'api', chatwootMessageId: 77 }]);
    await c.handle.signal(conversationEvent, { kind: 'agent_replied' });
    expect(await c.handle.result()).toMatchObject({ outcome: 'agent_replied', replies: 1 });
  });

  it('takes the same decision as a signal from the Web UI or CLI, ignoring one about another suggestion', async () => {
    const c = await converse([confident(0.7)]);
    const suggestionId = await c.pending();
    await c.handle.signal(decideSignal, { suggestionId: 'not-this-one', decision: 'reject', by: 'admin@kgc' });
    await c.handle.signal(decideSignal, { suggestionId, decision: 'approve', by: 'admin@kgc' });
    await eventually(() => c.decisions().includes('approved'), 'the approved reply');
    expect(w.callsOf(c.workflowId, 'recordKokoDecision'), 'approved through the signal; the stray one changed nothing').toMatchObject([
      { decision: 'approved', suggestionId, via: 'signal', chatwootMessageId: 77 },
    ]);
    await c.handle.signal(conversationEvent, { kind: 'resolved' });
    expect(await c.handle.result()).toMatchObject({ outcome: 'resolved', replies: 1 });
  });

  it('refuses a decision on a suggestion that is not pending, changing nothing', async () => {
    const c = await converse([confident(0.7)]);
    await c.pending();
    const refused = c.handle.executeUpdate(decideUpdate, { args: [{ suggestionId: 'not-this-one', decision: 'approve', by: 'admin@kgc' }] });
    await expect(refused).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    expect((await c.handle.query(kokoStatus)).phase, 'still waiting for the admin').toBe('awaiting_approval');
    expect(w.callsOf(c.workflowId, 'sendKokoReply'), 'nothing sent').toEqual([]);
    await c.handle.terminate('test over');
  });

  it('hands the conversation to a human when the admin rejects the suggestion', async () => {
    const c = await converse([confident(0.7)]);
    const suggestionId = await c.pending();
    expect(await c.handle.executeUpdate(decideUpdate, { args: [{ suggestionId, decision: 'reject', by: 'admin@kgc' }] })).toEqual({ status: 'rejected' });
    expect(await c.handle.result()).toMatchObject({ outcome: 'handed_off', replies: 0 });
    expect(c.escalations()).toMatchObject([{ reason: 'rejected_by_admin', teamId: 2, intent: 'berles' }]);
    expect(c.decisions()).toEqual(['rejected', 'escalated']);
    expect(w.callsOf(c.workflowId, 'sendKokoReply'), 'a rejected suggestion is never sent').toEqual([]);
  });

  it('lets an unanswered suggestion expire after the approval timeout and hands over to a human', async () => {
    const c = await converse([confident(0.7)], { ...settings, approvalTimeoutMs: 1_500 });
    const suggestionId = await c.pending();
    const started = Date.now();
    expect(await c.handle.result()).toMatchObject({ outcome: 'handed_off', replies: 0 });
    expect(Date.now() - started, 'expired after the configured 1.5 s, not the default').toBeLessThan(10_000);
    expect(w.callsOf(c.workflowId, 'recordKokoDecision')).toMatchObject([{ decision: 'expired', suggestionId, by: 'timeout' }, { decision: 'escalated' }]);
    expect(c.escalations()).toMatchObject([{ reason: 'approval_timeout', teamId: 2 }]);
    expect(w.callsOf(c.workflowId, 'sendKokoReply'), 'an expired suggestion is never sent').toEqual([]);
  });

  it('supersedes a pending suggestion when the customer writes again, and answers both messages together', async () => {
    const c = await converse([confident(0.7), confident(0.95)]);
    const first = await c.pending();
    await c.handle.signal(customerMessage, { messageId: 2 });
    await eventually(() => c.decisions().includes('auto_reply'), 'the reply to both messages');
    const classified = w.callsOf(c.workflowId, 'classifyCustomerMessages');
    expect(classified.map((x) => x.messageIds), 'the second classification covers both messages').toEqual([[1], [1, 2]]);
    expect(w.callsOf(c.workflowId, 'recordKokoDecision')).toMatchObject([
      { decision: 'superseded', suggestionId: first, reason: 'new_message' },
      { decision: 'auto_reply', suggestionId: classified[1].suggestionId },
    ]);
    expect(w.callsOf(c.workflowId, 'sendKokoReply'), 'only the new suggestion is sent').toEqual([{ suggestionId: classified[1].suggestionId }]);
    await c.handle.signal(conversationEvent, { kind: 'handed_off' });
    expect(await c.handle.result()).toMatchObject({ outcome: 'handed_off', replies: 1 });
  });

  it('hands a low-confidence classification straight to the intent team', async () => {
    const c = await converse([confident(0.3)]);
    expect(await c.handle.result()).toMatchObject({ outcome: 'handed_off', replies: 0 });
    expect(c.escalations()).toMatchObject([{ reason: 'low_confidence', teamId: 2, confidence: 0.3 }]);
  });
});
