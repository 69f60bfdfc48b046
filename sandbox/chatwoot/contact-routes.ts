import { readBody, sendJson } from '../http.js';
import type { Router, RouteContext } from '../router.js';
import { ChatwootRequestError, type ChatwootApp } from './app.js';
import { validateContact, type ContactInput } from './contact-validation.js';
import { nowSeconds, type Contact } from './state.js';
import { contactView, conversationView, inboxView } from './views.js';

const PER_PAGE = 15;

export async function jsonBody<T>(ctx: RouteContext): Promise<T> {
  const raw = await readBody(ctx.req);
  if (!raw) return {} as T;
  try {
    return JSON.parse(raw) as T;
  } catch {
    throw new ChatwootRequestError(400, { error: 'Invalid JSON' });
  }
}

function pageOf<T>(items: T[], ctx: RouteContext) {
  const page = Math.max(1, Number(ctx.query.get('page') ?? 1) || 1);
  return { page, items: items.slice((page - 1) * PER_PAGE, page * PER_PAGE) };
}

/** Index lists only "resolved" contacts: ones with an email, a phone number or an identifier. */
const resolved = (c: Contact) => !!(c.email || c.phone_number || c.identifier);

type Rule = { attribute_key: string; filter_operator: string; values?: unknown[]; query_operator?: string | null };

const TEXT_OPERATORS = ['equal_to', 'not_equal_to', 'contains', 'does_not_contain'];
/** lib/filters/filter_keys.yml, contacts: the standard text keys (compared lower-cased) and their operators. */
const STANDARD_KEYS: Record<string, string[]> = {
  name: TEXT_OPERATORS,
  email: TEXT_OPERATORS,
  phone_number: TEXT_OPERATORS,
  identifier: ['equal_to', 'not_equal_to'],
};
const ANY_OPERATOR = ['equal_to', 'not_equal_to', 'contains', 'does_not_contain', 'is_present', 'is_not_present'];

/**
 * Contacts::FilterService: equal_to compares `LOWER(column) = values[0]` lower-cased (only the first value counts),
 * and a phone number's value gets a `+` put in front, so callers send it without one.
 */
function contactFilter(rules: Rule[]): (c: Contact) => boolean {
  const tests = rules.map((rule) => {
    const key = rule.attribute_key;
    const allowed = STANDARD_KEYS[key] ?? ANY_OPERATOR;
    if (!allowed.includes(rule.filter_operator)) {
      throw new ChatwootRequestError(422, { error: `Invalid operator. The allowed operators for ${key} are [${allowed.join(',')}].` });
    }
    const values = rule.values ?? [];
    if (!['is_present', 'is_not_present'].includes(rule.filter_operator) && values.length === 0) {
      throw new ChatwootRequestError(422, { error: `Invalid value. The values provided for ${key} are invalid` });
    }
    const get = (c: Contact) => {
      const direct = (c as unknown as Record<string, unknown>)[key];
      return direct !== undefined ? direct : (c.custom_attributes[key] ?? c.additional_attributes[key]);
    };
    const text = (c: Contact) => String(get(c) ?? '').toLowerCase();
    const first = key === 'phone_number' ? `+${String(values[0])}` : String(values[0]).toLowerCase();
    const likes = values.map((v) => String(v).trim().toLowerCase());
    switch (rule.filter_operator) {
      case 'equal_to':
        return (c: Contact) => get(c) != null && text(c) === first;
      case 'not_equal_to':
        return (c: Contact) => get(c) != null && text(c) !== first;
      case 'contains':
        return (c: Contact) => likes.some((v) => text(c).includes(v));
      case 'does_not_contain':
        return (c: Contact) => !likes.some((v) => text(c).includes(v));
      case 'is_present':
        return (c: Contact) => text(c) !== '';
      default:
        return (c: Contact) => text(c) === '';
    }
  });
  return (c) => {
    let result = tests[0]?.(c) ?? true;
    for (let i = 1; i < tests.length; i++) {
      const joinWithOr = rules[i - 1]?.query_operator?.toLowerCase() === 'or';
      result = joinWithOr ? result || tests[i]!(c) : result && tests[i]!(c);
    }
    return result;
  };
}

