import type { KgcCustomer, KgcOrder, KgcRental, KgcWorklog } from '../../sandbox/kgc/types.js';
import type { KgcEventType } from '../../src/contracts/kgc-events.js';
import { localIsoDate } from '../../src/domain/rental-expiry-timing.js';

/**
 * A generated day of KGC traffic: every event type in proportions like KGC's, one customer's burst, deliveries KGC
 * repeats (same id) and events it sends twice under new ids, neighbours swapped out of order, customers deleted at
 * the end of their day (GDPR erasure), rentals due back today or overdue (a reminder or a late notice goes out during
 * the run) and a few events whose data is invalid on purpose. Seeded: the same seed, size and day give the same day.
 *
 * Each delivery also says what it does to the KGC stand-in when it is sent (the ERP changes before it tells us), so
 * the service's re-reads see the data of that moment.
 */

export interface Delivery {
  /** Position in the day, 0..1: the sender spreads the day over the run. */
  at: number;
  event: KgcEventType;
  /** The envelope's id; a repeated delivery shares it, a re-sent event gets a new one. */
  id: string;
  data: Record<string, unknown>;
  customerId: string;
  /** When the event happened in the ERP (`at` is when it is delivered; they differ for an out-of-order delivery). */
  happened: number;
  /** Changes the ERP makes as the event happens. */
  erp?: ErpChange;
  /** Data no KGC event may hold: expected to be refused with a 400, with no effect. */
  invalid?: boolean;
  kind: 'original' | 'repeat' | 'resent';
}

export type ErpChange =
  | { customer: KgcCustomer }
  | { deleteCustomer: string }
  | { rental: KgcRental }
  | { worklog: KgcWorklog }
  | { order: KgcOrder };

export interface Day {
  deliveries: Delivery[];
  customers: string[];
  deleted: Set<string>;
}

/** mulberry32: small, fast and good enough for traffic shapes. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const surnames = ['Kovács', 'Nagy', 'Szabó', 'Tóth', 'Horváth', 'Varga', 'Kiss', 'Molnár', 'Németh', 'Farkas', 'Balogh', 'Papp'];
const givenNames = ['János', 'Éva', 'István', 'Katalin', 'László', 'Zsófia', 'Gábor', 'Erzsébet', 'Ödön', 'Ágnes'];
const machines = ['Makita fúró', 'Stihl fűkasza', 'Bosch vésőgép', 'Husqvarna láncfűrész', 'Hilti bontókalapács', 'Wacker lapvibrátor'];

/** Relative frequency of the events that follow a customer's creation (customer.created: one per customer). */
const mix: Array<[string, number]> = [
  ['customer.updated', 16],
  ['rental', 14],
  ['rental.completed', 6],
  ['service', 12],
  ['service.completed', 6],
  ['order', 10],
  ['order.delivered', 4],
];

