import { sendJson } from '../http.js';
import type { Router, RouteContext } from '../router.js';
import { ChatwootRequestError, notFound, type ChatwootApp } from './app.js';
import { jsonBody } from './contact-routes.js';
import type { Conversation, MessageType, Priority, Sender } from './state.js';
import { botView, contactView, conversationView, messageView, userView } from './views.js';

const PER_PAGE = 25;
const STATUSES = ['open', 'resolved', 'pending', 'snoozed'];
const PRIORITIES = ['low', 'medium', 'high', 'urgent'];

type Rule = { attribute_key: string; filter_operator: string; values?: unknown[]; query_operator?: string | null };

function conversationFilter(rules: Rule[]): (c: Conversation) => boolean {
  return (c) =>
    rules.every((rule) => {
      const raw = rule.attribute_key === 'labels' ? c.labels : (c as unknown as Record<string, unknown>)[rule.attribute_key] ?? c.custom_attributes[rule.attribute_key];
      const values = (rule.values ?? []).map(String);
      const actual = Array.isArray(raw) ? raw.map(String) : [String(raw ?? '')];
      const hit = actual.some((a) => values.includes(a));
      if (rule.filter_operator === 'equal_to') return hit;
      if (rule.filter_operator === 'not_equal_to') return !hit;
      if (rule.filter_operator === 'is_present') return raw !== null && raw !== undefined && actual.join('') !== '';
      if (rule.filter_operator === 'is_not_present') return raw === null || raw === undefined || actual.join('') === '';
      throw new ChatwootRequestError(422, { error: `Invalid operator ${rule.filter_operator} for ${rule.attribute_key}` });
    });
}

