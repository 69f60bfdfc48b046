import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCustomer, startHarness, type Harness } from '../support/harness.js';

/** Twenty allows 120 requests/min and so does the service's budget: live syncs and a bulk sync share it. */
const budgetPerMinute = 120;
let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    twenty: { rateLimit: { longLimit: budgetPerMinute, longTtlMs: 60_000 } },
    env: { TWENTY_REQUESTS_PER_MINUTE: String(budgetPerMinute), BULK_SYNC_CHATWOOT_REQUESTS_PER_MINUTE: '360000' },
  });
});
afterAll(async () => {
  h?.twenty.beforeRecordRequest(undefined);
  await h?.close();
});

/** partnerSync's Twenty operations (activities/twenty.ts, twenty-person-batches.ts, twenty-history-batches.ts); every other record request here is the bulk sync's. */
const liveOperation = /\b(query EmailOwner|mutation UpsertPerson|mutation UpdateAggregates|query PersonBatchEmailOwners|mutation UpsertPersonBatch|mutation WriteHistoryBatch|mutation UpsertAggregatesBatch)\(/;

describe('one Twenty budget for live and bulk calls', () => {
  it('serves a live sync while a bulk sync runs, and paces both together within the budget', async () => {
    // 1 500 customers: 25 person batches and their owner queries, about 15 s at the budget.
    for (let i = 0; i < 1500; i++) h.kgc.putCustomer(newCustomer());
    const requests: { at: number; live: boolean }[] = [];
    h.twenty.beforeRecordRequest((body) => void requests.push({ at: Date.now(), live: liveOperation.test(body.query ?? '') }));
    const limitedBefore = h.twenty.limitedCount;

    const started = await h.admin('POST', '/admin/bulk-sync', {});
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const bulkSync = h.client.workflow.getHandle(`initial-bulk-sync/${started.body.runId}`);
    // Well into the sync: its batches are queued on the Twenty queue when the webhook arrives.
    while (requests.filter((r) => !r.live).length < 6) await new Promise((r) => setTimeout(r, 100));
    const live = newCustomer();
    h.kgc.putCustomer(live);
    expect((await h.send('customer.created', live)).status).toBe(202);
    expect((await h.partnerSyncResult(live.customer_id)).outcome).toBe('synced');
    const liveWrittenAt = Math.max(...requests.filter((r) => r.live).map((r) => r.at));
    await bulkSync.result();

    const bulkAfter = requests.filter((r) => !r.live && r.at > liveWrittenAt).length;
    expect(bulkAfter, 'the bulk sync was still writing when the live person was written').toBeGreaterThan(5);
    expect(h.twenty.limitedCount - limitedBefore, 'Twenty refused requests with LIMIT_REACHED').toBe(0);
    // Paced, not merely within Twenty's bucket: no 10 s holds more than the budget's share plus one poll burst.
    const perTenSeconds = Math.max(...requests.map((r) => requests.filter((o) => o.at >= r.at && o.at < r.at + 10_000).length));
    expect(perTenSeconds, 'Twenty requests in the busiest 10 s').toBeLessThanOrEqual((budgetPerMinute / 6) * 0.95 + 5);
  }, 180_000);
});
