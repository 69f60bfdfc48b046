import { dashboardAppPage } from './dashboard-app.js';
import { Faults } from '../faults.js';
import { listen, sendJson, sendText, type ListenOptions, type RequestStats } from '../http.js';
import { Router } from '../router.js';
import { ChatwootApp, ChatwootRequestError } from './app.js';
import { authenticate } from './auth.js';
import { contactRoutes } from './contact-routes.js';
import { conversationRoutes, directoryRoutes } from './conversation-routes.js';
import { ChatwootState, type AttachmentType, type ChannelType, type Contact, type Conversation, type Message, type Team, type User } from './state.js';
import { contactView, conversationView, messageView } from './views.js';
import { WebhookSender, type Delivery } from './webhooks.js';

export { signChatwootWebhook } from './webhooks.js';
export type { Delivery as ChatwootDelivery } from './webhooks.js';

export interface ChatwootStandInOptions extends ListenOptions {
  accountId?: number;
  accountName?: string;
  inboxId?: number;
  userToken?: string;
  /** The agent bot's access token; leave undefined for an installation without a bot token. */
  botToken?: string;
  /** Chatwoot from mid-2026 (PR #14655) lets the bot token read a conversation and its labels; older ones answer 401. */
  botReadsConversations?: boolean;
  /** The bot's outgoing_url; message_created goes there when set. */
  botWebhookUrl?: string;
  webhookSecret?: string;
  /** An inbox with an active agent bot starts and reopens conversations as pending. */
  agentBotActive?: boolean;
  keepPendingOnBotFailure?: boolean;
  webhookRetryDelayMs?: number;
  webhookTimeoutMs?: number;
  /**
   * Contact, message and conversation ids start after this. Workflow ids carry conversation and message ids, so
   * stand-ins whose services share one Temporal namespace (the test files) each need their own range.
   */
  idBase?: number;
  users?: User[];
  teams?: Team[];
}

export interface ChatwootStandIn {
  url: string;
  accountId: number;
  inboxId: number;
  userToken: string;
  botToken: string | undefined;
  /** The agent bot's id: a user token posts as the bot with `sender_type: "AgentBot"` and this `sender_id`. */
  botId: number;
  webhookSecret: string;
  faults: Faults;
  close(): Promise<void>;
  /** REST views, as GET would return them. */
  contacts(): ReturnType<typeof contactView>[];
  conversations(): ReturnType<typeof conversationView>[];
  messages(conversationId: number): ReturnType<typeof messageView>[];
  /** Makes a contact "online" so that deleting it answers 422 "is Online". */
  setContactOnline(contactId: number, online: boolean): void;
  setBotWebhookUrl(url: string | null): void;
  /** The dashboard app shown beside a conversation at GET /app/accounts/:account/conversations/:id (Settings → Integrations → Dashboard apps). */
  setDashboardAppUrl(url: string | null): void;
  /**
   * A customer writes: creates the contact/conversation if needed, then the incoming message and its webhook. A
   * contact with the same phone is reused, as Chatwoot's contact builder and the widget's pre-chat merge do.
   * `channel` picks the inbox (default: the API inbox); WhatsApp and SMS take the phone as the carrier's sender id
   * (contact_inbox.source_id). `hmacVerified` is a widget setUser that came with a valid identifier_hash.
   * `content: null` with `attachments` is a photo, voice message or location without text.
   */
  receiveCustomerMessage(input: {
    content: string | null;
    attachments?: AttachmentType[];
    conversationId?: number;
    contactId?: number;
    name?: string;
    phone?: string;
    channel?: ChannelType;
    hmacVerified?: boolean;
  }): {
    conversation: ReturnType<typeof conversationView>;
    message: ReturnType<typeof messageView>;
  };
  /** Posts any payload to the bot URL (or `url`), signed like Chatwoot; resolves true on a 2xx. */
  emitWebhook(payload: Record<string, unknown>, url?: string): Promise<boolean>;
  /** Waits until every webhook in flight has been answered (retries included). */
  webhooksIdle(): Promise<void>;
  readonly deliveries: readonly Delivery[];
  reset(): void;
  /** Changes a user's role, e.g. to make the service's token an agent's (no contact deletion). */
  setUserRole(userId: number, role: 'administrator' | 'agent'): void;
  readonly requestCount: number;
}

