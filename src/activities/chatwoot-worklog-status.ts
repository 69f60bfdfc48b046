import { eq, max, sql } from 'drizzle-orm';
import { worklogStatuses, type WorklogStatus } from '../contracts/kgc-events.js';
import { worklogChatStatuses } from '../db/schema.js';
import { worklogStatusText } from '../templates/notifications.js';
import { chatwootPostOnce } from './chatwoot-post-once.js';
import type { ActivityDeps } from './context.js';

/** A worklog's status changes in the Chatwoot conversation it was opened from. */
export function createChatwootWorklogStatusActivities(deps: ActivityDeps) {
  const { db } = deps;
  const postOnce = chatwootPostOnce(deps);
  return {
    /**
     * Posts the status once (outbox key per worklog and status), unless a later status is already there: a late
     * "diagnosing" after "repairing" is dropped. Checked under a per-worklog lock, so racing statuses agree.
     */
    async postWorklogStatus(i: { worklogId: string; status: WorklogStatus; statusHu: string; estimatedCompletion?: string | null; conversationId: number }): Promise<{ posted: boolean; reason?: string }> {
      const rank = worklogStatuses.indexOf(i.status);
      const fresh = await db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext('worklog_chat_statuses'), hashtext(${i.worklogId}))`);
        const [top] = await tx.select({ rank: max(worklogChatStatuses.rank) }).from(worklogChatStatuses).where(eq(worklogChatStatuses.worklogId, i.worklogId));
        if (top?.rank !== null && top?.rank !== undefined && top.rank > rank) return false;
        await tx.insert(worklogChatStatuses).values({ worklogId: i.worklogId, status: i.status, rank, conversationId: i.conversationId }).onConflictDoNothing();
        return true;
      });
      if (!fresh) return { posted: false, reason: 'later_status_posted' };
      const text = worklogStatusText({ worklog_id: i.worklogId, status_hu: i.statusHu, estimated_completion: i.estimatedCompletion });
      const messageId = await postOnce(`worklog-status:${i.worklogId}/${i.status}`, i.conversationId, { content: text, private: false });
      return messageId === null ? { posted: false, reason: 'conversation_gone' } : { posted: true };
    },
  };
}
