import type { Page } from './paging.js';
import { MAX_PAGE_SIZE, PagingError } from './paging.js';
import type { KgcCustomer, KgcOrder, KgcRental, KgcWorklog } from './types.js';

/**
 * A deterministic ERP of N customers and their last year of history, computed from the record number on demand,
 * so a 100 000-customer benchmark needs no objects in memory. Customer i has i % 3 completed rentals, a service
 * every 4th and an order every 5th; every 50th customer shares the previous one's email (a family).
 */
export class GeneratedKgc {
  constructor(readonly customers: number) {}

  private static pad = (i: number) => String(i).padStart(7, '0');
  private static day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

  customer(i: number): KgcCustomer {
    const email = i % 50 === 1 && i > 1 ? i - 1 : i;
    return {
      customer_id: `G-${GeneratedKgc.pad(i)}`,
      name: `Kovács János${i}`,
      phone: `+3630${String(1_000_000 + i).slice(-7)}`,
      email: `ugyfel${email}@example.hu`,
      is_business: i % 10 === 0,
      created_at: '2024-01-15',
    };
  }

  getCustomer(id: string): KgcCustomer | undefined {
    const m = /^G-(\d{7})$/.exec(id);
    const i = m ? Number(m[1]) : -1;
    return i >= 0 && i < this.customers ? this.customer(i) : undefined;
  }

  customerPage(limit: number, cursor: string | null): Page<KgcCustomer> {
    return this.page(limit, cursor, (i) => [this.customer(i)], (c) => c.customer_id);
  }

  rentalPage(limit: number, cursor: string | null): Page<KgcRental> {
    return this.page(limit, cursor, (i) =>
      Array.from({ length: i % 3 }, (_, k) => ({
        rental_id: `GR-${GeneratedKgc.pad(i)}-${k}`,
        customer_id: `G-${GeneratedKgc.pad(i)}`,
        machine_name: 'Makita talajvágó',
        rental_start: GeneratedKgc.day(((i + k * 97) % 330) + 3),
        rental_end: GeneratedKgc.day((i + k * 97) % 330),
        total_days: 3,
        total_cost: 15_000 * (k + 1),
        status: 'completed' as const,
        late_days: 0,
      })), (r) => r.rental_id);
  }

  worklogPage(limit: number, cursor: string | null): Page<KgcWorklog> {
    return this.page(limit, cursor, (i) =>
      i % 4 === 0
        ? [{ worklog_id: `GW-${GeneratedKgc.pad(i)}`, customer_id: `G-${GeneratedKgc.pad(i)}`, machine_type: 'Husqvarna láncfűrész', issue_description: 'Lánccsere', repair_cost: 18_500, completed_at: `${GeneratedKgc.day(i % 300)}T15:00:00Z`, status: 'completed' }]
        : [], (w) => w.worklog_id);
  }

  orderPage(limit: number, cursor: string | null): Page<KgcOrder> {
    return this.page(limit, cursor, (i) =>
      i % 5 === 0
        ? [{ order_id: `GO-${GeneratedKgc.pad(i)}`, customer_id: `G-${GeneratedKgc.pad(i)}`, items: [{ sku: 'MK-1', name: 'Makita fúró', quantity: 1, unit_price: 20_000, total: 20_000 }], total_amount: 20_000, order_date: GeneratedKgc.day((i % 300) + 2), delivered_at: `${GeneratedKgc.day(i % 300)}T09:00:00Z`, status: 'delivered' }]
        : [], (o) => o.order_id);
  }

  /** Keyset paging in record-number order; the cursor is the customer number and the key of the last record sent. */
  private page<T>(limitParam: number, cursor: string | null, recordsOf: (i: number) => T[], keyOf: (t: T) => string): Page<T> {
    if (!Number.isInteger(limitParam) || limitParam < 1 || limitParam > MAX_PAGE_SIZE) throw new PagingError(`limit must be an integer between 1 and ${MAX_PAGE_SIZE}`);
    let i = 0;
    let after = '';
    if (cursor) {
      const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { i?: number; after?: string };
      if (typeof parsed.i !== 'number' || typeof parsed.after !== 'string') throw new PagingError('invalid cursor');
      ({ i, after } = parsed as { i: number; after: string });
    }
    const data: T[] = [];
    let lastI = i;
    for (; i < this.customers && data.length < limitParam + 1; i++) {
      for (const r of recordsOf(i)) {
        if (keyOf(r) > after) {
          data.push(r);
          lastI = i;
        }
      }
    }
    const more = data.length > limitParam;
    const page = data.slice(0, limitParam);
    const last = page.at(-1);
    const lastOwner = more && last ? Number(/-(\d{7})/.exec(keyOf(last))![1]) : lastI;
    return { data: page, next_cursor: more && last ? Buffer.from(JSON.stringify({ i: lastOwner, after: keyOf(last) })).toString('base64url') : null };
  }
}
