import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { signKgcWebhook, startChatwootStandIn, startKgcStandIn, startTwentyStandIn } from '../../sandbox/index.js';
import { TwentyClient } from '../../src/clients/twenty-client.js';
import { twentyRecordId } from '../../src/domain/ids.js';
import { toTwentyPerson } from '../../src/domain/twenty-person.js';
import { GeneratedKgc } from '../../sandbox/kgc/generated.js';
import { provisionTwentyDataModel } from '../../src/clients/twenty-provision.js';
import { startCompiledRole } from '../support/compiled-service.js';
import { numberArg, percentile, startBenchStack } from '../support/stack.js';

/**
 * Initial bulk sync throughput against Twenty's rate-limit ceiling (requests/min × 60 records ÷ 60 s) and against
 * the naive one-request-per-record loop at the same limit, in one run; peak RSS of the service.
 *   npm run bench:bulk-sync [-- --customers 100000 --rpm 100 --share 0.95 --live-per-minute 10 --naive-seconds 30]
 * BENCH_WORKER_NODE_OPTIONS replaces the service's default NODE_OPTIONS (scripts/run-compiled.sh) and is printed.
 * A full run (100 000 customers at 100/min) takes about 45 minutes; a quick one e.g. --customers 3000 --rpm 600.
 *
 * --share is TWENTY_PACING_SHARE (0.95, as the service's default): Twenty's token bucket floors its refill and
 * restarts the refill clock on every take, so a request that lands even a millisecond before the next whole token
 * is refused. At share 1 the pacing's own jitter drains the bucket's reserve and then about every other request is
 * refused; 5 % spacing absorbs the jitter.
 * --live-per-minute new customers arrive by webhook while the sync runs (0: none); they share the Twenty budget with
 * the sync, ahead of it in priority. Printed: Twenty requests/min (whole run and the busiest 60 s) against the
 * budget, live and bulk apart, the bulk's share of what live traffic leaves, and webhook → person latency.
 * --naive-seconds 0 skips the naive loop.
 */
const customers = numberArg('customers', 3000);
const rpm = numberArg('rpm', 600);
const share = numberArg('share', 0.95);
const naiveSeconds = numberArg('naive-seconds', 20);
const livePerMinute = numberArg('live-per-minute', 10);
const webhookSecret = 'bench-kgc-webhook-secret';
/** partnerSync's Twenty operations (activities/twenty.ts, twenty-person-batches.ts); every other record request comes from the bulk sync. */
const liveOperation = /\b(query EmailOwner|mutation UpsertPerson|mutation UpdateAggregates|query PersonBatchEmailOwners|mutation UpsertPersonBatch|mutation WriteHistoryBatch|mutation UpsertAggregatesBatch)\(/;
const admin = 'bench-admin-key-0123456789';
const twentyLimit = { longLimit: rpm, longTtlMs: 60_000, shortLimit: Math.max(100, Math.ceil(rpm / 60)), shortTtlMs: 1_000 };

const kib = (field: string, pid: number) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);

/** The naive loop: one createPerson per customer, waiting out LIMIT_REACHED (as a caller without a queue must). */
async function naiveLoop(): Promise<number> {
  const twenty = await startTwentyStandIn({ rateLimit: twentyLimit });
  const client = new TwentyClient({ apiUrl: twenty.url, apiKey: twenty.apiKey, requestsPerMinute: rpm });
  await provisionTwentyDataModel(new TwentyClient({ apiUrl: twenty.url, apiKey: twenty.apiKey, requestsPerMinute: rpm }));
  const kgc = new GeneratedKgc(customers);
  let written = 0;
  // Spend the LONG bucket's initial burst first (the SHORT one refuses sooner): a long loop gets the steady rate.
  // Bounded: when the SHORT bucket refills no faster than the LONG one, the LONG one never refuses.
  for (let drained = false; !drained && written < 2 * twentyLimit.longLimit; written++) {
    drained = await client
      .query('mutation($data: PersonCreateInput!) { createPerson(data: $data, upsert: true) { id } }', { data: toTwentyPerson(kgc.customer(written), { emailOwnedByOther: false }) })
      .then(
        () => false,
        (err: Error) => err.message.includes(`per ${twentyLimit.longTtlMs} ms`),
      );
  }
  const started = Date.now();
  written = 0;
  while (Date.now() - started < naiveSeconds * 1000) {
    try {
      await client.query('mutation($data: PersonCreateInput!) { createPerson(data: $data, upsert: true) { id } }', { data: toTwentyPerson(kgc.customer(written), { emailOwnedByOther: false }) });
      written++;
    } catch {
      await new Promise((r) => setTimeout(r, 60_000 / rpm));
    }
  }
  const perSecond = written / ((Date.now() - started) / 1000);
  await twenty.close();
  return perSecond;
}

/**
 * New customers by webhook at `livePerMinute`, each timed from the webhook to its person in Twenty; `stop` ends the
 * arrivals, waits up to 2 minutes for the ones still on their way and returns the latencies, sorted (ms).
 */
