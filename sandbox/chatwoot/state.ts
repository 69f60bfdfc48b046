export type ConversationStatus = 'open' | 'resolved' | 'pending' | 'snoozed';
export type Priority = 'low' | 'medium' | 'high' | 'urgent' | null;
export type MessageType = 'incoming' | 'outgoing' | 'activity' | 'template';
/** Inbox#channel_type: which channel a conversation came through (WhatsApp and SMS senders are the carrier's). */
export type ChannelType = 'Channel::Api' | 'Channel::WebWidget' | 'Channel::Whatsapp' | 'Channel::Sms' | 'Channel::TwilioSms';

export interface Contact {
  id: number;
  name: string | null;
  email: string | null;
  phone_number: string | null;
  identifier: string | null;
  blocked: boolean;
  additional_attributes: Record<string, unknown>;
  custom_attributes: Record<string, unknown>;
  created_at: number;
  last_activity_at: number | null;
  online: boolean;
}

export interface ContactInbox {
  id: number;
  contact_id: number;
  inbox_id: number;
  source_id: string;
  /** Set by the widget's setUser (or the public API) once a valid identifier_hash came with the identifier. */
  hmac_verified: boolean;
  created_at: string;
}

export interface Conversation {
  display_id: number;
  uuid: string;
  inbox_id: number;
  contact_id: number;
  contact_inbox_id: number;
  status: ConversationStatus;
  priority: Priority;
  labels: string[];
  custom_attributes: Record<string, unknown>;
  additional_attributes: Record<string, unknown>;
  snoozed_until: number | null;
  assignee_id: number | null;
  assignee_agent_bot_id: number | null;
  team_id: number | null;
  created_at: number;
  updated_at: number;
  last_activity_at: number;
  waiting_since: number | null;
  first_reply_created_at: number | null;
}

export type Sender = { type: 'contact'; id: number } | { type: 'user'; id: number } | { type: 'agent_bot'; id: number } | null;

/** What a customer can send besides text (Attachment#file_type); the stand-in keeps no file. */
export type AttachmentType = 'image' | 'audio' | 'video' | 'file' | 'location' | 'fallback' | 'contact';

export interface Message {
  id: number;
  conversation_display_id: number;
  inbox_id: number;
  content: string | null;
  content_type: string;
  content_attributes: Record<string, unknown>;
  message_type: MessageType;
  private: boolean;
  source_id: string | null;
  echo_id?: string;
  attachments: AttachmentType[];
  sender: Sender;
  created_at: number;
  created_at_ms: number;
}

export interface User {
  id: number;
  name: string;
  email: string;
  role: 'administrator' | 'agent';
}

export interface AgentBot {
  id: number;
  name: string;
  description: string;
  outgoing_url: string | null;
  secret: string;
}

export interface Team {
  id: number;
  name: string;
  description: string;
  allow_auto_assign: boolean;
}

export interface Inbox {
  id: number;
  name: string;
  channel_type: ChannelType;
  channel_id: number;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** One account's data. Contact, message and inbox ids are global; conversation ids are the per-account display_id. */
export class ChatwootState {
  contacts = new Map<number, Contact>();
  contactInboxes = new Map<number, ContactInbox>();
  conversations = new Map<number, Conversation>();
  messages = new Map<number, Message>();
  /** The support inbox and the channel inboxes customers wrote through. */
  inboxes = new Map<number, Inbox>();
  private ids;

  constructor(
    readonly account: { id: number; name: string },
    readonly inbox: Inbox,
    readonly users: User[],
    readonly bot: AgentBot,
    readonly teams: Team[],
    /** Record ids start after this one. */
    private readonly idBase = 0,
  ) {
    this.inboxes.set(inbox.id, inbox);
    this.ids = this.firstIds();
  }

  private firstIds() {
    const b = this.idBase;
    return { contact: b, contactInbox: b, display: b, message: b };
  }

  inboxOf(id: number): Inbox {
    return this.inboxes.get(id) ?? this.inbox;
  }

  /** The account's inbox of this channel type, made on first use (one inbox per channel is enough for a stand-in). */
  channelInbox(channelType: ChannelType): Inbox {
    const existing = [...this.inboxes.values()].find((i) => i.channel_type === channelType);
    if (existing) return existing;
    const id = Math.max(...this.inboxes.keys()) + 1;
    const inbox: Inbox = { id, name: channelType.replace('Channel::', ''), channel_type: channelType, channel_id: id };
    this.inboxes.set(id, inbox);
    return inbox;
  }

  nextId(kind: keyof ChatwootState['ids']): number {
    this.ids[kind] += 1;
    return this.ids[kind];
  }

  messagesOf(displayId: number): Message[] {
    return [...this.messages.values()].filter((m) => m.conversation_display_id === displayId);
  }

  conversationsOf(contactId: number): Conversation[] {
    return [...this.conversations.values()].filter((c) => c.contact_id === contactId);
  }

  /** Contact deletion destroys conversations, contact_inboxes and messages (dependent: :destroy_async). */
  deleteContact(id: number): void {
    for (const c of this.conversationsOf(id)) {
      for (const m of this.messagesOf(c.display_id)) this.messages.delete(m.id);
      this.conversations.delete(c.display_id);
    }
    for (const ci of this.contactInboxes.values()) if (ci.contact_id === id) this.contactInboxes.delete(ci.id);
    this.contacts.delete(id);
  }

  reset(): void {
    this.contacts.clear();
    this.contactInboxes.clear();
    this.conversations.clear();
    this.messages.clear();
    for (const id of this.inboxes.keys()) if (id !== this.inbox.id) this.inboxes.delete(id);
    this.ids = this.firstIds();
  }
}
