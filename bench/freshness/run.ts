import { cpus, loadavg } from 'node:os';
import { signKgcWebhook, startChatwootStandIn, startKgcStandIn, startTwentyStandIn } from '../../sandbox/index.js';
import { TwentyClient } from '../../src/clients/twenty-client.js';
import { provisionTwentyDataModel } from '../../src/clients/twenty-provision.js';
import { twentyRecordId } from '../../src/domain/ids.js';
import { toTwentyPerson } from '../../src/domain/twenty-person.js';
import { numberArg, percentile, startBenchStack } from '../support/stack.js';
import { startCompiledRole } from '../support/compiled-service.js';

/**
 * Freshness: how long from a signed KGC webhook to the data readable in Twenty, against the compiled service at
 * Twenty's default budget, beside the floor measured in the same run.
 *   npm run bench:freshness [-- --rpm 100 --share 0.95 --isolated 10 --burst 20 --big-burst 200 --rental-burst 20]
 * Scenarios: customer.created → the person; rental.completed (for a customer already in Twenty) → the rental record.
 * "isolated" sends one event at a time, each after the previous one is in Twenty and the pacing is idle again; a
 * burst sends its events in a row, as an ERP does, and each is timed from its own send. Floors: the same Twenty
 * upsert sent directly (no queue, no pacing), a raw `signalWithStart` round trip, and the pacing interval (a new
 * customer needs two Twenty requests: who owns its email, then the upsert).
 */
const rpm = numberArg('rpm', 100);
const share = numberArg('share', 0.95);
const isolatedCount = numberArg('isolated', 10);
const burstSize = numberArg('burst', 20);
const bigBurstSize = numberArg('big-burst', 200);
const rentalBurstSize = numberArg('rental-burst', 20);
const webhookSecret = 'bench-kgc-webhook-secret';
const twentyLimit = { longLimit: rpm, longTtlMs: 60_000, shortLimit: Math.max(100, Math.ceil(rpm / 60)), shortTtlMs: 1_000 };
const pacingMs = 60_000 / (rpm * share);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Figures {
  latencies: number[];
  requests: number;
}

const row = (label: string, n: number, f: Figures, goal = '') => {
  const l = f.latencies;
  const ms = (p: number) => `${String(percentile(l, p)).padStart(6)}`;
  console.log(`  ${label.padEnd(30)} ${String(n).padStart(4)} ${ms(50)} ${ms(95)} ${ms(99)} ${String(l.at(-1) ?? NaN).padStart(6)}   ${(f.requests / n).toFixed(2).padStart(5)}   ${goal}`);
};

/** The same Twenty upsert the service sends for a batch of one, sent directly to an unthrottled stand-in. */
async function directUpsertFloor(kgcCustomer: (i: number) => Parameters<typeof toTwentyPerson>[0]): Promise<number[]> {
  const twenty = await startTwentyStandIn({ rateLimit: false });
  const client = new TwentyClient({ apiUrl: twenty.url, apiKey: twenty.apiKey, requestsPerMinute: 60_000 });
  await provisionTwentyDataModel(client);
  const times: number[] = [];
  for (let i = 0; i < 30; i++) {
    const started = performance.now();
    await client.query('mutation UpsertPersonBatch($data: [PersonCreateInput!]!) { createPeople(data: $data, upsert: true) { id } }', {
      data: [toTwentyPerson(kgcCustomer(i), { emailOwnedByOther: false })],
    });
    times.push(Math.round(performance.now() - started));
  }
  await twenty.close();
  return times.sort((a, b) => a - b);
}

