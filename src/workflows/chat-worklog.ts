import type { ChatWorklogInput, ChatWorklogResult } from '../contracts/chat-worklog.js';
import { kgcCustomerIdKey } from '../contracts/search-attributes.js';
import { upsertSearchAttributes } from '@temporalio/workflow';
import { mainActivities, profiles } from './activity-profiles.js';

const kgcSide = mainActivities(profiles.sync);
const chat = mainActivities(profiles.conversation);

/**
 * `chat-worklog/<conversation id>/<request id>`: a machine fault reported in Chatwoot becomes a KGC worklog for
 * the customer Chatwoot vouches for. One per conversation, unless an agent asks again (label removed and re-added).
 * Unidentified → handed to a human with the reason, never a worklog under a guess.
 */
export async function chatWorklog(input: ChatWorklogInput): Promise<ChatWorklogResult> {
  const { conversationId, requestId } = input;
  const claim = await kgcSide.claimChatWorklog({ conversationId, requestId, source: input.source });
  if (!claim.proceed) return { status: 'exists', conversationId, worklogId: claim.worklogId ?? null };

  const who = await kgcSide.identifyChatCustomer({ conversationId });
  if (!who.customerId) {
    const reason = who.reason ?? 'unidentified';
    await chat.escalateToHuman({ escalationId: `worklog:${conversationId}/${requestId}`, conversationId, reason: 'worklog_customer_unidentified', detail: reason, teamId: input.teamId, intent: 'szerviz' });
    await kgcSide.recordChatWorklogUnidentified({ conversationId, requestId, reason });
    return { status: 'unidentified', conversationId, reason };
  }
  upsertSearchAttributes([{ key: kgcCustomerIdKey, value: who.customerId }]);

  const { worklogId } = await kgcSide.openKgcWorklog({ conversationId, requestId, customerId: who.customerId });
  await chat.noteChatWorklog({ conversationId, requestId, worklogId });
  await chat.tagChatWorklog({ conversationId, worklogId });
  await chat.confirmChatWorklog({ conversationId, requestId, worklogId });
  return { status: 'opened', conversationId, worklogId, customerId: who.customerId };
}
