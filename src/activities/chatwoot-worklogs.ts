import { configured } from '../clients/errors.js';
import { worklogConfirmation, worklogNote } from '../templates/chat-worklogs.js';
import { chatwootPostOnce } from './chatwoot-post-once.js';
import type { ActivityDeps } from './context.js';

/** The conversation attribute that names the KGC worklog opened from it. */
export const worklogAttribute = 'kgc_worklog_id';

/** A chat worklog's Chatwoot side: the agents' note, the conversation attribute and the customer's confirmation. */
export function createChatwootWorklogActivities(deps: ActivityDeps) {
  const postOnce = chatwootPostOnce(deps);
  const key = (kind: string, i: { conversationId: number; requestId: string }) => `worklog-${kind}:${i.conversationId}/${i.requestId}`;
  return {
    async noteChatWorklog(i: { conversationId: number; requestId: string; worklogId: string }): Promise<void> {
      await postOnce(key('note', i), i.conversationId, { content: worklogNote(i.worklogId), private: true });
    },

    /** Chatwoot replaces the whole hash, so the attributes are read and written back with ours added. */
    async tagChatWorklog(i: { conversationId: number; worklogId: string }): Promise<void> {
      const chatwoot = configured(deps.chatwoot, 'CHATWOOT_API_URL / CHATWOOT_API_KEY');
      const conversation = await chatwoot.getConversation(i.conversationId);
      if (!conversation || conversation.custom_attributes?.[worklogAttribute] === i.worklogId) return;
      await chatwoot.setConversationCustomAttributes(i.conversationId, { ...conversation.custom_attributes, [worklogAttribute]: i.worklogId });
    },

    async confirmChatWorklog(i: { conversationId: number; requestId: string; worklogId: string }): Promise<void> {
      await postOnce(key('confirmation', i), i.conversationId, { content: worklogConfirmation(i.worklogId), private: false });
    },
  };
}
