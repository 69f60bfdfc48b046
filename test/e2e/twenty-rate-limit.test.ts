import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCustomer, startHarness, type Harness } from '../support/harness.js';

/** One token every 3 s in Twenty's LONG bucket ("Limit reached (20 tokens per 60000 ms)"), the service paced at 60/min. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ twenty: { rateLimit: { longLimit: 20, longTtlMs: 60_000 } }, env: { TWENTY_REQUESTS_PER_MINUTE: '60' } });
});
afterAll(async () => {
  await h?.close();
});

async function timedSync(customerId: string, data: unknown): Promise<number> {
  const started = Date.now();
  expect((await h.send('customer.created', data)).status).toBe(202);
  expect((await h.partnerSyncResult(customerId)).outcome).toBe('synced');
  return Date.now() - started;
}

describe('Twenty rate limits', () => {
  it('waits the time one token takes to come back after LIMIT_REACHED, then succeeds', async () => {
    const limited = newCustomer();
    h.kgc.putCustomer(limited);
    h.twenty.faults.set({ failNext: { count: 1, status: 'LIMIT_REACHED' } });
    const elapsed = await timedSync(limited.customer_id, limited);
    h.twenty.faults.clear();
    expect(elapsed).toBeGreaterThanOrEqual(3_000);
  });

  it('paces Twenty calls at TWENTY_REQUESTS_PER_MINUTE × TWENTY_PACING_SHARE', async () => {
    const customers = [newCustomer(), newCustomer(), newCustomer(), newCustomer()];
    for (const c of customers) h.kgc.putCustomer(c);
    const started = Date.now();
    await Promise.all(customers.map((c) => h.send('customer.created', c)));
    const results = await Promise.all(customers.map((c) => h.partnerSyncResult(c.customer_id)));
    const elapsed = Date.now() - started;
    expect(results.every((r) => r.outcome === 'synced')).toBe(true);
    // 8 Twenty calls at 1/s cannot finish in under ~5 s; without the queue limit they take milliseconds.
    expect(elapsed).toBeGreaterThanOrEqual(5_000);
  });
});
