import { readBody, sendJson } from '../http.js';
import { Router, type RouteContext } from '../router.js';
import { DEFAULT_PAGE_SIZE, paginate, PagingError, type Page } from './paging.js';
import type { KgcStore } from './store.js';
import type { KgcCustomer, KgcRental, KgcWorklog } from './types.js';

const notFound = (ctx: RouteContext) => sendJson(ctx.res, 404, { error: 'not found' });

/** Dates are compared on their ISO text, so `2025-12-28` includes everything on that day and later. */
const onOrAfter = (value: string | null | undefined, bound: string | null) => !bound || (!!value && value >= bound);

function page<T>(ctx: RouteContext, items: T[], keyOf: (i: T) => string): void {
  try {
    sendJson(ctx.res, 200, paginate(items, keyOf, ctx.query.get('limit'), ctx.query.get('cursor')));
  } catch (err) {
    if (!(err instanceof PagingError)) throw err;
    sendJson(ctx.res, 400, { error: err.message });
  }
}

/** The generated ERP's page, when there is one (bench/bulk-sync); false lets the stored records answer. */
function generatedPage<T>(ctx: RouteContext, pageOf: ((limit: number, cursor: string | null) => Page<T>) | undefined): boolean {
  if (!pageOf) return false;
  try {
    sendJson(ctx.res, 200, pageOf(Number(ctx.query.get('limit') ?? DEFAULT_PAGE_SIZE), ctx.query.get('cursor')));
  } catch (err) {
    if (!(err instanceof PagingError)) throw err;
    sendJson(ctx.res, 400, { error: err.message });
  }
  return true;
}

function rentalSummary(r: KgcRental) {
  return {
    rental_id: r.rental_id,
    machine_name: r.machine_name,
    rental_start: r.rental_start,
    rental_end: r.rental_end,
    status: r.status,
    late_days: r.late_days ?? 0,
  };
}

function repairSummary(w: KgcWorklog) {
  return {
    worklog_id: w.worklog_id,
    machine_type: w.machine_type,
    status: w.status,
    status_hu: w.status_hu ?? null,
    estimated_completion: w.estimated_completion ?? null,
    quote_amount: w.quote_amount ?? null,
  };
}

function withHistory(store: KgcStore, c: KgcCustomer) {
  const rentals = [...store.rentals.values()].filter((r) => r.customer_id === c.customer_id && r.status !== 'completed');
  const repairs = [...store.worklogs.values()].filter((w) => w.customer_id === c.customer_id && w.status !== 'completed');
  return {
    ...c,
    active_rentals: rentals.map(rentalSummary),
    pending_repairs: repairs.map(repairSummary),
    payment_status: c.payment_status ?? 'good',
  };
}

