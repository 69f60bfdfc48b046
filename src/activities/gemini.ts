import { eq, inArray } from 'drizzle-orm';
import { configured } from '../clients/errors.js';
import { classificationJsonSchema, classificationSchema } from '../contracts/koko-classification.js';
import type { KokoIntent } from '../contracts/koko.js';
import { kokoConversations, kokoMessages, kokoSuggestions } from '../db/schema.js';
import { logger } from '../logger.js';
import { classificationInstruction, classificationPrompt } from '../templates/koko.js';
import { currentRun, type ActivityDeps } from './context.js';
import { verifiedCustomerContext, type KokoConversationRow } from './koko-verified-customer.js';

/**
 * `accountData`: the customer's KGC business was in the prompt, so the reply may disclose it. `faultDescribed`: the
 * customer describes a machine fault (absent in results recorded before the field existed).
 */
export type ClassifyResult =
  | { outcome: 'classified'; intent: KokoIntent; confidence: number; needsHuman: boolean; accountData?: true; faultDescribed?: true; customerId?: string }
  | { outcome: 'unusable'; reason: string; customerId?: string };

export function createGeminiActivities({ db, kgc, gemini }: ActivityDeps) {
  const verifiedContext = (conversation: KokoConversationRow | undefined) => verifiedCustomerContext({ db, kgc }, conversation);

  return {
    /**
     * Reads the unanswered messages and, for a verified writer only, the customer's open business in KGC, asks
     * Gemini for intent, confidence and a Hungarian reply, and stores the suggestion under the workflow's id for
     * it. Returns ids and scores only. A retry after a stored answer returns that answer, never a second one.
     */
    async classifyCustomerMessages(input: { conversationId: number; suggestionId: string; messageIds: number[] }): Promise<ClassifyResult> {
      // The customer waits: the three reads go out together (bench/koko), not one round trip after another.
      const [[stored], [conversation], rows] = await Promise.all([
        db.select().from(kokoSuggestions).where(eq(kokoSuggestions.id, input.suggestionId)),
        db.select().from(kokoConversations).where(eq(kokoConversations.conversationId, input.conversationId)),
        db.select().from(kokoMessages).where(inArray(kokoMessages.messageId, input.messageIds)),
      ]);
      if (stored) return storedResult(stored);
      const client = configured(gemini, 'GEMINI_API_KEY / GEMINI_MODEL');

      const texts = input.messageIds.map((id) => rows.find((r) => r.messageId === id)?.content).filter((t): t is string => !!t);
      const context = await verifiedContext(conversation);
      const customerId = context?.customer_id ?? conversation?.customerId ?? undefined;

      const answer = await client.generateJson({ system: classificationInstruction, user: classificationPrompt(texts, context), schema: classificationJsonSchema });
      const parsed = answer.kind === 'ok' ? classificationSchema.safeParse(answer.json) : undefined;
      const reason = answer.kind === 'unusable' ? answer.reason : parsed?.success ? undefined : 'schema_invalid';
      const base = {
        id: input.suggestionId,
        conversationId: input.conversationId,
        contactId: conversation?.contactId ?? null,
        customerId: customerId ?? null,
        workflowId: currentRun().workflowId,
        messageIds: input.messageIds,
        accountData: context !== null,
      };
      const c = parsed?.success ? parsed.data : undefined;
      const suggestion = c
        ? { ...base, outcome: 'classified' as const, status: 'classified' as const, intent: c.intent, confidence: c.confidence, language: c.language, suggestedReply: c.suggestedReply, needsHuman: c.needsHuman, reason: c.reason, faultDescribed: c.faultDescribed }
        : { ...base, outcome: 'unusable' as const, status: 'classified' as const, reason };
      const learned = customerId && conversation && conversation.customerId !== customerId;
      // A retry may find the suggestion stored already (nothing returned): the stored one is the answer.
      const store = async (tx: Pick<typeof db, 'insert' | 'update'>) => {
        const [inserted] = await tx.insert(kokoSuggestions).values(suggestion).onConflictDoNothing().returning();
        if (learned) await tx.update(kokoConversations).set({ customerId, updatedAt: new Date() }).where(eq(kokoConversations.conversationId, input.conversationId));
        return inserted;
      };
      // One statement needs no transaction of its own; with the conversation's customer to record, both or neither.
      const row = (await (learned ? db.transaction(store) : store(db))) ?? (await db.select().from(kokoSuggestions).where(eq(kokoSuggestions.id, input.suggestionId)))[0];
      const result = storedResult(row!);
      logger.info({ conversationId: input.conversationId, suggestionId: input.suggestionId, model: client.model, ...scores(result) }, 'koko classified');
      return result;
    },
  };
}

function storedResult(row: typeof kokoSuggestions.$inferSelect): ClassifyResult {
  const customerId = row.customerId ?? undefined;
  if (row.outcome === 'unusable' || row.intent === null || row.confidence === null) {
    return { outcome: 'unusable', reason: row.reason ?? 'unknown', ...(customerId && { customerId }) };
  }
  return {
    outcome: 'classified',
    intent: row.intent as KokoIntent,
    confidence: row.confidence,
    needsHuman: row.needsHuman ?? false,
    ...(row.accountData && { accountData: true as const }),
    ...(row.faultDescribed && { faultDescribed: true as const }),
    ...(customerId && { customerId }),
  };
}

function scores(r: ClassifyResult) {
  return r.outcome === 'classified' ? { intent: r.intent, confidence: r.confidence, needsHuman: r.needsHuman, accountData: r.accountData ?? false, faultDescribed: r.faultDescribed ?? false } : { unusable: r.reason };
}
