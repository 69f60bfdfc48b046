import { workflowIds } from '../contracts/workflow-ids.js';
import { chatWorklogs } from '../db/schema.js';
import { startOnce, startOnceOptions } from '../contracts/workflow-starts.js';
import type { chatWorklog } from '../workflows/chat-worklog.js';
import type { ChatwootAction } from './chatwoot-events.js';
import { recordConversationSender, type KokoIntakeDeps } from './koko-intake.js';

/**
 * An agent's `munkalap` label: added, it starts `chat-worklog/<conversation>/label:<updated_at>` (the same change
 * redelivered is the same workflow); removed, it is recorded, so that adding it again asks for another worklog.
 * Who vouches for the writer is recorded from the event first, as for a customer message.
 */
export async function handWorklogLabel(deps: KokoIntakeDeps, a: Extract<ChatwootAction, { kind: 'worklog_label' }>): Promise<{ workflowId?: string }> {
  await deps.db.transaction((tx) => recordConversationSender(tx, a));
  if (!a.added) {
    await deps.db
      .insert(chatWorklogs)
      .values({ conversationId: a.conversationId, requestId: `label_removed:${a.updatedAt}`, source: 'label_removed', status: 'recorded' })
      .onConflictDoNothing();
    return {};
  }
  const requestId = `label:${a.updatedAt}`;
  const workflowId = workflowIds.chatWorklog(a.conversationId, requestId);
  await startOnce<typeof chatWorklog>(deps.temporal, 'chatWorklog', {
    workflowId,
    taskQueue: deps.taskQueue,
    args: [{ conversationId: a.conversationId, requestId, source: 'label', teamId: deps.koko.teams.szerviz ?? deps.koko.teams.altalanos }],
    ...startOnceOptions,
  });
  return { workflowId };
}
