import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendKgcWebhook, signKgcWebhook, startKgcStandIn, type KgcStandIn } from '../../sandbox/index.js';

let kgc: KgcStandIn;
const get = (path: string, key = kgc.apiKey) => fetch(`${kgc.url}${path}`, { headers: { Authorization: `Bearer ${key}` } });

const customer = (n: number) => ({
  customer_id: `C${String(n).padStart(4, '0')}`,
  name: `Kovács ${n}`,
  phone: `+3630${String(1000000 + n)}`,
  is_business: false,
  created_at: '2025-12-01T10:00:00Z',
  tax_number: '12345678-1-42',
});

beforeAll(async () => {
  kgc = await startKgcStandIn();
});
afterAll(() => kgc.close());
beforeEach(() => {
  kgc.reset();
  kgc.faults.clear();
});

describe('KGC stand-in', () => {
  it('answers 401 to a wrong API key', async () => {
    const res = await get('/api/customers/C0001', 'wrong');
    expect(res.status).toBe(401);
  });

  it('serves a customer with the ERP-only fields and 404s once it is deleted', async () => {
    kgc.putCustomer(customer(1));
    const res = await get('/api/customers/C0001');
    expect(await res.json()).toMatchObject({ customer_id: 'C0001', tax_number: '12345678-1-42' });
    kgc.deleteCustomer('C0001');
    const gone = await get('/api/customers/C0001');
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({ error: 'not found' });
  });

  it('pages active customers with next_cursor until it is null and refuses limit over 500', async () => {
    for (let i = 1; i <= 7; i++) kgc.putCustomer(customer(i));
    kgc.putCustomer({ ...customer(8), active: false });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(`/api/customers?active=true&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      const page = (await res.json()) as { data: { customer_id: string }[]; next_cursor: string | null };
      seen.push(...page.data.map((c) => c.customer_id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(['C0001', 'C0002', 'C0003', 'C0004', 'C0005', 'C0006', 'C0007']);
    expect((await get('/api/customers?limit=501')).status).toBe(400);
  });

  it('finds a customer by phone with open rentals, pending repairs and payment status', async () => {
    kgc.putCustomer({ ...customer(1), payment_status: 'late' });
    kgc.putRental({ rental_id: 'R1', customer_id: 'C0001', machine_name: 'Drill', rental_start: '2025-12-01', rental_end: '2025-12-10', status: 'active' });
    kgc.putRental({ rental_id: 'R2', customer_id: 'C0001', machine_name: 'Saw', rental_start: '2025-11-01', rental_end: '2025-11-10', status: 'completed' });
    kgc.putWorklog({ worklog_id: 'W1', customer_id: 'C0001', machine_type: 'Mower', status: 'in_progress' });
    const res = await get(`/api/customers/by-phone/${encodeURIComponent('+36301000001')}`);
    const body = (await res.json()) as { active_rentals: unknown[]; pending_repairs: unknown[]; payment_status: string };
    expect(body.active_rentals).toHaveLength(1);
    expect(body.pending_repairs).toHaveLength(1);
    expect(body.payment_status).toBe('late');
  });

  it('filters rentals by completion date and by end day, and reports status', async () => {
    kgc.putRental({ rental_id: 'R1', customer_id: 'C1', machine_name: 'A', rental_start: '2025-12-01', rental_end: '2025-12-05', status: 'completed', total_days: 4, total_cost: 20000 });
    kgc.putRental({ rental_id: 'R2', customer_id: 'C1', machine_name: 'B', rental_start: '2025-12-01', rental_end: '2025-12-20', status: 'completed' });
    kgc.putRental({ rental_id: 'R3', customer_id: 'C1', machine_name: 'C', rental_start: '2025-12-01', rental_end: '2025-12-24', status: 'active' });
    const completed = (await (await get('/api/rentals?status=completed&ended_after=2025-12-10')).json()) as { data: { rental_id: string }[] };
    expect(completed.data.map((r) => r.rental_id)).toEqual(['R2']);
    const ending = (await (await get('/api/rentals?status=active&ends_on=2025-12-24')).json()) as { data: { rental_id: string }[] };
    expect(ending.data.map((r) => r.rental_id)).toEqual(['R3']);
    expect(await (await get('/api/rentals/R3/status')).json()).toEqual({ rental_id: 'R3', status: 'active', rental_end: '2025-12-24', late_days: 0 });
    expect((await get('/api/orders/O404/status')).status).toBe(404);
  });

  it('signs webhooks as HMAC-SHA256 over "<timestamp>.<raw body>" and posts the envelope', async () => {
    const headers = signKgcWebhook('s3cret', '{"a":1}', 1703765432000);
    const expected = createHmac('sha256', 's3cret').update('1703765432000.{"a":1}').digest('hex');
    expect(headers).toEqual({ 'X-KGC-Timestamp': '1703765432000', 'X-KGC-Signature': `sha256=${expected}` });

    const received: { body: string; signature: string; ts: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ body, signature: String(req.headers['x-kgc-signature']), ts: String(req.headers['x-kgc-timestamp']) });
        res.writeHead(202, { 'Content-Type': 'application/json' }).end('{"accepted":true}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/kgc`;
    const result = await sendKgcWebhook({ url, secret: 's3cret', event: 'customer.created', data: { customer_id: 'C1' }, id: 'evt_1' });
    receiver.close();
    expect(result).toEqual({ status: 202, body: { accepted: true } });
    const [got] = received;
    expect(JSON.parse(got!.body)).toEqual({ event: 'customer.created', data: { customer_id: 'C1' }, id: 'evt_1' });
    expect(got!.signature).toBe(signKgcWebhook('s3cret', got!.body, Number(got!.ts))['X-KGC-Signature']);
  });
});

describe('fault injection', () => {
  it('fails the next requests with 429 and Retry-After, then recovers', async () => {
    kgc.putCustomer(customer(1));
    kgc.faults.set({ failNext: { count: 2, status: 429, retryAfterSeconds: 7 } });
    const first = await get('/api/customers/C0001');
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('7');
    expect((await get('/api/customers/C0001')).status).toBe(429);
    expect((await get('/api/customers/C0001')).status).toBe(200);
  });

  it('answers 5xx at errorRatio 1 and drops connections when down', async () => {
    kgc.faults.set({ errorRatio: 1 });
    expect((await get('/api/customers')).status).toBe(503);
    kgc.faults.set({ errorRatio: 0, down: true });
    await expect(get('/api/customers')).rejects.toThrow();
  });

  it('refuses as rate-limited at rateLimitRatio 1: a 429 with Retry-After', async () => {
    kgc.faults.set({ rateLimitRatio: 1 });
    const res = await get('/api/customers');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
  });

  it('takes faults and resets through the HTTP control endpoints', async () => {
    const post = (path: string, body?: unknown) => fetch(`${kgc.url}${path}`, { method: 'POST', body: body === undefined ? undefined : JSON.stringify(body) });
    await post('/__sandbox/faults', { latencyMs: 60 });
    const started = Date.now();
    await get('/api/customers');
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    kgc.putCustomer(customer(1));
    await post('/__sandbox/reset');
    expect(kgc.faults.current).toEqual({});
    expect((await get('/api/customers/C0001')).status).toBe(404);
    expect(kgc.requestCount).toBe(1);
  });
});

describe('KGC stand-in: writes with Idempotency-Key', () => {
  const post = (path: string, body: unknown, key?: string) =>
    fetch(`${kgc.url}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${kgc.apiKey}`, 'Content-Type': 'application/json', ...(key ? { 'Idempotency-Key': key } : {}) },
      body: JSON.stringify(body),
    });
  const tenant = { name: 'Szegedi Kft.', partner_customer_id: 'C0001', kind: 'franchise', package: 'pro', modules: { rental: true, service: true, sales: false } };

  it('creates a tenant once: a repeated key replays 201, another key for the same partner gets 409 with its tenant_id', async () => {
    kgc.putCustomer(customer(1));
    expect(await post('/api/tenants', tenant).then((r) => r.status), 'the key is required').toBe(400);
    const first = await post('/api/tenants', tenant, 'k-1');
    const body = await first.json();
    expect(first.status).toBe(201);
    const replay = await post('/api/tenants', { ...tenant, package: 'basic' }, 'k-1');
    expect([replay.status, await replay.json()]).toEqual([201, body]);
    const other = await post('/api/tenants', tenant, 'k-2');
    expect([other.status, await other.json()]).toEqual([409, body]);
    expect(kgc.tenants()).toHaveLength(1);
    const invalid = await post('/api/tenants', { ...tenant, package: 'gold' }, 'k-3');
    expect([invalid.status, ((await invalid.json()) as { error: { details: unknown } }).error.details]).toEqual([422, [{ path: 'package', message: 'basic, pro or enterprise' }]]);
  });
});
