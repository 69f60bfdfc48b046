import type { IncomingMessage } from 'node:http';
import { Faults } from '../faults.js';
import { listen, sendJson, type ListenOptions, type RequestStats } from '../http.js';
import { GeneratedKgc } from './generated.js';
import { kgcRouter } from './routes.js';
import { KgcStore } from './store.js';
import { kgcWriteRoutes, type KgcTenant } from './writes.js';
import type { KgcCustomer, KgcOrder, KgcProduct, KgcRental, KgcWorklog } from './types.js';

export { signKgcWebhook, sendKgcWebhook } from './webhook.js';
export type * from './types.js';
export type { KgcTenant } from './writes.js';

export interface KgcStandInOptions extends ListenOptions {
  apiKey?: string;
  /** Serve this many generated customers with a year of history (GeneratedKgc) from the list endpoints. */
  generatedCustomers?: number;
}

export interface KgcRequest {
  method: string;
  path: string;
  query: Record<string, string>;
}

export interface KgcStandIn {
  url: string;
  apiKey: string;
  faults: Faults;
  close(): Promise<void>;
  putCustomer(c: KgcCustomer): void;
  deleteCustomer(id: string): void;
  putRental(r: KgcRental): void;
  putWorklog(w: KgcWorklog): void;
  putOrder(o: KgcOrder): void;
  putProduct(p: KgcProduct): void;
  reset(): void;
  /** Franchise tenants created through `POST /api/tenants`. */
  tenants(): KgcTenant[];
  /** Every worklog, those opened through `POST /api/service/worklogs` included. */
  worklogs(): KgcWorklog[];
  readonly requests: readonly KgcRequest[];
  /** The marketing-consent PUTs KGC accepted. */
  readonly consentWrites: ReadonlyArray<{ customer_id: string; email: boolean; source: string; at: string }>;
  /** The customer as the stand-in holds it now (after consent writes). */
  customer(id: string): KgcCustomer | undefined;
  readonly requestCount: number;
}

export async function startKgcStandIn(options: KgcStandInOptions = {}): Promise<KgcStandIn> {
  const apiKey = options.apiKey ?? 'kgc-sandbox-key';
  const store = new KgcStore();
  if (options.generatedCustomers) store.generated = new GeneratedKgc(options.generatedCustomers);
  const router = kgcWriteRoutes(kgcRouter(store), store);
  const faults = new Faults();
  const stats: RequestStats = { count: 0 };
  const requests: KgcRequest[] = [];
  const log = (req: IncomingMessage) => {
    const url = new URL(req.url ?? '/', 'http://kgc');
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams) });
  };
  const reset = () => {
    store.reset();
    requests.length = 0;
    stats.count = 0;
  };

  const server = await listen(
    {
      faults,
      stats,
      reset,
      respondToFault: (res, status, retryAfter) => {
        const code = typeof status === 'number' ? status : 429;
        const headers: Record<string, string> = code === 429 ? { 'Retry-After': String(retryAfter ?? 1) } : {};
        sendJson(res, code, { error: code === 429 ? 'too many requests' : 'internal server error' }, headers);
      },
      handle: async (req, res) => {
        log(req);
        if (req.headers.authorization !== `Bearer ${apiKey}`) return sendJson(res, 401, { error: 'unauthorized' });
        if (!(await router.dispatch(req, res))) sendJson(res, 404, { error: 'not found' });
      },
    },
    options,
  );

  return {
    url: server.url,
    apiKey,
    faults,
    close: server.close,
    putCustomer: (c) => store.putCustomer(c),
    deleteCustomer: (id) => store.deleteCustomer(id),
    putRental: (r) => store.putRental(r),
    putWorklog: (w) => store.putWorklog(w),
    putOrder: (o) => store.putOrder(o),
    putProduct: (p) => void store.products.push({ ...p }),
    reset,
    tenants: () => [...store.tenants.values()],
    worklogs: () => [...store.worklogs.values()],
    requests,
    consentWrites: store.consentWrites,
    customer: (id) => store.customers.get(id),
    get requestCount() {
      return stats.count;
    },
  };
}