export function contactRoutes(router: Router, app: ChatwootApp, base: string): void {
  const { state } = app;
  const view = (c: Contact) => contactView(state, c);

  router
    .on('GET', `${base}/contacts`, (ctx) => {
      const all = [...state.contacts.values()].filter(resolved);
      const { page, items } = pageOf(all, ctx);
      sendJson(ctx.res, 200, { meta: { count: all.length, current_page: page }, payload: items.map(view) });
    })
    .on('POST', `${base}/contacts`, async (ctx) => {
      const body = await jsonBody<ContactInput & { inbox_id?: number; source_id?: string }>(ctx);
      const input = validateContact(state, body);
      const contact: Contact = {
        id: state.nextId('contact'),
        name: input.name ?? null,
        email: input.email ?? null,
        phone_number: input.phone_number ?? null,
        identifier: input.identifier ?? null,
        blocked: input.blocked ?? false,
        additional_attributes: input.additional_attributes ?? {},
        custom_attributes: input.custom_attributes ?? {},
        created_at: nowSeconds(),
        last_activity_at: null,
        online: false,
      };
      state.contacts.set(contact.id, contact);
      let contactInbox: { inbox: unknown; source_id: string | null } = { inbox: null, source_id: null };
      if (body.inbox_id !== undefined) {
        if (body.inbox_id !== state.inbox.id) throw new ChatwootRequestError(404, { error: 'Resource could not be found' });
        const ci = { id: state.nextId('contactInbox'), contact_id: contact.id, inbox_id: state.inbox.id, source_id: body.source_id ?? crypto.randomUUID(), hmac_verified: false, created_at: new Date().toISOString() };
        state.contactInboxes.set(ci.id, ci);
        contactInbox = { inbox: inboxView(state), source_id: ci.source_id };
      }
      sendJson(ctx.res, 200, { payload: { contact: view(contact), contact_inbox: contactInbox } });
    })
    .on('GET', `${base}/contacts/search`, (ctx) => {
      const q = ctx.query.get('q');
      if (!q) throw new ChatwootRequestError(422, { error: 'Specify search string with parameter q' });
      const needle = q.toLowerCase();
      // Chatwoot's search has no ORDER BY; listing newest first makes "the first page holds the exact match" fail here too.
      const hits = [...state.contacts.values()].reverse().filter(
        (c) =>
          [c.name, c.email, c.phone_number].some((v) => v?.toLowerCase().includes(needle)) || (c.identifier ?? '').includes(q),
      );
      const { page, items } = pageOf(hits, ctx);
      sendJson(ctx.res, 200, { meta: { count: hits.length, current_page: page, has_more: page * PER_PAGE < hits.length }, payload: items.map(view) });
    })
    .on('POST', `${base}/contacts/filter`, async (ctx) => {
      const body = await jsonBody<{ payload?: Rule[] }>(ctx);
      // Filter scopes to all of the account's contacts, not only the resolved ones the index lists.
      const hits = [...state.contacts.values()].filter(contactFilter(body.payload ?? []));
      const { page, items } = pageOf(hits, ctx);
      sendJson(ctx.res, 200, { meta: { count: hits.length, current_page: page }, payload: items.map(view) });
    })
    .on('GET', `${base}/contacts/:id/conversations`, (ctx) => {
      const contact = app.contact(ctx.params.id);
      // Contacts::ConversationsController: the 20 with the latest activity, no paging.
      const latest = [...state.conversationsOf(contact.id)].sort((a, b) => b.last_activity_at - a.last_activity_at).slice(0, 20);
      sendJson(ctx.res, 200, { payload: latest.map((c) => conversationView(state, c)) });
    })
    .on('GET', `${base}/contacts/:id`, (ctx) => sendJson(ctx.res, 200, { payload: view(app.contact(ctx.params.id)) }));

  const update = async (ctx: RouteContext) => {
    const contact = app.contact(ctx.params.id);
    const input = validateContact(state, await jsonBody<ContactInput>(ctx), contact);
    const { additional_attributes, custom_attributes, ...top } = input;
    for (const [k, v] of Object.entries(top)) if (v !== undefined) (contact as unknown as Record<string, unknown>)[k] = v;
    contact.custom_attributes = { ...contact.custom_attributes, ...custom_attributes };
    contact.additional_attributes = { ...contact.additional_attributes, ...additional_attributes };
    sendJson(ctx.res, 200, { payload: view(contact) });
  };
  router.on('PUT', `${base}/contacts/:id`, update).on('PATCH', `${base}/contacts/:id`, update);

  router.on('DELETE', `${base}/contacts/:id`, (ctx) => {
    // ContactPolicy#destroy: administrators only; Pundit's refusal is a 401 (Api::BaseController#render_unauthorized).
    const caller = app.caller(ctx.req);
    const role = caller.kind === 'user' ? app.state.users.find((u) => u.id === caller.userId)?.role : undefined;
    if (role !== 'administrator') throw new ChatwootRequestError(401, { error: 'You are not authorized to do this action' });
    const contact = app.contact(ctx.params.id);
    if (contact.online) throw new ChatwootRequestError(422, { message: `${contact.name ?? ''} is Online, please try again later` });
    state.deleteContact(contact.id);
    ctx.res.writeHead(200, { 'Content-Length': 0 }).end();
  });
}
