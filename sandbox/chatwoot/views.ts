import type { ChatwootState, Contact, ContactInbox, Conversation, Inbox, Message, MessageType } from './state.js';

const MESSAGE_TYPE_CODES: Record<MessageType, number> = { incoming: 0, outgoing: 1, activity: 2, template: 3 };

export function inboxView(state: ChatwootState, inbox: Inbox = state.inbox) {
  return { id: inbox.id, name: inbox.name, channel_type: inbox.channel_type, channel_id: inbox.channel_id, avatar_url: '', provider: null };
}

/** _contact.json.jbuilder: last_activity_at only appears once there was activity. */
export function contactView(state: ChatwootState, c: Contact) {
  const inboxes = [...state.contactInboxes.values()].filter((ci) => ci.contact_id === c.id);
  return {
    additional_attributes: c.additional_attributes,
    availability_status: c.online ? 'online' : 'offline',
    email: c.email,
    id: c.id,
    name: c.name,
    phone_number: c.phone_number,
    blocked: c.blocked,
    identifier: c.identifier,
    thumbnail: '',
    custom_attributes: c.custom_attributes,
    created_at: c.created_at,
    ...(c.last_activity_at !== null && { last_activity_at: c.last_activity_at }),
    contact_inboxes: inboxes.map((ci) => ({ source_id: ci.source_id, inbox: inboxView(state, state.inboxOf(ci.inbox_id)) })),
  };
}

/** Contact#webhook_data: no "type" key, unlike the conversation meta sender. */
/** The fields Chatwoot's contact webhook data and a conversation's `meta.sender` share. */
function contactCore(c: Contact) {
  return {
    additional_attributes: c.additional_attributes,
    custom_attributes: c.custom_attributes,
    email: c.email,
    id: c.id,
    identifier: c.identifier,
    name: c.name,
    phone_number: c.phone_number,
    thumbnail: '',
    blocked: c.blocked,
  };
}

export function contactWebhookView(state: ChatwootState, c: Contact) {
  return { ...contactCore(c), avatar: '', account: state.account };
}

function metaSender(c: Contact | undefined) {
  return c ? { ...contactCore(c), type: 'contact' } : null;
}

export function userView(state: ChatwootState, id: number) {
  const u = state.users.find((x) => x.id === id);
  if (!u) return null;
  return {
    id: u.id,
    name: u.name,
    available_name: u.name,
    avatar_url: '',
    type: 'user',
    availability_status: 'online',
    thumbnail: '',
    email: u.email,
    role: u.role,
  };
}

export function botView(state: ChatwootState) {
  const b = state.bot;
  return { id: b.id, name: b.name, description: b.description, thumbnail: '', outgoing_url: b.outgoing_url, bot_type: 'webhook' };
}

function senderView(state: ChatwootState, m: Message) {
  if (!m.sender) return null;
  if (m.sender.type === 'contact') return metaSender(state.contacts.get(m.sender.id));
  if (m.sender.type === 'user') return userView(state, m.sender.id);
  return { id: state.bot.id, name: state.bot.name, avatar_url: '', type: 'agent_bot' };
}

/** Attachment#push_event_data: a location carries coordinates, a file its URLs (made up here, nothing is stored). */
function attachmentsView(state: ChatwootState, m: Message) {
  return m.attachments.map((file_type, i) => {
    const base = { id: m.id * 10 + i, message_id: m.id, file_type, account_id: state.account.id };
    if (file_type === 'location') return { ...base, coordinates_lat: 47.4979, coordinates_long: 19.0402, fallback_title: 'Budapest', data_url: null };
    const url = `https://chatwoot.invalid/rails/active_storage/blobs/${base.id}`;
    return { ...base, extension: null, data_url: url, thumb_url: url, file_size: 1024, width: null, height: null };
  });
}

/** REST message: message_type is an integer and created_at epoch seconds (_message.json.jbuilder). */
export function messageView(state: ChatwootState, m: Message) {
  return {
    id: m.id,
    content: m.content,
    inbox_id: m.inbox_id,
    conversation_id: m.conversation_display_id,
    message_type: MESSAGE_TYPE_CODES[m.message_type],
    content_type: m.content_type,
    status: 'sent',
    content_attributes: m.content_attributes,
    created_at: m.created_at,
    private: m.private,
    source_id: m.source_id,
    sender: senderView(state, m),
    ...(m.echo_id !== undefined && { echo_id: m.echo_id }),
    ...(m.attachments.length > 0 && { attachments: attachmentsView(state, m) }),
  };
}