function liveTraffic(api: string, kgc: { putCustomer(c: any): void }, twenty: { getRecord(o: string, id: string): unknown }) {
  const latencies: number[] = [];
  const pending = new Map<string, number>();
  let sent = 0;
  const send = async () => {
    const customerId = `L-bench-${++sent}`;
    const customer = { customer_id: customerId, name: `Élő Ügyfél ${sent}`, phone: `+3620${String(1000000 + sent)}`, email: `live.${sent}@bench.example`, company: null, is_business: false, created_at: '2026-01-02' };
    kgc.putCustomer(customer);
    const body = JSON.stringify({ event: 'customer.created', data: customer, id: `evt-live-${sent}` });
    pending.set(customerId, Date.now());
    const res = await fetch(`${api}/webhooks/kgc`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...signKgcWebhook(webhookSecret, body) }, body });
    if (res.status !== 202) throw new Error(`intake answered ${res.status} to a live webhook`);
  };
  const arrivals = livePerMinute > 0 ? setInterval(() => void send(), 60_000 / livePerMinute) : undefined;
  const watch = setInterval(() => {
    for (const [customerId, sentAt] of pending) {
      if (!twenty.getRecord('person', twentyRecordId('person', customerId))) continue;
      latencies.push(Date.now() - sentAt);
      pending.delete(customerId);
    }
  }, 50);
  return {
    async stop() {
      clearInterval(arrivals);
      for (const deadline = Date.now() + 120_000; pending.size > 0 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 200));
      clearInterval(watch);
      if (pending.size > 0) console.log(`\n  ${pending.size} live customers not in Twenty 2 minutes after the sync`);
      return latencies.sort((a, b) => a - b);
    },
  };
}

/** Twenty requests while the bulk sync wrote (its first to its last request): budget, live and bulk apart. */
function printBudget(log: { at: number; live: boolean }[], liveLatencies: number[]) {
  const bulk = log.filter((r) => !r.live);
  if (bulk.length < 2) return;
  const [from, to] = [bulk[0]!.at, bulk.at(-1)!.at];
  const window = log.filter((r) => r.at >= from && r.at <= to);
  const minutes = (to - from) / 60_000;
  const perMin = (n: number) => n / minutes;
  const liveRpm = perMin(window.filter((r) => r.live).length);
  const bulkRpm = perMin(window.length - window.filter((r) => r.live).length);
  let busiest = 0;
  for (let i = 0, j = 0; j < window.length; j++) {
    while (window[j]!.at - window[i]!.at >= 60_000) i++;
    busiest = Math.max(busiest, j - i + 1);
  }
  const left = rpm - liveRpm;
  // Twenty's LONG bucket (floored refill, clock restarted on every take) replayed over the request times: how far
  // its reserve fell from full. It only refuses once the reserve is gone.
  let tokens = rpm;
  let low = rpm;
  for (let i = 0; i < log.length; i++) {
    if (i > 0) tokens = Math.min(tokens + Math.floor(((log[i]!.at - log[i - 1]!.at) * rpm) / 60_000), rpm);
    low = Math.min(low, --tokens);
  }
  console.log(`  Twenty requests/min          ${perMin(window.length).toFixed(1)} over ${(minutes * 60).toFixed(0)} s, busiest 60 s ${busiest}${minutes < 1 ? ' (run shorter than 60 s)' : ''}   budget ${rpm}   (goal ≤ budget)`);
  console.log(`  live / bulk requests/min     ${liveRpm.toFixed(1)} / ${bulkRpm.toFixed(1)}   bulk ÷ what live leaves (${left.toFixed(1)}) = ${(bulkRpm / left).toFixed(2)}   (goal ≥ 0.90)`);
  console.log(`  Twenty bucket reserve         lowest ${low} of ${rpm} tokens (replayed from the request times)`);
  if (liveLatencies.length > 0) {
    console.log(`  live customer → person       ${liveLatencies.length} webhooks at ${livePerMinute}/min   p50 ${percentile(liveLatencies, 50)} ms   p99 ${percentile(liveLatencies, 99)} ms   max ${liveLatencies.at(-1)} ms`);
  }
}

