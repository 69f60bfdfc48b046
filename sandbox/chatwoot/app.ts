import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Caller } from './auth.js';
import { nowSeconds, type AttachmentType, type ChatwootState, type Contact, type Conversation, type Inbox, type Message, type MessageType, type Sender } from './state.js';
import { conversationWebhookView, messageWebhookView } from './views.js';
import type { WebhookSender } from './webhooks.js';

export class ChatwootRequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(typeof body === 'object' ? JSON.stringify(body) : String(body));
  }
}

export const notFound = () => new ChatwootRequestError(404, { error: 'Resource could not be found' });

const BOT_FAILURE_NOTE = 'Conversation was marked open by system due to an error with the agent bot.';
const MESSAGES_PER_MINUTE = 200;

export interface NewMessage {
  content?: string | null;
  message_type?: MessageType;
  private?: boolean;
  content_type?: string;
  content_attributes?: Record<string, unknown>;
  source_id?: string | null;
  echo_id?: string;
  attachments?: AttachmentType[];
  sender: Sender;
}

/** Behaviour shared by the routes and the test helpers: message creation, its side effects and the bot webhook. */
export class ChatwootApp {
  readonly callers = new WeakMap<IncomingMessage, Caller>();

  constructor(
    readonly state: ChatwootState,
    readonly webhooks: WebhookSender,
    readonly settings: { agentBotActive: boolean; keepPendingOnBotFailure: boolean },
  ) {}

  caller(req: IncomingMessage): Caller {
    return this.callers.get(req) ?? { kind: 'bot' };
  }

  conversation(displayId: string | number | undefined): Conversation {
    const c = this.state.conversations.get(Number(displayId));
    if (!c) throw notFound();
    return c;
  }

  contact(id: string | number | undefined): Contact {
    const c = this.state.contacts.get(Number(id));
    if (!c) throw notFound();
    return c;
  }

  /** Status for a new or reopened conversation: an inbox with an active agent bot keeps it pending. */
  initialStatus(contact: Contact, requested?: string): Conversation['status'] {
    if (contact.blocked) return 'resolved';
    if (this.settings.agentBotActive) return 'pending';
    return (requested as Conversation['status'] | undefined) ?? 'open';
  }

  addMessage(conversation: Conversation, input: NewMessage): Message {
    const now = Date.now();
    const recent = this.state.messagesOf(conversation.display_id).filter((m) => m.created_at_ms > now - 60_000);
    if (recent.length >= MESSAGES_PER_MINUTE) throw new ChatwootRequestError(422, { error: 'Too many messages' });
    const message: Message = {
      id: this.state.nextId('message'),
      conversation_display_id: conversation.display_id,
      inbox_id: conversation.inbox_id,
      content: input.content ?? null,
      content_type: input.content_type ?? 'text',
      content_attributes: input.content_attributes ?? {},
      message_type: input.message_type ?? 'outgoing',
      private: input.private ?? false,
      source_id: input.source_id ?? null,
      ...(input.echo_id !== undefined && { echo_id: input.echo_id }),
      attachments: input.attachments ?? [],
      sender: input.sender,
      created_at: Math.floor(now / 1000),
      created_at_ms: now,
    };
    this.state.messages.set(message.id, message);
    this.afterMessage(conversation, message);
    if (message.message_type !== 'activity') void this.notifyBot(conversation, message);
    return message;
  }

  private afterMessage(conversation: Conversation, message: Message): void {
    const at = message.created_at;
    conversation.last_activity_at = at;
    conversation.updated_at = Date.now() / 1000;
    if (message.message_type === 'incoming') {
      const contact = this.state.contacts.get(conversation.contact_id);
      if (contact) contact.last_activity_at = at;
      conversation.waiting_since ??= at;
      if (conversation.status === 'resolved') conversation.status = this.settings.agentBotActive ? 'pending' : 'open';
      if (conversation.status === 'snoozed') conversation.status = 'open';
    } else if (message.message_type === 'outgoing' && !message.private && message.sender?.type === 'user') {
      conversation.first_reply_created_at ??= at;
      conversation.waiting_since = null;
    }
  }

  /** A failed bot delivery opens a pending conversation, like Webhooks::Trigger#update_conversation_status. */
  private async notifyBot(conversation: Conversation, message: Message): Promise<void> {
    const url = this.state.bot.outgoing_url;
    if (!url || !this.settings.agentBotActive) return;
    const ok = await this.webhooks.send(url, messageWebhookView(this.state, message, 'message_created'));
    const current = this.state.conversations.get(conversation.display_id);
    if (ok || !current || current.status !== 'pending' || this.settings.keepPendingOnBotFailure) return;
    current.status = 'open';
    this.addMessage(current, { content: BOT_FAILURE_NOTE, message_type: 'activity', sender: null });
  }

  /**
   * `conversation_updated` (Conversation#notify_conversation_updation): fired after a change to one of
   * `list_of_keys`, with `changed_attributes` as Webhooks::Trigger sends it, an array of single-key objects
   * `{ "<attribute>": { "previous_value", "current_value" } }`. The stand-in fires it for label_list and
   * custom_attributes changes (status changes are left to the tests, which emit them by hand).
   */
  notifyConversationUpdated(conversation: Conversation, changed: Record<string, { previous_value: unknown; current_value: unknown }>): void {
    const url = this.state.bot.outgoing_url;
    if (!url || !this.settings.agentBotActive) return;
    const changed_attributes = Object.entries(changed).map(([key, v]) => ({ [key]: v }));
    void this.webhooks.send(url, { ...conversationWebhookView(this.state, conversation), event: 'conversation_updated', changed_attributes });
  }

  /** The contact's conversation in `inbox` goes through its contact_inbox there; `sourceId` is the channel's sender id. */
  createConversation(contact: Contact, input: Partial<Conversation> & { status?: string }, inbox: Inbox = this.state.inbox, sourceId?: string): Conversation {
    let contactInbox = [...this.state.contactInboxes.values()].find((ci) => ci.contact_id === contact.id && ci.inbox_id === inbox.id);
    if (!contactInbox) {
      contactInbox = {
        id: this.state.nextId('contactInbox'),
        contact_id: contact.id,
        inbox_id: inbox.id,
        source_id: sourceId ?? randomUUID(),
        hmac_verified: false,
        created_at: new Date().toISOString(),
      };
      this.state.contactInboxes.set(contactInbox.id, contactInbox);
    }
    const now = nowSeconds();
    const conversation: Conversation = {
      display_id: this.state.nextId('display'),
      uuid: randomUUID(),
      inbox_id: inbox.id,
      contact_id: contact.id,
      contact_inbox_id: contactInbox.id,
      status: this.initialStatus(contact, input.status),
      priority: input.priority ?? null,
      labels: [],
      custom_attributes: input.custom_attributes ?? {},
      additional_attributes: input.additional_attributes ?? {},
      snoozed_until: input.snoozed_until ?? null,
      assignee_id: input.assignee_id ?? null,
      assignee_agent_bot_id: null,
      team_id: input.team_id ?? null,
      created_at: now,
      updated_at: Date.now() / 1000,
      last_activity_at: now,
      waiting_since: now,
      first_reply_created_at: null,
    };
    this.state.conversations.set(conversation.display_id, conversation);
    return conversation;
  }
}
