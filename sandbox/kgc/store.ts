import type { GeneratedKgc } from './generated.js';
import type { KgcCustomer, KgcOrder, KgcProduct, KgcRental, KgcWorklog } from './types.js';
import type { KgcTenant } from './writes.js';

/** In-memory ERP. Records are copied on the way in so a test mutating its fixture does not change the store. */
export class KgcStore {
  readonly customers = new Map<string, KgcCustomer>();
  readonly rentals = new Map<string, KgcRental>();
  readonly worklogs = new Map<string, KgcWorklog>();
  readonly orders = new Map<string, KgcOrder>();
  readonly products: KgcProduct[] = [];
  /** Every marketing-consent PUT KGC accepted, in order (tests check what was reported). */
  readonly consentWrites: Array<{ customer_id: string; email: boolean; source: string; at: string }> = [];
  readonly tenants = new Map<string, KgcTenant>();
  /** `<method> <path> <Idempotency-Key>` → the first answer, replayed for a repeated key. */
  readonly idempotentAnswers = new Map<string, { status: number; body: unknown }>();
  /** Bulk benchmarks: list endpoints and customer reads answer from a generator instead of the maps. */
  generated?: GeneratedKgc;

  putCustomer(c: KgcCustomer): void {
    this.customers.set(c.customer_id, { ...c });
  }

  deleteCustomer(id: string): void {
    this.customers.delete(id);
  }

  putRental(r: KgcRental): void {
    this.rentals.set(r.rental_id, { ...r });
  }

  putWorklog(w: KgcWorklog): void {
    this.worklogs.set(w.worklog_id, { ...w });
  }

  putOrder(o: KgcOrder): void {
    this.orders.set(o.order_id, { ...o, items: o.items.map((i) => ({ ...i })) });
  }

  findByPhone(phone: string): KgcCustomer | undefined {
    for (const c of this.customers.values()) if (c.phone === phone) return c;
    return undefined;
  }

  reset(): void {
    this.customers.clear();
    this.rentals.clear();
    this.worklogs.clear();
    this.orders.clear();
    this.products.length = 0;
    this.consentWrites.length = 0;
    this.tenants.clear();
    this.idempotentAnswers.clear();
  }
}