async function main() {
  const stack = await startBenchStack();
  const kgc = await startKgcStandIn({ generatedCustomers: customers });
  const twenty = await startTwentyStandIn({ rateLimit: twentyLimit });
  const chatwoot = await startChatwootStandIn();
  await provisionTwentyDataModel(new TwentyClient({ apiUrl: twenty.url, apiKey: twenty.apiKey, requestsPerMinute: rpm }));
  const env = {
    DATABASE_URL: stack.databaseUrl,
    TEMPORAL_ADDRESS: stack.temporal.address,
    TEMPORAL_TASK_QUEUE: `bench-bulk-${Date.now().toString(36)}`,
    KGC_API_URL: kgc.url,
    KGC_API_KEY: kgc.apiKey,
    KGC_WEBHOOK_SECRET: webhookSecret,
    ADMIN_API_KEY: admin,
    ERASURE_HASH_KEY: 'bench-erasure-hash-key-0123456789abcdef',
    TWENTY_API_URL: twenty.url,
    TWENTY_API_KEY: twenty.apiKey,
    TWENTY_REQUESTS_PER_MINUTE: String(rpm),
    TWENTY_PACING_SHARE: String(share),
    // Twenty is what is measured; Chatwoot (no batch API) would set the pace otherwise.
    SUPPORT_MODULE_ENABLED: 'false',
    CHATWOOT_API_URL: chatwoot.url,
    LOG_LEVEL: 'warn',
  };
  // The compiled service (`npm run build`, run by the bench script first).
  const startRole = async (role: 'api' | 'worker') => {
    const started = await startCompiledRole(role, env, process.env.BENCH_WORKER_NODE_OPTIONS);
    return { child: started.child, ready: started.apiUrl };
  };
  const worker = await startRole('worker');
  const apiProcess = await startRole('api');
  const api = apiProcess.ready;
  const service = worker.child;
  const call = async (method: string, path: string) => (await fetch(`${api}${path}`, { method, headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' }, body: method === 'POST' ? '{}' : undefined })).json() as Promise<any>;
  try {
    // Let the worker start before its memory is sampled; the dev server's rate limit starts with a full bucket.
    await new Promise((r) => setTimeout(r, 3000));
    const idleRssMiB = kib('VmRSS', service.pid!) / 1024;
    const started = Date.now();
    // Record requests only: the data-model check at start-up is metadata.
    const [requestsBefore, limitedBefore] = [twenty.coreRequestCount, twenty.limitedCount];
    const requestLog: { at: number; live: boolean }[] = [];
    twenty.beforeRecordRequest((body) => void requestLog.push({ at: Date.now(), live: liveOperation.test(body.query ?? '') }));
    const { runId } = await call('POST', '/admin/bulk-sync');
    const live = liveTraffic(api, kgc, twenty);
    let progress: any;
    let steadyRssKiB = 0;
    do {
      await new Promise((r) => setTimeout(r, 2000));
      progress = await call('GET', `/admin/bulk-sync/${runId}`);
      steadyRssKiB = Math.max(steadyRssKiB, kib('VmRSS', service.pid!));
      process.stderr.write(`\r  ${progress.phase} ${progress.processed}/${progress.total ?? '?'} ${progress.perSecond}/s ETA ${progress.etaSeconds ?? '?'} s   `);
    } while (!progress.done);
    const liveLatencies = await live.stop();
    const wallSeconds = (Date.now() - started) / 1000;
    const peakRssMiB = kib('VmHWM', service.pid!) / 1024;
    const requests = twenty.coreRequestCount - requestsBefore;
    const ceiling = (rpm * 60) / 60;
    console.log(`\n\nbench/bulk-sync  (${customers} customers + ${progress.total - customers} history records, Twenty at ${rpm} requests/min, pacing share ${share}, live webhooks ${livePerMinute}/min)`);
    console.log(`  records written              ${progress.processed}   failed ${progress.failed}   Twenty requests ${requests} (${(progress.processed / requests).toFixed(1)} records/request), ${twenty.limitedCount - limitedBefore} refused with LIMIT_REACHED`);
    console.log(`  bulk sync                    ${progress.perSecond.toFixed(1)} records/s while writing   (wall clock incl. counting and history load: ${wallSeconds.toFixed(0)} s)`);
    console.log(`  ceiling                      ${ceiling.toFixed(1)} records/s   ratio ${(progress.perSecond / ceiling).toFixed(2)}   (goal ≥ 0.90 without live traffic)`);
    printBudget(requestLog, liveLatencies);
    console.log(`  worker RSS idle, before      ${idleRssMiB.toFixed(0)} MiB   (compiled worker process, no sync running)`);
    console.log(`  worker RSS during the sync   ${(steadyRssKiB / 1024).toFixed(0)} MiB max of 2 s samples   (goal < 256 MiB)`);
    console.log(`  worker peak RSS (VmHWM)      ${peakRssMiB.toFixed(0)} MiB   (prebuilt workflow bundle, as in production; NODE_OPTIONS "${process.env.BENCH_WORKER_NODE_OPTIONS ?? 'the default of scripts/run-compiled.sh'}")`);
    // Last, so that the figures above are out even if this long loop is interrupted.
    if (naiveSeconds <= 0) return;
    const naive = await naiveLoop();
    console.log(`  naive one-per-record loop    ${naive.toFixed(2)} records/s   ratio ${(progress.perSecond / naive).toFixed(1)}×   (goal ≥ 20×)`);
  } finally {
    for (const child of [apiProcess.child, worker.child]) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    await Promise.all([kgc.close(), twenty.close(), chatwoot.close()]);
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
