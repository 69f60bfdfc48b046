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

  it('waits the retryAfterMs that RATE_LIMITED names (newer Twenty), so each refused call is retried once', async () => {
    h.twenty.setUsageLimits(true);
    try {
      // Spend the 20 tokens: one comes back every 3 s, while the service calls once a second.
      const drain = `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: people { totalCount }`).join(' ')} }`;
      await fetch(`${h.twenty.url}/graphql`, { method: 'POST', headers: { Authorization: `Bearer ${h.twenty.apiKey}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ query: drain }) });
      const [limitedBefore, requestsBefore] = [h.twenty.limitedCount, h.twenty.coreRequestCount];
      const c = newCustomer();
      h.kgc.putCustomer(c);
      const elapsed = await timedSync(c.customer_id, c);
      const refused = h.twenty.limitedCount - limitedBefore;
      const answered = h.twenty.coreRequestCount - requestsBefore - refused;
      expect(refused, 'the drained bucket refuses the sync at least once').toBeGreaterThan(0);
      expect(elapsed).toBeGreaterThanOrEqual(3_000);
      // A blind 1 s, 2 s, 4 s backoff asks twice or more for every token; waiting retryAfterMs asks once.
      expect(refused, `${refused} refusals for ${answered} answered calls`).toBeLessThanOrEqual(answered);
    } finally {
      h.twenty.setUsageLimits(false);
    }
  });

  it('reports QUOTA_EXHAUSTED at once instead of retrying it blindly until the quota renews', async () => {
    h.twenty.exhaustQuota(Date.now() + 24 * 3_600_000);
    try {
      const c = newCustomer();
      h.kgc.putCustomer(c);
      const limitedBefore = h.twenty.coreRequestCount;
      expect((await h.send('customer.created', c)).status).toBe(202);
      const failure = await h.partnerSyncResult(c.customer_id).then(
        () => 'synced',
        (err: Error) => (err.cause as Error | undefined)?.message ?? err.message,
      );
      expect(failure).toMatch(/could not be synced: Twenty QUOTA_EXHAUSTED.*renews in 1440 min/);
      expect(h.twenty.coreRequestCount - limitedBefore, 'one refused call, no retries').toBe(1);
    } finally {
      h.twenty.exhaustQuota(null);
    }
  });

  it('paces Twenty calls at TWENTY_REQUESTS_PER_MINUTE × TWENTY_PACING_SHARE', async () => {
    // Live person writes share batches, so concurrent syncs would make two requests in all. One customer after
    // another makes two real requests each (email owners, upsert): 12 requests, whose times the stand-in records.
    const customers = Array.from({ length: 6 }, () => newCustomer());
    for (const c of customers) h.kgc.putCustomer(c);
    const sent: number[] = [];
    const limitedBefore = h.twenty.limitedCount;
    h.twenty.beforeRecordRequest(() => void sent.push(Date.now()));
    try {
      for (const c of customers) expect(await timedSync(c.customer_id, c)).toBeGreaterThan(0);
    } finally {
      h.twenty.beforeRecordRequest(undefined);
    }
    expect(sent.length, 'each sync made its own email-owner query and upsert').toBeGreaterThanOrEqual(12);
    expect(h.twenty.limitedCount - limitedBefore, 'Twenty refused nothing: the spacing is our pacing, not its retries').toBe(0);
    // Temporal's task queue rate limit keeps a token per partition (the dev server has 4), so up to 4 requests may
    // leave at once after a quiet spell: 12 requests at 0.95/s still cannot span under (11 - 4) / 0.95 ≈ 7.4 s;
    // unpaced, one sync after another, they span about 3 s.
    const span = sent.at(-1)! - sent[0]!;
    expect(span, `${sent.length} requests spanned ${span} ms`).toBeGreaterThanOrEqual(6_500);
  });
});