export function conversationRoutes(router: Router, app: ChatwootApp, base: string): void {
  const { state } = app;
  const view = (c: Conversation) => conversationView(state, c);
  const touch = (c: Conversation) => (c.updated_at = Date.now() / 1000);
  const counts = (list: Conversation[], userId: number | null) => ({
    mine_count: list.filter((c) => c.assignee_id === userId).length,
    assigned_count: list.filter((c) => c.assignee_id !== null).length,
    unassigned_count: list.filter((c) => c.assignee_id === null).length,
    all_count: list.length,
  });
  const page = (ctx: RouteContext, list: Conversation[]) => {
    const n = Math.max(1, Number(ctx.query.get('page') ?? 1) || 1);
    return list.sort((a, b) => b.last_activity_at - a.last_activity_at).slice((n - 1) * PER_PAGE, n * PER_PAGE);
  };

  router
    .on('GET', `${base}/conversations`, (ctx) => {
      const caller = app.caller(ctx.req);
      const userId = caller.kind === 'user' ? caller.userId : null;
      const status = ctx.query.get('status') ?? 'open';
      const q = ctx.query;
      const scoped = [...state.conversations.values()].filter(
        (c) =>
          (status === 'all' || c.status === status) &&
          (!q.get('inbox_id') || c.inbox_id === Number(q.get('inbox_id'))) &&
          (!q.get('team_id') || c.team_id === Number(q.get('team_id'))),
      );
      const type = q.get('assignee_type') ?? 'me';
      const list = scoped.filter((c) =>
        type === 'me' ? c.assignee_id === userId : type === 'unassigned' ? c.assignee_id === null : type === 'assigned' ? c.assignee_id !== null : true,
      );
      sendJson(ctx.res, 200, { data: { meta: counts(scoped, userId), payload: page(ctx, list).map(view) } });
    })
    .on('POST', `${base}/conversations/filter`, async (ctx) => {
      const caller = app.caller(ctx.req);
      const body = await jsonBody<{ payload?: Rule[] }>(ctx);
      const list = [...state.conversations.values()].filter(conversationFilter(body.payload ?? []));
      const { assigned_count: _assigned, ...meta } = counts(list, caller.kind === 'user' ? caller.userId : null);
      sendJson(ctx.res, 200, { meta, payload: page(ctx, list).map(view) });
    })
    .on('POST', `${base}/conversations`, async (ctx) => {
      const body = await jsonBody<Partial<Conversation> & { contact_id?: number; source_id?: string; status?: string; message?: { content?: string } }>(ctx);
      if (body.inbox_id !== undefined && body.inbox_id !== state.inbox.id) throw notFound();
      const byContact = body.contact_id !== undefined ? state.contacts.get(Number(body.contact_id)) : undefined;
      const bySource = [...state.contactInboxes.values()].find((ci) => ci.source_id === body.source_id);
      const contact = byContact ?? (bySource && state.contacts.get(bySource.contact_id));
      if (!contact) throw notFound();
      const conversation = app.createConversation(contact, body);
      if (body.message?.content) app.addMessage(conversation, { content: body.message.content, sender: senderFor(ctx) });
      sendJson(ctx.res, 200, view(conversation));
    })
    .on('GET', `${base}/conversations/:id`, (ctx) => sendJson(ctx.res, 200, view(app.conversation(ctx.params.id))))
    .on('PATCH', `${base}/conversations/:id`, async (ctx) => {
      const c = app.conversation(ctx.params.id);
      const body = await jsonBody<{ priority?: Priority }>(ctx);
      if (body.priority !== undefined) c.priority = body.priority;
      touch(c);
      sendJson(ctx.res, 200, view(c));
    })
    .on('POST', `${base}/conversations/:id/toggle_status`, async (ctx) => {
      const c = app.conversation(ctx.params.id);
      const body = await jsonBody<{ status?: string; snoozed_until?: number | null }>(ctx);
      if (body.status !== undefined && !STATUSES.includes(body.status)) {
        throw new ChatwootRequestError(422, { error: `'${body.status}' is not a valid status` });
      }
      const next = body.status ?? (c.status === 'open' ? 'resolved' : 'open');
      if (c.status === 'pending' && next === 'open') c.waiting_since ??= Math.floor(Date.now() / 1000);
      c.status = next as Conversation['status'];
      c.snoozed_until = next === 'snoozed' ? (body.snoozed_until ?? null) : null;
      touch(c);
      sendJson(ctx.res, 200, { meta: {}, payload: { success: true, conversation_id: c.display_id, current_status: c.status, snoozed_until: c.snoozed_until } });
    })
    .on('POST', `${base}/conversations/:id/toggle_priority`, async (ctx) => {
      const c = app.conversation(ctx.params.id);
      const { priority } = await jsonBody<{ priority?: string | null }>(ctx);
      if (priority != null && !PRIORITIES.includes(priority)) throw new ChatwootRequestError(422, { error: `'${priority}' is not a valid priority` });
      c.priority = (priority ?? null) as Priority;
      touch(c);
      ctx.res.writeHead(200, { 'Content-Length': 0 }).end();
    })
    .on('POST', `${base}/conversations/:id/toggle_typing_status`, (ctx) => {
      app.conversation(ctx.params.id);
      ctx.res.writeHead(200, { 'Content-Length': 0 }).end();
    })
    .on('POST', `${base}/conversations/:id/custom_attributes`, async (ctx) => {
      const c = app.conversation(ctx.params.id);
      const body = await jsonBody<{ custom_attributes?: Record<string, unknown> }>(ctx);
      // The whole hash is replaced (ConversationsController#custom_attributes), not merged.
      const previous = c.custom_attributes;
      c.custom_attributes = body.custom_attributes ?? {};
      touch(c);
      if (JSON.stringify(previous) !== JSON.stringify(c.custom_attributes)) {
        app.notifyConversationUpdated(c, { custom_attributes: { previous_value: previous, current_value: c.custom_attributes } });
      }
      sendJson(ctx.res, 200, { custom_attributes: c.custom_attributes });
    })
    .on('GET', `${base}/conversations/:id/labels`, (ctx) => sendJson(ctx.res, 200, { payload: app.conversation(ctx.params.id).labels }))
    .on('POST', `${base}/conversations/:id/labels`, async (ctx) => {
      const c = app.conversation(ctx.params.id);
      const previous = c.labels;
      c.labels = [...new Set((await jsonBody<{ labels?: string[] }>(ctx)).labels ?? [])];
      touch(c);
      if (JSON.stringify([...previous].sort()) !== JSON.stringify([...c.labels].sort())) {
        app.notifyConversationUpdated(c, { label_list: { previous_value: previous, current_value: c.labels } });
      }
      sendJson(ctx.res, 200, { payload: c.labels });
    })
    .on('POST', `${base}/conversations/:id/assignments`, async (ctx) => {
      const c = app.conversation(ctx.params.id);
      const body = await jsonBody<{ assignee_id?: number | null; assignee_type?: string; team_id?: number | null }>(ctx);
      touch(c);
      if (body.assignee_id !== undefined) {
        if (body.assignee_type === 'AgentBot') {
          c.assignee_agent_bot_id = state.bot.id;
          c.assignee_id = null;
          return sendJson(ctx.res, 200, botView(state));
        }
        const member = state.users.find((u) => u.id === Number(body.assignee_id));
        c.assignee_id = member ? member.id : null;
        c.assignee_agent_bot_id = null;
        return sendJson(ctx.res, 200, member ? userView(state, member.id) : null);
      }
      const team = state.teams.find((t) => t.id === Number(body.team_id));
      c.team_id = team ? team.id : null;
      sendJson(ctx.res, 200, team ? { ...team, account_id: state.account.id, is_member: false } : null);
    })
    .on('GET', `${base}/conversations/:id/messages`, (ctx) => {
      const c = app.conversation(ctx.params.id);
      const contact = state.contacts.get(c.contact_id);
      sendJson(ctx.res, 200, {
        meta: {
          labels: c.labels,
          additional_attributes: c.additional_attributes,
          contact: contact ? contactView(state, contact) : null,
          assignee: c.assignee_id !== null ? userView(state, c.assignee_id) : null,
          agent_last_seen_at: null,
          assignee_last_seen_at: null,
        },
        // MessageFinder: the latest 20, older ones page with `before=<message id>`.
        payload: state
          .messagesOf(c.display_id)
          .filter((m) => !ctx.query.get('before') || m.id < Number(ctx.query.get('before')))
          .slice(-20)
          .map((m) => messageView(state, m)),
      });
    })
    .on('POST', `${base}/conversations/:id/messages`, async (ctx) => {
      const c = app.conversation(ctx.params.id);
      const body = await jsonBody<{
        content?: string;
        message_type?: MessageType;
        private?: boolean;
        content_type?: string;
        content_attributes?: Record<string, unknown> | string;
        echo_id?: string;
        source_id?: string;
        sender_type?: string;
        sender_id?: number | string;
      }>(ctx);
      const type = body.message_type ?? 'outgoing';
      const attributes = typeof body.content_attributes === 'string' ? (JSON.parse(body.content_attributes) as Record<string, unknown>) : body.content_attributes;
      // MessageBuilder#message_sender: "AgentBot" needs the id of an existing bot; otherwise the caller sends it.
      const asBot = body.sender_type === 'AgentBot' && Number(body.sender_id) === state.bot.id;
      const sender: Sender = type === 'incoming' ? { type: 'contact', id: c.contact_id } : asBot ? { type: 'agent_bot', id: state.bot.id } : senderFor(ctx);
      const message = app.addMessage(c, {
        content: body.content ?? null,
        message_type: type,
        private: body.private ?? false,
        content_type: body.content_type ?? 'text',
        content_attributes: attributes ?? {},
        source_id: body.source_id ?? null,
        ...(body.echo_id !== undefined && { echo_id: body.echo_id }),
        sender,
      });
      sendJson(ctx.res, 200, messageView(state, message));
    });

  function senderFor(ctx: RouteContext): Sender {
    const caller = app.caller(ctx.req);
    return caller.kind === 'user' ? { type: 'user', id: caller.userId } : { type: 'agent_bot', id: state.bot.id };
  }
}

export function directoryRoutes(router: Router, app: ChatwootApp, base: string): void {
  const { state } = app;
  router
    .on('GET', `${base}/agents`, (ctx) => sendJson(ctx.res, 200, state.users.map((u) => userView(state, u.id))))
    .on('GET', `${base}/teams`, (ctx) =>
      sendJson(ctx.res, 200, state.teams.map((t) => ({ ...t, account_id: state.account.id, is_member: false }))),
    )
    .on('GET', `${base}/inboxes`, (ctx) =>
      sendJson(ctx.res, 200, { payload: [{ id: state.inbox.id, name: state.inbox.name, channel_type: 'Channel::Api', channel_id: state.inbox.channel_id }] }),
    );
}
