import { eq } from 'drizzle-orm';
import { kokoDecisions, kokoSuggestions, type KokoSuggestionStatus } from '../db/schema.js';
import { currentRun, type ActivityDeps } from './context.js';

export type KokoDecisionKind = (typeof kokoDecisions.$inferInsert)['decision'];

export interface KokoDecisionRecord {
  /** Made by the workflow (uuid4), so a retried activity writes the row once. */
  id: string;
  conversationId: number;
  suggestionId?: string;
  decision: KokoDecisionKind;
  /** The admin's handle, `koko` for the bot's own decisions, `timeout` for an expired approval. */
  by: string;
  via: 'api' | 'signal' | 'workflow';
  reason?: string;
  textId?: string;
  chatwootMessageId?: number;
  /** Workflow time of the decision, ms. */
  decidedAt: number;
}

const suggestionStatus: Partial<Record<KokoDecisionKind, KokoSuggestionStatus>> = {
  auto_reply: 'auto_sent',
  approved: 'approved',
  rejected: 'rejected',
  expired: 'expired',
  superseded: 'superseded',
  escalated: 'escalated',
};

export function createKokoActivities({ db }: ActivityDeps) {
  return {
    /** The audit row (who, when, what) and the suggestion's new status, in one transaction. */
    async recordKokoDecision(d: KokoDecisionRecord): Promise<void> {
      const decidedAt = new Date(d.decidedAt);
      await db.transaction(async (tx) => {
        const inserted = await tx
          .insert(kokoDecisions)
          .values({
            id: d.id,
            conversationId: d.conversationId,
            suggestionId: d.suggestionId,
            decision: d.decision,
            decidedBy: d.by,
            via: d.via,
            reason: d.reason,
            textId: d.textId,
            chatwootMessageId: d.chatwootMessageId,
            workflowId: currentRun().workflowId,
            decidedAt,
          })
          .onConflictDoNothing()
          .returning({ id: kokoDecisions.id });
        const status = suggestionStatus[d.decision];
        if (inserted.length === 0 || !d.suggestionId || !status) return;
        // An escalation after a rejection or timeout keeps the more telling status.
        const [current] = await tx.select({ status: kokoSuggestions.status }).from(kokoSuggestions).where(eq(kokoSuggestions.id, d.suggestionId));
        if (status === 'escalated' && current && current.status !== 'classified' && current.status !== 'pending') return;
        await tx
          .update(kokoSuggestions)
          .set({ status, decidedAt, decidedBy: d.by, ...(d.chatwootMessageId !== undefined && { sentMessageId: d.chatwootMessageId }) })
          .where(eq(kokoSuggestions.id, d.suggestionId));
      });
    },
  };
}
