import axios, { type AxiosInstance, isAxiosError } from 'axios';
import type { z } from 'zod';
import { customerSchema, type KgcCustomer } from '../contracts/kgc-events.js';
import { customerContextSchema, type CustomerContext } from '../contracts/kgc-customer-context.js';
import { activeRentalSchema, rentalStatusSchema, type ActiveRental, type RentalStatus } from '../contracts/kgc-rentals.js';
import { failure, httpFailure, networkFailure } from './errors.js';

/** The KGC list endpoints a bulk sync pages through, with their fixed filters (docs/kgc-contract.md#kgc-rest-api-read-by-this-service). */
const kgcLists = {
  customers: { path: '/api/customers', filter: { active: 'true' }, since: undefined, key: 'customer_id' },
  rentals: { path: '/api/rentals', filter: { status: 'completed' }, since: 'ended_after', key: 'rental_id' },
  worklogs: { path: '/api/service/worklogs', filter: { status: 'completed' }, since: 'completed_after', key: 'worklog_id' },
  orders: { path: '/api/orders', filter: { status: 'delivered' }, since: 'delivered_after', key: 'order_id' },
} as const;
export type KgcList = keyof typeof kgcLists;

/** The body of `POST /api/service/worklogs`: a machine fault reported in a Chatwoot conversation. */
export interface KgcWorklogRequest {
  customer_id: string;
  machine_type?: string;
  fault_description: string;
  source: 'chatwoot_chat';
  chatwoot_conversation_id: number;
}

/** The body of `POST /api/tenants`: a franchise tenant for a KGC partner. */
export interface KgcTenantRequest {
  name: string;
  partner_customer_id: string;
  kind: 'franchise';
  package: 'basic' | 'pro' | 'enterprise';
  modules: { rental: boolean; service: boolean; sales: boolean };
}

/** KGC ERP read-only REST API (docs/kgc-contract.md#kgc-rest-api-read-by-this-service). KGC is the master of partner data. */
export class KgcClient {
  private readonly http: AxiosInstance;

  constructor(opts: { apiUrl: string; apiKey: string; timeoutMs?: number }) {
    this.http = axios.create({
      baseURL: opts.apiUrl,
      timeout: opts.timeoutMs ?? 10_000,
      headers: { Authorization: `Bearer ${opts.apiKey}`, Accept: 'application/json' },
    });
  }

