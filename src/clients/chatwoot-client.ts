import axios, { type AxiosInstance, isAxiosError } from 'axios';
import { ChatwootValidationError, credentialedHttpFailure, failure, networkFailure } from './errors.js';

export interface ChatwootContact {
  id: number;
  name?: string | null;
  email?: string | null;
  phone_number?: string | null;
  identifier?: string | null;
  custom_attributes?: Record<string, unknown>;
}

export type ContactFilterAttribute = 'identifier' | 'email' | 'phone_number';

export interface ContactInput {
  name: string;
  email?: string | null;
  phone_number?: string | null;
  identifier: string;
  custom_attributes: Record<string, unknown>;
}

export interface ChatwootConversation {
  id: number;
  status: 'open' | 'resolved' | 'pending' | 'snoozed';
  meta?: { sender?: { id?: number } };
  custom_attributes?: Record<string, unknown>;
}

export interface MessageInput {
  content: string;
  private: boolean;
  contentAttributes?: Record<string, unknown>;
  /**
   * With a user token, the agent bot's id to post as: Chatwoot takes `sender_type: "AgentBot"` only together with
   * the id of an existing bot, otherwise the message is the token owner's, i.e. an agent's reply.
   */
  asBotId?: number;
}

/**
 * Chatwoot application API (`/api/v1/accounts/{id}`) with the administrator's user token. Chatwoot's error bodies are
 * never passed on ("Jane is Online", `full_messages` of a RecordInvalid, an exception's message): only status
 * and the attributes at fault leave this client.
 */
export class ChatwootClient {
  private readonly http: AxiosInstance;

  constructor(opts: { apiUrl: string; accountId: number; apiKey: string; timeoutMs?: number }) {
    this.http = axios.create({
      baseURL: `${opts.apiUrl.replace(/\/$/, '')}/api/v1/accounts/${opts.accountId}`,
      timeout: opts.timeoutMs ?? 10_000,
      // The dash form: nginx drops headers with underscores by default; Rails reads both as HTTP_API_ACCESS_TOKEN.
      headers: { 'Api-Access-Token': opts.apiKey, 'Content-Type': 'application/json' },
      validateStatus: () => true,
    });
  }

  async getContact(id: number): Promise<ChatwootContact | null> {
    const res = await this.send('get', `/contacts/${id}`, 'contact lookup');
    return res.status === 404 ? null : (res.data.payload as ChatwootContact);
  }

  async createContact(input: ContactInput): Promise<ChatwootContact> {
    const res = await this.send('post', '/contacts', 'contact create', input);
    return res.data.payload.contact as ChatwootContact;
  }

  async updateContact(id: number, input: ContactInput): Promise<ChatwootContact | null> {
    const res = await this.send('put', `/contacts/${id}`, 'contact update', input);
    return res.status === 404 ? null : (res.data.payload as ChatwootContact);
  }

  /**
   * Every contact whose attribute equals `value`, across all pages of `POST contacts/filter` (15 a page). Chatwoot
   * compares lower-cased (so identifiers differing only in case both come back) and puts the `+` in front of a
   * phone number itself, so the number is sent without it. Search is no lookup: substring matches, unordered.
   */
  async filterContacts(attribute: ContactFilterAttribute, value: string): Promise<ChatwootContact[]> {
    const sent = attribute === 'phone_number' ? value.replace(/^\+/, '') : value;
    const body = { payload: [{ attribute_key: attribute, filter_operator: 'equal_to', values: [sent], query_operator: null }] };
    const found: ChatwootContact[] = [];
    for (let page = 1; ; page++) {
      const res = await this.send('post', `/contacts/filter?page=${page}`, 'contact filter', body);
      const hits = (res.data.payload ?? []) as ChatwootContact[];
      found.push(...hits);
      if (hits.length === 0 || found.length >= Number(res.data.meta?.count ?? 0)) return found;
    }
  }

  /** The contact holding exactly this identifier (Chatwoot's filter ignores case; identifiers do not). */
  async findContactByIdentifier(identifier: string): Promise<ChatwootContact | null> {
    return (await this.filterContacts('identifier', identifier)).find((c) => c.identifier === identifier) ?? null;
  }

  async contactConversationCount(id: number): Promise<number> {
    const res = await this.send('get', `/contacts/${id}/conversations`, 'contact conversations');
    return res.status === 404 ? 0 : ((res.data.payload ?? []) as unknown[]).length;
  }

  /**
   * Admin-only hard delete; Chatwoot removes the contact's conversations and messages with it.
   * "is Online" (422) is a wait, not a refusal. Returns false when the contact is already gone.
   */
  async deleteContact(id: number): Promise<boolean> {
    let res;
    try {
      res = await this.http.delete(`/contacts/${id}`);
    } catch (err) {
      if (isAxiosError(err)) throw networkFailure('Chatwoot', 'contact delete', err);
      throw err;
    }
    if (res.status === 404) return false;
    if (res.status === 422) {
      throw failure('ChatwootContactOnline', 'Chatwoot refuses to delete a contact that is online; retrying later', { detail: { system: 'Chatwoot', status: 422 } });
    }
    if (res.status >= 400) throw credentialedHttpFailure('Chatwoot', 'contact delete', res.status, res.headers['retry-after'] as string | undefined);
    return true;
  }

