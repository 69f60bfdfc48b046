import { and, desc, eq, sql } from 'drizzle-orm';
import type { ChatWorklogSource } from '../contracts/chat-worklog.js';
import { isErased } from '../db/erasures.js';
import { chatWorklogs, kokoConversations, kokoMessages } from '../db/schema.js';
import type { ActivityDeps } from './context.js';
import { verifiedCustomerContext } from './koko-verified-customer.js';

/** What stands in for the customer's words when the agent asked before the customer wrote anything we kept. */
const noFaultText = (conversationId: number) => `Hibabejelentés a Chatwoot beszélgetésből (#${conversationId}); a részleteket a beszélgetés tartalmazza.`;

/** A chat worklog's KGC side and its bookkeeping in chat_worklogs. */
export function createKgcWorklogActivities({ db, kgc }: ActivityDeps) {
  return {
    /**
     * One worklog per conversation: the first request claims it; a later one proceeds only when it is an agent's
     * label added after the label was removed. Requests that ended unidentified do not count. Runs under a
     * per-conversation lock, so two requests racing each other cannot both proceed.
     */
    async claimChatWorklog(input: { conversationId: number; requestId: string; source: ChatWorklogSource }): Promise<{ proceed: boolean; worklogId?: string | null }> {
      return db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext('chat_worklogs'), ${input.conversationId}::int)`);
        const rows = await tx.select().from(chatWorklogs).where(eq(chatWorklogs.conversationId, input.conversationId)).orderBy(chatWorklogs.createdAt);
        const mine = rows.find((r) => r.requestId === input.requestId);
        const open = rows.filter((r) => r.status === 'claimed' || r.status === 'opened');
        const existing = open.at(-1)?.worklogId ?? null;
        if (mine) return mine.status === 'superseded' ? { proceed: false, worklogId: existing } : { proceed: true };
        const latest = rows.filter((r) => r.status !== 'superseded' && r.status !== 'unidentified').at(-1);
        const allowed = open.length === 0 || (input.source === 'label' && latest?.source === 'label_removed');
        await tx
          .insert(chatWorklogs)
          .values({ conversationId: input.conversationId, requestId: input.requestId, source: input.source, status: allowed ? 'claimed' : 'superseded', worklogId: allowed ? null : existing });
        return allowed ? { proceed: true } : { proceed: false, worklogId: existing };
      });
    },

    /** The KGC customer Chatwoot vouches for (carrier channel, or HMAC-verified contact with a partner link); never a typed phone. */
    async identifyChatCustomer({ conversationId }: { conversationId: number }): Promise<{ customerId?: string; reason?: string }> {
      const [conversation] = await db.select().from(kokoConversations).where(eq(kokoConversations.conversationId, conversationId));
      if (!conversation?.verifiedBy) return { reason: 'unverified_sender' };
      const context = await verifiedCustomerContext({ db, kgc }, conversation);
      if (!context || (await isErased(db, context.customer_id))) return { reason: 'not_a_kgc_customer' };
      return { customerId: context.customer_id };
    },

    /**
     * `POST /api/service/worklogs` with `Idempotency-Key: chatwoot/<conversation>/<request>`: retried while KGC is
     * down, and a retry after KGC created it (the answer lost) gets the same worklog back.
     */
    async openKgcWorklog(input: { conversationId: number; requestId: string; customerId: string }): Promise<{ worklogId: string }> {
      const [row] = await db.select().from(chatWorklogs).where(and(eq(chatWorklogs.conversationId, input.conversationId), eq(chatWorklogs.requestId, input.requestId)));
      if (row?.worklogId) return { worklogId: row.worklogId };
      const said = await db
        .select({ content: kokoMessages.content })
        .from(kokoMessages)
        .where(eq(kokoMessages.conversationId, input.conversationId))
        .orderBy(desc(kokoMessages.messageId))
        .limit(5);
      const fault = said.map((m) => m.content).reverse().join('\n').slice(0, 2000).trim() || noFaultText(input.conversationId);
      const { worklogId } = await kgc.createWorklog(
        { customer_id: input.customerId, fault_description: fault, source: 'chatwoot_chat', chatwoot_conversation_id: input.conversationId },
        `chatwoot/${input.conversationId}/${input.requestId}`,
      );
      await db
        .update(chatWorklogs)
        .set({ status: 'opened', worklogId, customerId: input.customerId, updatedAt: new Date() })
        .where(and(eq(chatWorklogs.conversationId, input.conversationId), eq(chatWorklogs.requestId, input.requestId)));
      return { worklogId };
    },

    async recordChatWorklogUnidentified(input: { conversationId: number; requestId: string; reason: string }): Promise<void> {
      await db
        .update(chatWorklogs)
        .set({ status: 'unidentified', reason: input.reason, updatedAt: new Date() })
        .where(and(eq(chatWorklogs.conversationId, input.conversationId), eq(chatWorklogs.requestId, input.requestId)));
    },
  };
}