  /** The customer as KGC has it now, or null once KGC says it is gone (404). */
  async getCustomer(customerId: string): Promise<KgcCustomer | null> {
    const body = await this.get(`/api/customers/${encodeURIComponent(customerId)}`, 'customer', { notFound: null });
    if (body === null) return null;
    const parsed = customerSchema.safeParse(body);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
      throw failure('InvalidKgcData', `KGC customer ${customerId} has invalid fields: ${fields}`, { detail: { system: 'KGC', path: parsed.error.issues.map((i) => i.path.join('.')) } });
    }
    return parsed.data;
  }

  /** Koko's context for a customer who writes from this phone; null when KGC does not know it. */
  async getCustomerContextByPhone(phone: string): Promise<CustomerContext | null> {
    const body = await this.get(`/api/customers/by-phone/${encodeURIComponent(phone)}`, 'customer by phone', { notFound: null });
    if (body === null) return null;
    const parsed = customerContextSchema.safeParse(body);
    if (!parsed.success) throw failure('InvalidKgcData', 'KGC customer-by-phone answer has invalid fields');
    return parsed.data;
  }

  /**
   * One page of a list endpoint (docs/kgc-contract.md#pages). Records failing their schema come back as `invalid` keys, so one
   * bad record never stops a bulk read; unknown fields (tax or id card numbers) are dropped by the schema.
   */
  async listPage<S extends z.ZodType>(
    list: KgcList,
    schema: S,
    params: { cursor?: string | null; limit: number; since?: string },
  ): Promise<{ records: Array<z.infer<S>>; invalid: string[]; nextCursor: string | null }> {
    const spec = kgcLists[list];
    const query = new URLSearchParams({ ...spec.filter, limit: String(params.limit) });
    if (params.since && spec.since) query.set(spec.since, params.since);
    if (params.cursor) query.set('cursor', params.cursor);
    const body = (await this.get(`${spec.path}?${query}`, `${list} list`, { notFound: null })) as { data?: unknown[]; next_cursor?: string | null } | null;
    if (!body || !Array.isArray(body.data)) throw failure('InvalidKgcData', `KGC ${list} list answered without data`);
    const records: Array<z.infer<S>> = [];
    const invalid: string[] = [];
    for (const item of body.data) {
      const parsed = schema.safeParse(item);
      if (parsed.success) records.push(parsed.data);
      else invalid.push(String((item as Record<string, unknown>)?.[spec.key] ?? '?'));
    }
    return { records, invalid, nextCursor: body.next_cursor ?? null };
  }

  /** The rental's current status and end; null when KGC does not know it (404). */
  async getRentalStatus(rentalId: string): Promise<RentalStatus | null> {
    const body = await this.get(`/api/rentals/${encodeURIComponent(rentalId)}/status`, 'rental status', { notFound: null });
    if (body === null) return null;
    const parsed = rentalStatusSchema.safeParse(body);
    if (!parsed.success) throw failure('InvalidKgcData', `KGC rental ${rentalId} status has invalid fields`);
    return parsed.data;
  }

  /** One page of active rentals ending on a local date; records failing the schema are returned by id, not thrown. */
  async listActiveRentalsEndingOn(endsOn: string, page: { cursor?: string | null; limit: number }): Promise<{ rentals: ActiveRental[]; invalid: string[]; nextCursor: string | null }> {
    const query = new URLSearchParams({ status: 'active', ends_on: endsOn, limit: String(page.limit) });
    if (page.cursor) query.set('cursor', page.cursor);
    const body = (await this.get(`/api/rentals?${query}`, 'active rentals', { notFound: null })) as { data?: unknown[]; next_cursor?: string | null } | null;
    if (!body || !Array.isArray(body.data)) throw failure('InvalidKgcData', 'KGC active rentals list answered without data');
    const rentals: ActiveRental[] = [];
    const invalid: string[] = [];
    for (const item of body.data) {
      const parsed = activeRentalSchema.safeParse(item);
      if (parsed.success) rentals.push(parsed.data);
      else invalid.push(String((item as Record<string, unknown>)?.rental_id ?? '?'));
    }
    return { rentals, invalid, nextCursor: body.next_cursor ?? null };
  }

  /**
   * A page of the customers who rented a product category since a date (KGC §3, the new-product audience).
   * Customers failing their schema come back by id in `invalid`.
   */
  async listCustomersWhoRented(category: string, rentedAfter: string, page: { cursor?: string | null; limit: number }): Promise<{ customerIds: string[]; invalid: string[]; nextCursor: string | null }> {
    const query = new URLSearchParams({ rented_category: category, rented_after: rentedAfter, limit: String(page.limit) });
    if (page.cursor) query.set('cursor', page.cursor);
    const body = (await this.get(`/api/customers?${query}`, 'customers by rented category', { notFound: null })) as { data?: unknown[]; next_cursor?: string | null } | null;
    if (!body || !Array.isArray(body.data)) throw failure('InvalidKgcData', 'KGC customers by rented category answered without data');
    const customerIds: string[] = [];
    const invalid: string[] = [];
    for (const item of body.data) {
      const parsed = customerSchema.safeParse(item);
      if (parsed.success) customerIds.push(parsed.data.customer_id);
      else invalid.push(String((item as Record<string, unknown>)?.customer_id ?? '?'));
    }
    return { customerIds, invalid, nextCursor: body.next_cursor ?? null };
  }

  /** The names of the category's products that arrived since a date (KGC §3), for the new-product email. */
  async listNewProducts(category: string, arrivedAfter: string): Promise<string[]> {
    const query = new URLSearchParams({ category, arrived_after: arrivedAfter });
    const body = (await this.get(`/api/products?${query}`, 'products', { notFound: null })) as { data?: Array<{ name?: unknown }> } | null;
    if (!body || !Array.isArray(body.data)) throw failure('InvalidKgcData', 'KGC products answered without data');
    return body.data.map((p) => p.name).filter((n): n is string => typeof n === 'string' && n.length > 0);
  }

  /**
   * Reports an unsubscribe to KGC (`PUT /api/customers/{id}/marketing-consent`, idempotent there and keyed here).
   * `gone`: KGC no longer has the customer, so there is nothing to tell it.
   */
  async putMarketingConsent(customerId: string, body: { email: false; source: 'unsubscribe_link'; at: string }): Promise<'stored' | 'gone'> {
    try {
      const res = await this.http.put(`/api/customers/${encodeURIComponent(customerId)}/marketing-consent`, body, {
        validateStatus: () => true,
        headers: { 'Idempotency-Key': `marketing-consent/${customerId}/${body.at}` },
      });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw httpFailure('KGC', 'marketing consent', res.status, res.headers['retry-after'] as string | undefined);
      return 'stored';
    } catch (err) {
      if (isAxiosError(err)) throw networkFailure('KGC', 'marketing consent', err);
      throw err;
    }
  }

  /**
   * `POST /api/tenants` (KGC's write API, every write with an Idempotency-Key): 201 is a new tenant, 409 names the
   * tenant the partner already has. Either way the partner has exactly one tenant, and this is its id.
   */
  async createTenant(body: KgcTenantRequest, idempotencyKey: string): Promise<{ tenantId: string; created: boolean }> {
    const res = await this.post('/api/tenants', 'tenant create', body, idempotencyKey);
    const tenantId = (res.data as { tenant_id?: unknown } | null)?.tenant_id;
    if ((res.status === 201 || res.status === 200 || res.status === 409) && typeof tenantId === 'string' && tenantId) {
      return { tenantId, created: res.status !== 409 };
    }
    if (res.status === 409) throw failure('InvalidKgcData', 'KGC tenant create answered 409 without a tenant_id');
    throw this.writeFailure('tenant create', res);
  }

  /** `POST /api/service/worklogs`: a worklog opened from a chat; a repeated Idempotency-Key answers the same worklog. */
  async createWorklog(body: KgcWorklogRequest, idempotencyKey: string): Promise<{ worklogId: string }> {
    const res = await this.post('/api/service/worklogs', 'worklog create', body, idempotencyKey);
    const worklogId = (res.data as { worklog_id?: unknown } | null)?.worklog_id;
    if ((res.status === 201 || res.status === 200) && typeof worklogId === 'string' && worklogId) return { worklogId };
    if (res.status < 300) throw failure('InvalidKgcData', 'KGC worklog create answered without a worklog_id');
    throw this.writeFailure('worklog create', res);
  }

  private writeFailure(what: string, res: { status: number; headers: Record<string, unknown>; data: unknown }) {
    // A 422 names the fields KGC refused (never their values): the body we sent is ours to fix, not retried.
    const details = (res.data as { error?: { details?: Array<{ path?: unknown }> } } | null)?.error?.details;
    const fields = Array.isArray(details) ? details.map((d) => String(d.path ?? '?')).join(', ') : '';
    if (res.status === 422) return failure('PermanentHttpError', `KGC ${what} answered HTTP 422${fields ? ` (${fields})` : ''}`, { detail: { system: 'KGC', status: 422 } });
    return httpFailure('KGC', what, res.status, res.headers['retry-after'] as string | undefined);
  }

  private async post(path: string, what: string, body: unknown, idempotencyKey: string) {
    try {
      const res = await this.http.post(path, body, { validateStatus: () => true, headers: { 'Idempotency-Key': idempotencyKey } });
      return { status: res.status, headers: res.headers as Record<string, unknown>, data: res.data as unknown };
    } catch (err) {
      if (isAxiosError(err)) throw networkFailure('KGC', what, err);
      throw err;
    }
  }

  private async get<T>(path: string, what: string, opts: { notFound: T }): Promise<unknown | T> {
    try {
      const res = await this.http.get(path, { validateStatus: () => true });
      if (res.status === 404) return opts.notFound;
      if (res.status >= 400) throw httpFailure('KGC', what, res.status, res.headers['retry-after'] as string | undefined);
      return res.data;
    } catch (err) {
      if (isAxiosError(err)) throw networkFailure('KGC', what, err);
      throw err;
    }
  }
}