export function generateDay(opts: { events: number; seed: number }): Day {
  const rnd = prng(opts.seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const deliveries: Delivery[] = [];
  const customers: string[] = [];
  const deleted = new Set<string>();
  let evt = 0;
  let seq = 0;
  const add = (at: number, event: KgcEventType, customerId: string, data: Record<string, unknown>, erp?: ErpChange, invalid?: boolean) =>
    void deliveries.push({ at, happened: at, event, id: `evt-chaos-${opts.seed}-${++evt}`, data, customerId, erp, invalid, kind: 'original' });
  const date = (dayOffset: number) => new Date(Date.UTC(2026, 10, 1) + dayOffset * 86_400_000).toISOString().slice(0, 10);
  // Budapest's calendar, as the campaign reads a bare rental_end (a run across Budapest midnight shifts these by a day).
  const budapestDate = (dayOffset: number) => localIsoDate('Europe/Budapest', Date.now() + dayOffset * 86_400_000);
  // Far enough ahead that these rental-expiry campaigns wait on their timers through the run.
  const rentalEnd = () => new Date(Date.now() + (30 + Math.floor(rnd() * 60)) * 86_400_000).toISOString().slice(0, 10);

  /** About 8 deliveries per customer once repeats are counted, so the customer count follows the size. */
  const customerCount = Math.max(5, Math.round(opts.events / 8));
  const target = Math.round(opts.events * 0.93);
  const state = new Map<string, KgcCustomer>();
  for (let i = 0; i < customerCount; i++) {
    const customerId = `CH-${opts.seed}-${String(i + 1).padStart(5, '0')}`;
    customers.push(customerId);
    const customer: KgcCustomer = {
      customer_id: customerId,
      name: `${pick(surnames)} ${pick(givenNames)}`,
      phone: `+3630${String(1_000_000 + opts.seed * 7919 + i).slice(-7)}`,
      // One in ten has no email: no repair-done email is expected for them.
      email: rnd() < 0.1 ? null : `ugyfel.${opts.seed}.${i + 1}@chaos.example`,
      company: null,
      is_business: false,
      created_at: date(0),
      payment_status: 'good',
    };
    state.set(customerId, customer);
    const { payment_status: _p, ...created } = customer;
    add(rnd() * 0.6, 'customer.created', customerId, created, { customer: { ...customer } });
  }
  // Later events of a customer happen after its creation; a deleted customer's day ends with its deletion.
  const createdAt = new Map(deliveries.map((d) => [d.customerId, d.at]));
  const after = (customerId: string) => createdAt.get(customerId)! + rnd() * (0.97 - createdAt.get(customerId)!);
  const byPhone = (customerId: string) => (rnd() < 0.2 ? { customer_phone: state.get(customerId)!.phone } : { customer_id: customerId });

  const weightSum = mix.reduce((s, [, w]) => s + w, 0);
  const nextKind = () => {
    let r = rnd() * weightSum;
    for (const [kind, w] of mix) if ((r -= w) < 0) return kind;
    return mix[0]![0];
  };
  const burstCustomer = customers[0]!;
  const burstAt = createdAt.get(burstCustomer)! + 0.01;

  const emit = (customerId: string, kind: string, at: number) => {
    const c = state.get(customerId)!;
    const machine = pick(machines);
    const n = ++seq;
    switch (kind) {
      case 'customer.updated': {
        // Every fiftieth update is invalid on purpose (a phone no ERP would send): a 400, nothing changes.
        if (n % 50 === 0) return add(at, 'customer.updated', customerId, { ...c, phone: '06-30-123' }, undefined, true);
        const next = { ...c, name: `${c.name.split(' ').slice(0, 2).join(' ')} ${n}` };
        state.set(customerId, next);
        return add(at, 'customer.updated', customerId, { ...next }, { customer: { ...next } });
      }
      case 'rental': {
        // One rental in eight is due back today: its reminder goes out during the run. One in ten is two days
        // overdue: its late notice goes out, and KGC marks the customer late as it does. Neither comes back.
        const due = rnd();
        if (due < 0.1) {
          const late = { ...c, payment_status: 'late' as const };
          state.set(customerId, late);
          const rental: KgcRental = { rental_id: `RL-${opts.seed}-${n}`, customer_id: customerId, customer_phone: c.phone, machine_name: machine, rental_start: date(-10), rental_end: budapestDate(-2), status: 'late', late_days: 2 };
          add(at, 'customer.updated', customerId, { ...late }, { customer: { ...late } });
          return add(at, 'rental.started', customerId, { ...rental }, { rental: { ...rental } });
        }
        if (due < 0.225) {
          const rental: KgcRental = { rental_id: `RD-${opts.seed}-${n}`, customer_id: customerId, customer_phone: c.phone, machine_name: machine, rental_start: date(-3), rental_end: budapestDate(0), status: 'active', late_days: 0 };
          return add(at, 'rental.started', customerId, { ...rental }, { rental: { ...rental } });
        }
        const rental: KgcRental = { rental_id: `R-${opts.seed}-${n}`, customer_id: customerId, customer_phone: c.phone, machine_name: machine, rental_start: date(0), rental_end: rentalEnd(), status: 'active', late_days: 0 };
        add(at, 'rental.started', customerId, { ...rental }, { rental: { ...rental } });
        if (rnd() < 0.5) return;
        const endAt = at + rnd() * (0.98 - at);
        const done: KgcRental = { ...rental, status: 'completed', total_days: 3, total_cost: 1000 * (5 + Math.floor(rnd() * 50)) };
        add(endAt, 'rental.ended', customerId, { rental_id: rental.rental_id, satisfaction_survey: true, ...byPhone(customerId) }, { rental: done });
        return add(endAt + 0.001, 'rental.completed', customerId, {
          rental_id: rental.rental_id, customer_id: customerId, machine_name: machine, rental_start: rental.rental_start, rental_end: rental.rental_end,
          total_days: 3, total_cost: done.total_cost!, status: 'completed', late_days: 0,
        });
      }
      case 'rental.completed':
        return add(at, 'rental.completed', customerId, {
          rental_id: `RH-${opts.seed}-${n}`, customer_id: customerId, machine_name: machine, rental_start: date(-20), rental_end: date(-18 + (n % 15)),
          total_days: 2, total_cost: 1000 * (3 + (n % 40)), status: 'completed', late_days: 0,
        });
      case 'service': {
        const worklog: KgcWorklog = { worklog_id: `W-${opts.seed}-${n}`, customer_id: customerId, machine_type: machine, status: 'quoted', quote_amount: 500 * (10 + (n % 60)) };
        add(at, 'service.quote_ready', customerId, { worklog_id: worklog.worklog_id, machine_type: machine, quote_amount: worklog.quote_amount!, ...byPhone(customerId) }, { worklog: { ...worklog } });
        if (rnd() < 0.3) return;
        const doneAt = at + rnd() * (0.98 - at);
        add(doneAt, 'service.repair_done', customerId, { worklog_id: worklog.worklog_id, machine_type: machine, pickup_info: 'Budapest, Fő utca 1.', ...byPhone(customerId) }, { worklog: { ...worklog, status: 'completed', can_pickup: true } });
        return add(doneAt + 0.001, 'service.completed', customerId, {
          worklog_id: worklog.worklog_id, customer_id: customerId, machine_type: machine, issue_description: 'Motorcsere', repair_cost: worklog.quote_amount!, completed_at: date(0), status: 'completed',
        });
      }
      case 'service.completed':
        return add(at, 'service.completed', customerId, {
          worklog_id: `WH-${opts.seed}-${n}`, customer_id: customerId, machine_type: machine, issue_description: 'Karbantartás', repair_cost: 100 * (n % 200), completed_at: date(-(n % 30)), status: 'completed',
        });
      case 'order': {
        const items = [{ sku: `SKU-${n % 97}`, name: machine, quantity: 1 + (n % 3), unit_price: 2500, total: 2500 * (1 + (n % 3)) }];
        const order: KgcOrder = { order_id: `O-${opts.seed}-${n}`, customer_id: customerId, items, total_amount: items[0]!.total, order_date: date(-3), delivered_at: null, status: 'arrived' };
        add(at, 'order.arrived', customerId, { order_id: order.order_id, items: items.map(({ sku, name, quantity }) => ({ sku, name, quantity, status: 'arrived' })), ...byPhone(customerId) }, { order: { ...order } });
        if (rnd() < 0.4) return;
        const deliveredAt = at + rnd() * (0.98 - at);
        return add(deliveredAt, 'order.delivered', customerId, { order_id: order.order_id, customer_id: customerId, items, total_amount: order.total_amount, order_date: order.order_date, delivered_at: date(0) }, { order: { ...order, status: 'delivered', delivered_at: date(0) } });
      }
      case 'order.delivered': {
        const items = [{ sku: `SKU-${n % 97}`, name: machine, quantity: 1, unit_price: 1000 * (1 + (n % 20)), total: 1000 * (1 + (n % 20)) }];
        return add(at, 'order.delivered', customerId, { order_id: `OH-${opts.seed}-${n}`, customer_id: customerId, items, total_amount: items[0]!.total, order_date: date(-10), delivered_at: date(-8) });
      }
    }
  };

  // One customer's burst: thirty updates and a handful of history events within a sliver of the day.
  for (let i = 0; i < 30; i++) emit(burstCustomer, 'customer.updated', burstAt + i * 0.0002);
  for (const kind of ['rental.completed', 'service.completed', 'order.delivered', 'rental.completed']) emit(burstCustomer, kind, burstAt + 0.003);
  while (deliveries.length < target) {
    const customerId = pick(customers);
    emit(customerId, nextKind(), after(customerId));
  }

  // One in twenty-five customers (two at least) is deleted at the end of its day; never the burst customer.
  const toDelete = Math.max(2, Math.round(customerCount / 25));
  for (const customerId of customers.slice(1)) {
    if (deleted.size >= toDelete || rnd() >= toDelete / (customerCount - 1) * 1.5) continue;
    deleted.add(customerId);
    const last = Math.max(...deliveries.filter((d) => d.customerId === customerId).map((d) => d.at));
    add(Math.min(0.995, last + 0.005), 'customer.deleted', customerId, { customer_id: customerId, gdpr_reason: 'customer_request' }, { deleteCustomer: customerId });
  }

  deliveries.sort((a, b) => a.at - b.at);
  const times = deliveries.map((d) => d.at);
  // Out of order: one in twenty neighbours swapped (a deletion keeps its place: nothing of the customer follows it).
  for (let i = 1; i < deliveries.length; i++) {
    if (rnd() >= 0.05 || deliveries[i]!.event === 'customer.deleted' || deliveries[i - 1]!.event === 'customer.deleted') continue;
    [deliveries[i - 1], deliveries[i]] = [deliveries[i]!, deliveries[i - 1]!];
  }
  deliveries.forEach((d, i) => (d.at = times[i]!));
  // KGC repeats a delivery (same id: it never saw our answer) or sends an event again under a new id.
  const extra: Delivery[] = [];
  for (const d of deliveries) {
    if (d.event === 'customer.deleted' || d.invalid) continue;
    const r = rnd();
    if (r < 0.05) extra.push({ ...d, at: Math.min(0.999, d.at + rnd() * 0.02), erp: undefined, kind: 'repeat' });
    else if (r < 0.07) extra.push({ ...d, at: Math.min(0.999, d.at + rnd() * 0.02), id: `${d.id}-again`, erp: undefined, kind: 'resent' });
  }
  // A repeat never lands after its customer's deletion: KGC stops sending a customer it has erased.
  const deletedAt = new Map(deliveries.filter((d) => d.event === 'customer.deleted').map((d) => [d.customerId, d.at]));
  for (const d of extra) {
    const until = deletedAt.get(d.customerId);
    if (until !== undefined && d.at >= until) d.at = until - 0.0001;
  }
  return { deliveries: [...deliveries, ...extra].sort((a, b) => a.at - b.at), customers, deleted };
}