export function kgcRouter(store: KgcStore): Router {
  return new Router()
    .on('GET', '/api/customers', (ctx) => {
      if (generatedPage(ctx, store.generated && ((l, c) => store.generated!.customerPage(l, c)))) return;
      const activeOnly = ctx.query.get('active') === 'true';
      // KGC §3: the customers who rented a category since a date (new-product campaigns).
      const category = ctx.query.get('rented_category');
      const rentedAfter = ctx.query.get('rented_after');
      const rented = (c: KgcCustomer) =>
        [...store.rentals.values()].some((r) => r.customer_id === c.customer_id && r.category === category && onOrAfter(r.rental_start, rentedAfter));
      const items = [...store.customers.values()].filter((c) => (!activeOnly || c.active !== false) && (!category || rented(c)));
      page(ctx, items, (c) => c.customer_id);
    })
    .on('GET', '/api/customers/by-phone/:phone', (ctx) => {
      const c = store.findByPhone(ctx.params.phone ?? '');
      if (!c) return notFound(ctx);
      sendJson(ctx.res, 200, withHistory(store, c));
    })
    .on('GET', '/api/customers/:id', (ctx) => {
      const c = store.customers.get(ctx.params.id ?? '') ?? store.generated?.getCustomer(ctx.params.id ?? '');
      if (!c) return notFound(ctx);
      sendJson(ctx.res, 200, c);
    })
    .on('GET', '/api/products', (ctx) => {
      const category = ctx.query.get('category');
      const after = ctx.query.get('arrived_after');
      sendJson(ctx.res, 200, { data: store.products.filter((p) => (!category || p.category === category) && onOrAfter(p.arrived_at, after)) });
    })
    // KGC §3: an unsubscribe reported back; idempotent, 204 with no body, 422 for a body it cannot take.
    .on('PUT', '/api/customers/:id/marketing-consent', async (ctx) => {
      const c = store.customers.get(ctx.params.id ?? '');
      if (!c) return notFound(ctx);
      let body: { email?: unknown; source?: unknown; at?: unknown };
      try {
        body = JSON.parse(await readBody(ctx.req)) as typeof body;
      } catch {
        return sendJson(ctx.res, 422, { error: { code: 'invalid_body', details: [{ path: '', message: 'not JSON' }] } });
      }
      const details = [
        ...(typeof body.email !== 'boolean' ? [{ path: 'email', message: 'must be a boolean' }] : []),
        ...(typeof body.source !== 'string' ? [{ path: 'source', message: 'required' }] : []),
        ...(typeof body.at !== 'string' || Number.isNaN(Date.parse(body.at)) ? [{ path: 'at', message: 'an ISO 8601 time' }] : []),
      ];
      if (details.length > 0) return sendJson(ctx.res, 422, { error: { code: 'invalid_body', details } });
      store.consentWrites.push({ customer_id: c.customer_id, email: body.email as boolean, source: body.source as string, at: body.at as string });
      const current = c.marketing_consent;
      // A report older than what KGC already holds changes nothing (a retried PUT after a newer opt-in).
      if (!current || Date.parse(current.updated_at) <= Date.parse(body.at as string)) c.marketing_consent = { email: body.email as boolean, updated_at: body.at as string };
      ctx.res.writeHead(204).end();
    })
    .on('GET', '/api/rentals', (ctx) => {
      if (!ctx.query.get('ends_on') && generatedPage(ctx, store.generated && ((l, c) => store.generated!.rentalPage(l, c)))) return;
      const status = ctx.query.get('status');
      const endsOn = ctx.query.get('ends_on');
      const endedAfter = ctx.query.get('ended_after');
      const items = [...store.rentals.values()].filter(
        (r) =>
          (!status || r.status === status) &&
          (!endsOn || r.rental_end.slice(0, 10) === endsOn) &&
          onOrAfter(r.rental_end, endedAfter),
      );
      page(ctx, items, (r) => r.rental_id);
    })
    .on('GET', '/api/rentals/:id/status', (ctx) => {
      const r = store.rentals.get(ctx.params.id ?? '');
      if (!r) return notFound(ctx);
      sendJson(ctx.res, 200, { rental_id: r.rental_id, status: r.status, rental_end: r.rental_end, late_days: r.late_days ?? 0 });
    })
    .on('GET', '/api/service/worklogs', (ctx) => {
      if (generatedPage(ctx, store.generated && ((l, c) => store.generated!.worklogPage(l, c)))) return;
      const status = ctx.query.get('status');
      const after = ctx.query.get('completed_after');
      const items = [...store.worklogs.values()].filter((w) => (!status || w.status === status) && onOrAfter(w.completed_at, after));
      page(ctx, items, (w) => w.worklog_id);
    })
    .on('GET', '/api/service/worklogs/:id/status', (ctx) => {
      const w = store.worklogs.get(ctx.params.id ?? '');
      if (!w) return notFound(ctx);
      const c = store.customers.get(w.customer_id);
      sendJson(ctx.res, 200, {
        worklog_id: w.worklog_id,
        customer: c ? { customer_id: c.customer_id, name: c.name, phone: c.phone } : null,
        machine: w.machine_type,
        status: w.status,
        status_hu: w.status_hu ?? null,
        estimated_completion: w.estimated_completion ?? null,
        quote_amount: w.quote_amount ?? null,
        can_pickup: w.can_pickup ?? w.status === 'completed',
      });
    })
    .on('GET', '/api/orders', (ctx) => {
      if (generatedPage(ctx, store.generated && ((l, c) => store.generated!.orderPage(l, c)))) return;
      const status = ctx.query.get('status');
      const after = ctx.query.get('delivered_after');
      const items = [...store.orders.values()].filter((o) => (!status || o.status === status) && onOrAfter(o.delivered_at, after));
      page(ctx, items, (o) => o.order_id);
    })
    .on('GET', '/api/orders/:id/status', (ctx) => {
      const o = store.orders.get(ctx.params.id ?? '');
      if (!o) return notFound(ctx);
      sendJson(ctx.res, 200, { order_id: o.order_id, status: o.status, items: o.items, delivered_at: o.delivered_at ?? null });
    });
}