function lastPublicMessage(state: ChatwootState, c: Conversation) {
  const list = state.messagesOf(c.display_id).filter((m) => !m.private && m.message_type !== 'activity');
  const last = list[list.length - 1];
  return last ? messageView(state, last) : null;
}

function conversationMeta(state: ChatwootState, c: Conversation) {
  const assignee = c.assignee_id !== null ? userView(state, c.assignee_id) : c.assignee_agent_bot_id !== null ? botView(state) : null;
  const team = state.teams.find((t) => t.id === c.team_id);
  return {
    sender: metaSender(state.contacts.get(c.contact_id)),
    assignee,
    assignee_type: c.assignee_id !== null ? 'User' : c.assignee_agent_bot_id !== null ? 'AgentBot' : null,
    team: team ? { id: team.id, name: team.name } : null,
    hmac_verified: state.contactInboxes.get(c.contact_inbox_id)?.hmac_verified ?? null,
  };
}

function conversationCore(state: ChatwootState, c: Conversation) {
  const last = lastPublicMessage(state, c);
  return {
    additional_attributes: c.additional_attributes,
    can_reply: true,
    channel: state.inboxOf(c.inbox_id).channel_type,
    id: c.display_id,
    inbox_id: c.inbox_id,
    messages: last ? [last] : [],
    labels: c.labels,
    priority: c.priority,
    custom_attributes: c.custom_attributes,
    snoozed_until: c.snoozed_until,
    status: c.status,
    unread_count: state.messagesOf(c.display_id).filter((m) => m.message_type === 'incoming').length,
    first_reply_created_at: c.first_reply_created_at,
    agent_last_seen_at: 0,
    contact_last_seen_at: 0,
    last_activity_at: c.last_activity_at,
    timestamp: c.last_activity_at,
    waiting_since: c.waiting_since,
    created_at: c.created_at,
    updated_at: c.updated_at,
  };
}

/** The flat REST conversation (_conversation.json.jbuilder); `id` is the display_id. */
export function conversationView(state: ChatwootState, c: Conversation) {
  const core = conversationCore(state, c);
  return {
    ...core,
    account_id: state.account.id,
    uuid: c.uuid,
    muted: false,
    last_non_activity_message: core.messages[0] ?? null,
    meta: { ...conversationMeta(state, c), channel: state.inboxOf(c.inbox_id).channel_type },
  };
}

function contactInboxView(ci: ContactInbox | undefined) {
  if (!ci) return null;
  return { id: ci.id, contact_id: ci.contact_id, inbox_id: ci.inbox_id, source_id: ci.source_id, hmac_verified: ci.hmac_verified, pubsub_token: `pubsub-${ci.id}`, created_at: ci.created_at, updated_at: ci.created_at };
}

/** Conversations::EventDataPresenter, as nested in webhook payloads. */
export function conversationWebhookView(state: ChatwootState, c: Conversation) {
  return {
    ...conversationCore(state, c),
    contact_inbox: contactInboxView(state.contactInboxes.get(c.contact_inbox_id)),
    meta: conversationMeta(state, c),
    account: state.account,
  };
}

/** Message#webhook_data: message_type is a string here and created_at an ISO time. */
export function messageWebhookView(state: ChatwootState, m: Message, event: string) {
  const conversation = state.conversations.get(m.conversation_display_id);
  const sender = m.sender;
  return {
    event,
    id: m.id,
    content: m.content,
    content_type: m.content_type,
    content_attributes: m.content_attributes,
    additional_attributes: {},
    message_type: m.message_type,
    private: m.private,
    source_id: m.source_id,
    created_at: new Date(m.created_at_ms).toISOString(),
    sender:
      sender?.type === 'contact'
        ? contactWebhookView(state, state.contacts.get(sender.id) as Contact)
        : sender?.type === 'user'
          ? (({ id, name, email }) => ({ id, name, email, type: 'user' }))(state.users.find((u) => u.id === sender.id) ?? { id: sender.id, name: '', email: '' })
          : sender
            ? { id: state.bot.id, name: state.bot.name, type: 'agent_bot' }
            : null,
    inbox: { id: state.inbox.id, name: state.inbox.name },
    account: state.account,
    conversation: conversation ? conversationWebhookView(state, conversation) : null,
    ...(m.attachments.length > 0 && { attachments: attachmentsView(state, m) }),
  };
}
