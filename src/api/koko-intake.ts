import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { eq, sql } from 'drizzle-orm';
import type { KokoSettings } from '../contracts/koko.js';
import { kgcCustomerIdKey, kgcEventTypeKey } from '../contracts/search-attributes.js';
import type { Db } from '../db/client.js';
import { kokoConversations, kokoMessages, partnerLinks } from '../db/schema.js';
import { workflowIds } from '../contracts/workflow-ids.js';
import { type kokoConversation } from '../workflows/koko-conversation.js';
import type { ChatwootAction } from './chatwoot-events.js';
import type { SenderVerification } from '../domain/chatwoot-sender-trust.js';
import { conversationEvent, customerMessage, type CustomerMessage } from '../contracts/workflow-messages.js';

export interface KokoIntakeDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  koko: KokoSettings;
}

export const kokoEventType = 'chatwoot.message_created';

/**
 * Who wrote in a conversation and who vouches for it (the newest event decides: a widget visitor may log in
 * mid-conversation), with the KGC customer the contact is linked to. Returns that link.
 */
export async function recordConversationSender(
  tx: Pick<Db, 'select' | 'insert'>,
  s: { conversationId: number; contactId?: number; verified?: SenderVerification },
): Promise<{ customerId: string } | undefined> {
  const [link] = s.contactId
    ? await tx.select({ customerId: partnerLinks.customerId }).from(partnerLinks).where(eq(partnerLinks.chatwootContactId, String(s.contactId)))
    : [];
  const verifiedBy = s.verified?.by ?? null;
  const contactPhone = s.verified?.by === 'carrier' ? s.verified.phone : null;
  await tx
    .insert(kokoConversations)
    .values({ conversationId: s.conversationId, contactId: s.contactId, verifiedBy, contactPhone, customerId: link?.customerId })
    .onConflictDoUpdate({
      target: kokoConversations.conversationId,
      set: {
        contactId: sql`coalesce(excluded.contact_id, ${kokoConversations.contactId})`,
        verifiedBy: sql`excluded.verified_by`,
        contactPhone: sql`excluded.contact_phone`,
        customerId: sql`coalesce(${kokoConversations.customerId}, excluded.customer_id)`,
        updatedAt: new Date(),
      },
    });
  return link;
}

/**
 * A customer message: its text goes to Postgres (erasable, keyed by conversation and contact), with who vouches
 * for the writer, then only its id is signalled to the conversation's workflow, which is started if needed. Both
 * steps are idempotent, so a redelivered webhook changes nothing.
 */
export async function handCustomerMessage(deps: KokoIntakeDeps, m: Extract<ChatwootAction, { kind: 'customer_message' }>): Promise<{ workflowId: string }> {
  const { db } = deps;
  let link: { customerId: string } | undefined;
  await db.transaction(async (tx) => {
    link = await recordConversationSender(tx, m);
    await tx.insert(kokoMessages).values({ messageId: m.messageId, conversationId: m.conversationId, contactId: m.contactId, content: m.content }).onConflictDoNothing();
  });
  const workflowId = workflowIds.kokoConversation(m.conversationId);
  await deps.temporal.workflow.signalWithStart<typeof kokoConversation, [CustomerMessage]>('kokoConversation', {
    workflowId,
    taskQueue: deps.taskQueue,
    args: [{ conversationId: m.conversationId, settings: deps.koko, ...(link && { customerId: link.customerId }) }],
    signal: customerMessage,
    signalArgs: [{ messageId: m.messageId, ...(m.attachmentsOnly && { attachmentsOnly: true }) }],
    typedSearchAttributes: [
      { key: kgcEventTypeKey, value: kokoEventType },
      ...(link ? [{ key: kgcCustomerIdKey, value: link.customerId }] : []),
    ],
  });
  return { workflowId };
}

/** An agent's reply, an opened or a resolved conversation reaches a running Koko run only; none running: nothing to stop. */
export async function signalConversationEvent(deps: KokoIntakeDeps, e: Extract<ChatwootAction, { kind: 'conversation_event' }>): Promise<boolean> {
  try {
    await deps.temporal.workflow.getHandle(workflowIds.kokoConversation(e.conversationId)).signal(conversationEvent, { kind: e.event });
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}