  /** Null when the conversation is gone (404). User token: bot tokens may read a conversation only since mid-2026. */
  async getConversation(conversationId: number): Promise<ChatwootConversation | null> {
    const res = await this.send('get', `/conversations/${conversationId}`, 'conversation lookup');
    return res.status === 404 ? null : (res.data as ChatwootConversation);
  }

  /** Replaces the conversation's custom attributes (Chatwoot does not merge them); false when it is gone. */
  async setConversationCustomAttributes(conversationId: number, customAttributes: Record<string, unknown>): Promise<boolean> {
    const res = await this.send('post', `/conversations/${conversationId}/custom_attributes`, 'conversation custom attributes', { custom_attributes: customAttributes });
    return res.status !== 404;
  }

  /** Outgoing message or private note; null when the conversation is gone. */
  async postMessage(conversationId: number, input: MessageInput): Promise<{ id: number } | null> {
    const body = {
      content: input.content,
      message_type: 'outgoing',
      private: input.private,
      content_attributes: input.contentAttributes ?? {},
      ...(input.asBotId !== undefined && { sender_type: 'AgentBot', sender_id: input.asBotId }),
    };
    const res = await this.send('post', `/conversations/${conversationId}/messages`, 'message create', body);
    return res.status === 404 ? null : { id: Number(res.data.id) };
  }

  /** The conversation's latest 20 messages (Chatwoot pages older ones with `before`); user tokens only. */
  async listMessages(conversationId: number): Promise<Array<{ id: number; content_attributes?: Record<string, unknown> }>> {
    const res = await this.send('get', `/conversations/${conversationId}/messages`, 'message list');
    return res.status === 404 ? [] : ((res.data.payload ?? []) as Array<{ id: number; content_attributes?: Record<string, unknown> }>);
  }

  /** From pending, `open` is the bot handoff. Idempotent. */
  async toggleStatus(conversationId: number, status: 'open' | 'pending' | 'resolved'): Promise<boolean> {
    const res = await this.send('post', `/conversations/${conversationId}/toggle_status`, 'toggle status', { status });
    return res.status !== 404;
  }

  async togglePriority(conversationId: number, priority: 'urgent' | 'high' | 'medium' | 'low'): Promise<boolean> {
    const res = await this.send('post', `/conversations/${conversationId}/toggle_priority`, 'toggle priority', { priority });
    return res.status !== 404;
  }

  /**
   * Team assignment alone: with `assignee_id` present Chatwoot would ignore `team_id`. A team id Chatwoot does not
   * know clears the conversation's team and answers 200 with a null body: 'unknown_team'.
   */
  async assignTeam(conversationId: number, teamId: number): Promise<'assigned' | 'unknown_team' | 'gone'> {
    const res = await this.send('post', `/conversations/${conversationId}/assignments`, 'team assignment', { team_id: teamId });
    if (res.status === 404) return 'gone';
    return res.data ? 'assigned' : 'unknown_team';
  }

  /** The account's teams (user token; bots may not list them). */
  async listTeams(): Promise<Array<{ id: number; name: string }>> {
    const res = await this.send('get', '/teams', 'team list');
    return (res.data ?? []) as Array<{ id: number; name: string }>;
  }

  /** The contact's conversations, newest activity first; Chatwoot lists at most 20. */
  async contactConversations(contactId: number): Promise<Array<{ id: number; inbox_id: number; status: string }>> {
    const res = await this.send('get', `/contacts/${contactId}/conversations`, 'contact conversations');
    return res.status === 404 ? [] : ((res.data.payload ?? []) as Array<{ id: number; inbox_id: number; status: string }>);
  }

  async createConversation(input: { inboxId: number; contactId: number }): Promise<{ id: number }> {
    const res = await this.send('post', '/conversations', 'conversation create', { inbox_id: input.inboxId, contact_id: input.contactId });
    return { id: Number(res.data.id) };
  }

  private async send(method: 'get' | 'post' | 'put' | 'delete', path: string, what: string, body?: unknown) {
    let res;
    try {
      res = await this.http.request({ method, url: path, data: body });
    } catch (err) {
      if (isAxiosError(err)) throw networkFailure('Chatwoot', what, err);
      throw err;
    }
    if (res.status === 422 && Array.isArray(res.data?.attributes)) {
      throw new ChatwootValidationError((res.data.attributes as unknown[]).map(String).filter((a) => /^\w{1,64}$/.test(a)), what);
    }
    if (res.status >= 400 && res.status !== 404) throw credentialedHttpFailure('Chatwoot', what, res.status, res.headers['retry-after'] as string | undefined);
    return res;
  }
}
