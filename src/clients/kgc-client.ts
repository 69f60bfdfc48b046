import { ApplicationFailure } from '@temporalio/common';
import axios, { type AxiosInstance, isAxiosError } from 'axios';
import { customerSchema, type KgcCustomer } from '../contracts/kgc-events.js';
import { customerContextSchema, type CustomerContext } from '../contracts/kgc-customer-context.js';
import { httpFailure, networkFailure } from './errors.js';

/** KGC ERP read-only REST API (kgc-erp.md §2). KGC is the master of partner data. */
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
      throw ApplicationFailure.nonRetryable(`KGC customer ${customerId} has invalid fields: ${fields}`, 'InvalidKgcData');
    }
    return parsed.data;
  }

  /** Koko's context for a customer who writes from this phone (seed 002 §4.2); null when KGC does not know it. */
  async getCustomerContextByPhone(phone: string): Promise<CustomerContext | null> {
    const body = await this.get(`/api/customers/by-phone/${encodeURIComponent(phone)}`, 'customer by phone', { notFound: null });
    if (body === null) return null;
    const parsed = customerContextSchema.safeParse(body);
    if (!parsed.success) throw ApplicationFailure.nonRetryable('KGC customer-by-phone answer has invalid fields', 'InvalidKgcData');
    return parsed.data;
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