/** The sender id a carrier channel keys its contact_inbox by: WhatsApp's wa_id (digits), an SMS sender's E.164 number. */
function carrierSourceId(channel: ChannelType, phone: string | undefined): string | undefined {
  if (channel !== 'Channel::Whatsapp' && channel !== 'Channel::Sms' && channel !== 'Channel::TwilioSms') return undefined;
  if (!phone) throw new Error(`A ${channel} customer writes from a phone: pass one`);
  return channel === 'Channel::Whatsapp' ? phone.replace(/^\+/, '') : phone;
}

const DEFAULT_USERS: User[] = [
  { id: 1, name: 'Sandbox Admin', email: 'admin@sandbox.test', role: 'administrator' },
  { id: 2, name: 'Sandbox Agent', email: 'agent@sandbox.test', role: 'agent' },
];
const DEFAULT_TEAMS: Team[] = [
  { id: 1, name: 'support', description: 'Support', allow_auto_assign: true },
  { id: 2, name: 'service', description: 'Service', allow_auto_assign: true },
  { id: 3, name: 'sales', description: 'Sales', allow_auto_assign: true },
];

export async function startChatwootStandIn(options: ChatwootStandInOptions = {}): Promise<ChatwootStandIn> {
  const accountId = options.accountId ?? 1;
  const inboxId = options.inboxId ?? 1;
  const userToken = options.userToken ?? 'chatwoot-user-token';
  const webhookSecret = options.webhookSecret ?? 'chatwoot-webhook-secret';
  const users = options.users ?? DEFAULT_USERS;
  const state = new ChatwootState(
    { id: accountId, name: options.accountName ?? 'KGC' },
    { id: inboxId, name: 'KGC API', channel_type: 'Channel::Api', channel_id: 1 },
    users,
    { id: 1, name: 'Koko', description: 'KGC assistant', outgoing_url: options.botWebhookUrl ?? null, secret: webhookSecret },
    options.teams ?? DEFAULT_TEAMS,
    options.idBase,
  );
  const webhooks = new WebhookSender({ secret: webhookSecret, retryDelayMs: options.webhookRetryDelayMs, timeoutMs: options.webhookTimeoutMs });
  const app = new ChatwootApp(state, webhooks, {
    agentBotActive: options.agentBotActive ?? true,
    keepPendingOnBotFailure: options.keepPendingOnBotFailure ?? false,
  });
  const base = '/api/v1/accounts/:accountId';
  const router = new Router();
  contactRoutes(router, app, base);
  conversationRoutes(router, app, base);
  directoryRoutes(router, app, base);

  const faults = new Faults();
  let dashboardAppUrl: string | null = null;
  const stats: RequestStats = { count: 0 };
  const reset = () => {
    state.reset();
    webhooks.deliveries.length = 0;
    stats.count = 0;
  };
  const tokens = { user: userToken, userId: users[0]?.id ?? 1, bot: options.botToken, botReadsConversations: options.botReadsConversations ?? false };

  const server = await listen(
    {
      faults,
      stats,
      reset,
      respondToFault: (res, status, retryAfter, body) => {
        const headers: Record<string, string> = retryAfter !== undefined ? { 'Retry-After': String(retryAfter) } : {};
        if (status === 429 || status === 'LIMIT_REACHED') return sendText(res, 429, 'Retry later\n', headers);
        sendJson(res, status, body ?? { status, error: 'Internal Server Error' }, headers);
      },
      handle: async (req, res) => {
        const path = (req.url ?? '/').split('?')[0] ?? '/';
        const page = /^\/app\/accounts\/(\d+)\/conversations\/(\d+)$/.exec(path);
        if (page && req.method === 'GET' && Number(page[1]) === accountId) {
          const html = dashboardAppUrl ? dashboardAppPage(state, Number(page[2]), dashboardAppUrl) : undefined;
          return html ? sendText(res, 200, html, { 'Content-Type': 'text/html; charset=utf-8' }) : sendJson(res, 404, { error: 'Resource could not be found' });
        }
        const m = /^\/api\/v1\/accounts\/(\d+)(\/.*)?$/.exec(path);
        if (!m) return sendJson(res, 404, { error: 'Resource could not be found' });
        const auth = authenticate(req, m[2] ?? '', tokens);
        if (!auth.ok) return sendJson(res, 401, auth.body);
        if (Number(m[1]) !== accountId) return sendJson(res, 401, { error: 'You are not authorized to access this account' });
        app.callers.set(req, auth.caller);
        try {
          if (!(await router.dispatch(req, res))) sendJson(res, 404, { error: 'Resource could not be found' });
        } catch (err) {
          if (!(err instanceof ChatwootRequestError)) throw err;
          sendJson(res, err.status, err.body);
        }
      },
    },
    options,
  );

  const findOrCreateContact = (input: { contactId?: number; name?: string; phone?: string }): Contact => {
    if (input.contactId !== undefined) return app.contact(input.contactId);
    const existing = [...state.contacts.values()].find((c) => input.phone && c.phone_number === input.phone);
    if (existing) return existing;
    const contact: Contact = {
      id: state.nextId('contact'),
      name: input.name ?? 'Customer',
      email: null,
      phone_number: input.phone ?? null,
      identifier: null,
      blocked: false,
      additional_attributes: {},
      custom_attributes: {},
      created_at: Math.floor(Date.now() / 1000),
      last_activity_at: null,
      online: false,
    };
    state.contacts.set(contact.id, contact);
    return contact;
  };

  return {
    url: server.url,
    accountId,
    inboxId,
    userToken,
    botToken: options.botToken,
    botId: state.bot.id,
    webhookSecret,
    faults,
    close: async () => {
      await webhooks.idle();
      await server.close();
    },
    contacts: () => [...state.contacts.values()].map((c) => contactView(state, c)),
    conversations: () => [...state.conversations.values()].map((c) => conversationView(state, c)),
    messages: (id) => state.messagesOf(id).map((m: Message) => messageView(state, m)),
    setContactOnline: (id, online) => {
      app.contact(id).online = online;
    },
    setDashboardAppUrl: (url) => {
      dashboardAppUrl = url;
    },
    setBotWebhookUrl: (url) => {
      state.bot.outgoing_url = url;
    },
    receiveCustomerMessage: (input) => {
      let conversation: Conversation;
      if (input.conversationId !== undefined) conversation = app.conversation(input.conversationId);
      else {
        const inbox = input.channel ? state.channelInbox(input.channel) : state.inbox;
        const contact = findOrCreateContact(input);
        const open = state.conversationsOf(contact.id).find((c) => c.status !== 'resolved' && c.inbox_id === inbox.id);
        conversation = open ?? app.createConversation(contact, {}, inbox, carrierSourceId(inbox.channel_type, input.phone));
      }
      if (input.hmacVerified) state.contactInboxes.get(conversation.contact_inbox_id)!.hmac_verified = true;
      const message = app.addMessage(conversation, {
        content: input.content,
        message_type: 'incoming',
        attachments: input.attachments,
        sender: { type: 'contact', id: conversation.contact_id },
      });
      return { conversation: conversationView(state, conversation), message: messageView(state, message) };
    },
    emitWebhook: (payload, url) => {
      const target = url ?? state.bot.outgoing_url;
      if (!target) throw new Error('No webhook URL: pass one or set botWebhookUrl');
      return webhooks.send(target, payload);
    },
    webhooksIdle: () => webhooks.idle(),
    deliveries: webhooks.deliveries,
    reset,
    setUserRole(userId: number, role: 'administrator' | 'agent') {
      const user = state.users.find((u) => u.id === userId);
      if (!user) throw new Error(`no user ${userId}`);
      user.role = role;
    },
    get requestCount() {
      return stats.count;
    },
  };
}