async function main() {
  const stack = await startBenchStack();
  const kgc = await startKgcStandIn();
  const twenty = await startTwentyStandIn({ rateLimit: twentyLimit });
  const chatwoot = await startChatwootStandIn();
  await provisionTwentyDataModel(new TwentyClient({ apiUrl: twenty.url, apiKey: twenty.apiKey, requestsPerMinute: rpm }));
  const env = {
    DATABASE_URL: stack.databaseUrl,
    TEMPORAL_ADDRESS: stack.temporal.address,
    TEMPORAL_TASK_QUEUE: `bench-fresh-${Date.now().toString(36)}`,
    KGC_API_URL: kgc.url,
    KGC_API_KEY: kgc.apiKey,
    KGC_WEBHOOK_SECRET: webhookSecret,
    ADMIN_API_KEY: 'bench-admin-key-0123456789',
    ERASURE_HASH_KEY: 'bench-erasure-hash-key-0123456789abcdef',
    TWENTY_API_URL: twenty.url,
    TWENTY_API_KEY: twenty.apiKey,
    TWENTY_REQUESTS_PER_MINUTE: String(rpm),
    TWENTY_PACING_SHARE: String(share),
    // Twenty is what is measured; the Chatwoot contact is written after the person and would not delay it.
    SUPPORT_MODULE_ENABLED: 'false',
    CHATWOOT_API_URL: chatwoot.url,
    LOG_LEVEL: 'warn',
  };
  const worker = await startCompiledRole('worker', env, process.env.BENCH_WORKER_NODE_OPTIONS);
  const apiRole = await startCompiledRole('api', env);
  let seq = 0;
  const customer = (i: number) => ({
    customer_id: `F-${i}`,
    name: `Friss Ügyfél${i}`,
    phone: `+3620${String(1000000 + i)}`,
    email: `friss.${i}@bench.example`,
    company: null,
    is_business: false,
    created_at: '2026-01-02',
  });
  const send = async (event: string, data: object) => {
    const body = JSON.stringify({ event, data, id: `evt-fresh-${++seq}` });
    const res = await fetch(`${apiRole.apiUrl}/webhooks/kgc`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...signKgcWebhook(webhookSecret, body) }, body });
    if (res.status !== 202) throw new Error(`intake answered ${res.status} to ${event}`);
  };
  const created = (i: number) => ({
    send: () => {
      kgc.putCustomer(customer(i));
      return send('customer.created', customer(i));
    },
    visible: () => twenty.getRecord('person', twentyRecordId('person', customer(i).customer_id)) !== undefined,
  });
  const rental = (i: number) => ({
    rental_id: `FR-${i}`,
    customer_id: customer(i).customer_id,
    machine_name: 'Makita fúró',
    rental_start: '2026-01-02',
    rental_end: '2026-01-04',
    total_days: 2,
    total_cost: 20000,
    status: 'completed',
  });
  const completed = (i: number) => ({
    send: () => send('rental.completed', rental(i)),
    visible: () => twenty.getRecord('rentalRecord', twentyRecordId('rentalRecord', rental(i).rental_id)) !== undefined,
  });

  /** Sends the events (in a row, or one at a time when isolated) and times each from its send to its data in Twenty. */
  async function measure(events: Array<{ send: () => Promise<void>; visible: () => boolean }>, isolated: boolean): Promise<Figures> {
    const requestsBefore = twenty.coreRequestCount;
    const latencies: number[] = [];
    const waitFor = async (e: (typeof events)[number], sentAt: number) => {
      for (const deadline = sentAt + 180_000; !e.visible(); await sleep(5)) if (Date.now() > deadline) throw new Error('an event did not reach Twenty in 3 minutes');
      latencies.push(Date.now() - sentAt);
    };
    const waits: Promise<void>[] = [];
    for (const e of events) {
      const sentAt = Date.now();
      await e.send();
      waits.push(waitFor(e, sentAt));
      if (isolated) {
        await waits.at(-1);
        // Idle again: the pacing and Twenty's bucket have recovered before the next event.
        await sleep(2 * pacingMs + 500);
      }
    }
    await Promise.all(waits);
    // Writes still on their way after the data became readable (aggregates) belong to this scenario.
    await sleep(3 * pacingMs);
    return { latencies: latencies.sort((a, b) => a - b), requests: twenty.coreRequestCount - requestsBefore };
  }

  try {
    // Floors first, while the service is idle.
    const direct = await directUpsertFloor((i) => customer(1_000_000 + i));
    const rawSignal: number[] = [];
    for (let i = 0; i < 30; i++) {
      const started = performance.now();
      await stack.temporal.client.workflow.signalWithStart('benchFloor', { workflowId: `bench-floor/${i}`, taskQueue: 'bench-floor-no-worker', signal: 'floor', signalArgs: [{ i }], args: [] });
      rawSignal.push(Math.round(performance.now() - started));
    }
    rawSignal.sort((a, b) => a - b);
    await sleep(3000);

    const floorRow = (label: string, t: number[], note: string) =>
      console.log(`  ${label.padEnd(30)} ${String(t.length).padStart(4)} ${[50, 95, 99].map((p) => String(percentile(t, p)).padStart(6)).join(' ')}          ${note}`);
    console.log(`\nbench/freshness  (compiled service, Twenty at ${rpm} requests/min, pacing share ${share}: one Twenty request every ${pacingMs.toFixed(0)} ms)`);
    console.log(`  ${'scenario'.padEnd(30)} ${'n'.padStart(4)} ${'p50'.padStart(6)} ${'p95'.padStart(6)} ${'p99'.padStart(6)} ${'max'.padStart(6)}   Twenty requests/event   (ms from the signed webhook to the data readable in Twenty)`);
    floorRow('floor: Twenty upsert direct', direct, '(createPeople upsert of one person, unthrottled stand-in)');
    floorRow('floor: raw signalWithStart', rawSignal, '(client round trip, same dev server)');
    console.log(`  floor: pacing interval          ${pacingMs.toFixed(0)} ms between two Twenty requests; a new customer needs two (email owners, upsert)`);

    let next = 0;
    const range = (n: number) => Array.from({ length: n }, () => next++);
    const isolatedIds = range(isolatedCount);
    row('customer.created isolated', isolatedCount, await measure(isolatedIds.map(created), true), 'goal p50 ≤ 250, p99 ≤ 1000');
    row('rental.completed isolated', isolatedCount, await measure(isolatedIds.map(completed), true));
    const burstIds = range(burstSize);
    row(`customer.created burst ${burstSize}`, burstSize, await measure(burstIds.map(created), false), 'goal p99 ≤ 3000');
    await sleep(5000);
    row(`rental.completed burst ${rentalBurstSize}`, rentalBurstSize, await measure(burstIds.slice(0, rentalBurstSize).map(completed), false));
    await sleep(5000);
    if (bigBurstSize > 0) row(`customer.created burst ${bigBurstSize}`, bigBurstSize, await measure(range(bigBurstSize).map(created), false), 'goal max ≤ 15000');
    console.log(`  Twenty refused with LIMIT_REACHED: ${twenty.limitedCount}; load average over the run ${loadavg()[1]!.toFixed(1)} (5 min) on ${cpus().length} cores`);
  } finally {
    await apiRole.stop();
    await worker.stop();
    await Promise.all([kgc.close(), twenty.close(), chatwoot.close()]);
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
