import { z } from 'zod';
import { kokoMessageMarker, notificationMessageMarker } from '../contracts/koko.js';
import { senderVerification, type SenderVerification } from '../domain/chatwoot-sender-trust.js';

/** What one Chatwoot agent-bot webhook (message_created or a conversation event) means for Koko. */
export type ChatwootAction =
  /** `attachmentsOnly`: a photo, voice message or location without text, which Koko cannot read (content is ''). */
  | { kind: 'customer_message'; conversationId: number; messageId: number; contactId?: number; verified?: SenderVerification; content: string; attachmentsOnly?: true }
  | { kind: 'conversation_event'; conversationId: number; event: 'agent_replied' | 'handed_off' | 'resolved' }
  /** An agent added (`added`) or removed the `munkalap` label: open a KGC worklog for the conversation. */
  | { kind: 'worklog_label'; conversationId: number; added: boolean; contactId?: number; verified?: SenderVerification; updatedAt: number }
  | { kind: 'ignore'; reason: string; conversationId?: number };

const id = z.coerce.number().int().positive();
const sender = z.object({ id: id.optional(), type: z.string().optional() }).nullish();
/** Conversations::EventDataPresenter: `channel` is the inbox's channel type, `contact_inbox` the whole record. */
const conversation = z.object({
  id,
  status: z.string(),
  channel: z.string().nullish(),
  contact_inbox: z.object({ contact_id: id, source_id: z.string().nullish(), hmac_verified: z.boolean().nullish() }).nullish(),
  meta: z.object({ sender, hmac_verified: z.boolean().nullish() }).nullish(),
});
const messageEvent = z.object({
  event: z.enum(['message_created']),
  id,
  content: z.string().nullish(),
  message_type: z.union([z.string(), z.number()]),
  private: z.boolean().nullish(),
  content_attributes: z.unknown(),
  attachments: z.array(z.unknown()).nullish(),
  sender,
  conversation: conversation.nullish(),
});
const conversationEvent = z.object({
  event: z.enum(['conversation_status_changed', 'conversation_updated', 'conversation_resolved', 'conversation_opened']),
  id,
  status: z.string(),
});
/** The label agents add to ask for a KGC worklog. */
export const worklogLabel = 'munkalap';
const labels = z.array(z.string()).nullish();
/**
 * `conversation_updated` (Conversation#notify_conversation_updation): the flat conversation plus
 * `changed_attributes`, an array of single-key objects; a label change is `label_list` with the lists before and after.
 */
const conversationUpdate = conversation.extend({
  event: z.literal('conversation_updated'),
  updated_at: z.coerce.number().optional(),
  changed_attributes: z.array(z.record(z.string(), z.object({ previous_value: z.unknown(), current_value: z.unknown() }).partial())).nullish(),
});

function labelChange(u: z.infer<typeof conversationUpdate>): 'added' | 'removed' | undefined {
  const change = u.changed_attributes?.find((a) => 'label_list' in a)?.label_list;
  if (!change) return undefined;
  const before = labels.safeParse(change.previous_value).data ?? [];
  const after = labels.safeParse(change.current_value).data ?? [];
  if (!before.includes(worklogLabel) && after.includes(worklogLabel)) return 'added';
  if (before.includes(worklogLabel) && !after.includes(worklogLabel)) return 'removed';
  return undefined;
}

function ownMessage(attributes: unknown): boolean {
  if (typeof attributes === 'string') {
    try {
      return ownMessage(JSON.parse(attributes));
    } catch {
      return false;
    }
  }
  return !!attributes && typeof attributes === 'object' && (kokoMessageMarker in attributes || notificationMessageMarker in attributes);
}

/**
 * The agent bot receives every message of its inbox (incoming, its own, agents', private notes) and the
 * conversation events. Only an incoming, public message of a pending conversation is work for Koko; an agent's
 * public reply, an open or a resolved conversation ends Koko's part; everything else is ignored.
 */
export function interpretChatwootEvent(body: unknown): ChatwootAction {
  const event = (body as { event?: unknown } | null)?.event;
  if (event === 'message_created') {
    const m = messageEvent.safeParse(body);
    if (!m.success || !m.data.conversation) return { kind: 'ignore', reason: 'unreadable_message' };
    const msg = m.data;
    const conv = msg.conversation!;
    const conversationId = conv.id;
    if (ownMessage(msg.content_attributes)) return { kind: 'ignore', reason: 'own_message', conversationId };
    if (msg.private) return { kind: 'ignore', reason: 'private_note', conversationId };
    const type = msg.message_type;
    if (type === 'incoming' || type === 0) {
      if (conv.status !== 'pending') return { kind: 'ignore', reason: `conversation_${conv.status}`, conversationId };
      // Chatwoot's own Postgres cannot store a NUL, so no real message holds one; should one arrive, it is dropped rather than fail our insert on every retry.
      const content = msg.content?.replaceAll('\u0000', '').trim() ?? '';
      const attachmentsOnly = !content && (msg.attachments?.length ?? 0) > 0;
      if (!content && !attachmentsOnly) return { kind: 'ignore', reason: 'no_text', conversationId };
      return {
        kind: 'customer_message',
        conversationId,
        messageId: msg.id,
        contactId: msg.sender?.id ?? conv.contact_inbox?.contact_id ?? conv.meta?.sender?.id,
        verified: senderVerification({ channel: conv.channel, sourceId: conv.contact_inbox?.source_id, hmacVerified: conv.contact_inbox?.hmac_verified ?? conv.meta?.hmac_verified }),
        content,
        ...(attachmentsOnly && { attachmentsOnly: true as const }),
      };
    }
    if ((type === 'outgoing' || type === 1) && msg.sender?.type === 'user') return { kind: 'conversation_event', conversationId, event: 'agent_replied' };
    return { kind: 'ignore', reason: 'not_a_customer_message', conversationId };
  }
  if (event === 'conversation_updated') {
    const u = conversationUpdate.safeParse(body);
    if (u.success && u.data.changed_attributes) {
      const label = labelChange(u.data);
      if (label) {
        const conv = u.data;
        return {
          kind: 'worklog_label',
          conversationId: conv.id,
          added: label === 'added',
          contactId: conv.contact_inbox?.contact_id ?? conv.meta?.sender?.id,
          verified: senderVerification({ channel: conv.channel, sourceId: conv.contact_inbox?.source_id, hmacVerified: conv.contact_inbox?.hmac_verified ?? conv.meta?.hmac_verified }),
          updatedAt: conv.updated_at ?? 0,
        };
      }
      // Chatwoot fires conversation_updated for every attribute of list_of_keys; only a status change concerns Koko
      // (our own custom attribute write comes back here too).
      if (!u.data.changed_attributes.some((a) => 'status' in a)) return { kind: 'ignore', reason: 'no_status_change', conversationId: u.data.id };
    }
  }
  const c = conversationEvent.safeParse(body);
  if (c.success) {
    if (c.data.status === 'resolved') return { kind: 'conversation_event', conversationId: c.data.id, event: 'resolved' };
    if (c.data.status === 'open') return { kind: 'conversation_event', conversationId: c.data.id, event: 'handed_off' };
    return { kind: 'ignore', reason: `conversation_${c.data.status}`, conversationId: c.data.id };
  }
  return { kind: 'ignore', reason: typeof event === 'string' ? `event_${event.slice(0, 40)}` : 'no_event' };
}
