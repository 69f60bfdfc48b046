import postgres from 'postgres';
import { KgcSender } from '../chaos/kgc-sender.js';
import { startChaosStack, webhookSecret } from '../chaos/stack.js';
import { generateDay } from '../chaos/traffic.js';
import { poolMax } from '../../src/db/client.js';
import { numberArg, percentile } from '../support/stack.js';

/**
 * A steady mixed load for a long time, watching both processes for leaks.
 *   npm run soak [-- --minutes 30 --rate 3 --sample-seconds 15 --cache 40]
 * The generated KGC traffic of bench/chaos (every event type, repeats, deletions) at `rate` deliveries per second,
 * without faults, against the compiled worker and API. Every `sample-seconds` it reads each process's /metrics
 * (prom-client's default metrics; the worker serves them on WORKER_METRICS_PORT) and Postgres' pg_stat_activity.
 * The worker's workflow cache is WORKER_MAX_CACHED_WORKFLOWS = `cache` (40, production's default is 250): campaign
 * runs wait on timers for days, so the cache fills at the load's pace, and a filling cache grows the heap as a leak
 * would; a small one is full within minutes. Warm-up lasts the first fifth, or until the cache is first full if
 * that is later. After it, a least-squares slope per hour of each growing series is compared with its threshold,
 * bounded series (connections, cached runs) with their bound;
 * the p99 ack latency of the last third is compared with the first third's. Exit code 1 when anything grows (judged
 * for runs of 13 minutes and more: over less, a heap's GC sawtooth cannot be told from a leak).
 */
const minutes = numberArg('minutes', 30);
const rate = numberArg('rate', 3);
const sampleSeconds = numberArg('sample-seconds', 15);
const cache = numberArg('cache', 40);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MiB = 1024 * 1024;

/**
 * What is sampled, and how much growth per hour is still no leak (a heap settles; a leak keeps climbing), or for
 * what has a bound by construction, the bound: each process's pool opens up to `poolMax` connections and keeps them.
 */
const series: Array<{ name: string; unit: string; metric: string; role: 'worker' | 'api' | 'postgres'; scale: number } & ({ perHour: number } | { max: number })> = [
  { name: 'worker RSS', unit: 'MiB', metric: 'process_resident_memory_bytes', role: 'worker', scale: MiB, perHour: 24 },
  { name: 'worker heap used', unit: 'MiB', metric: 'nodejs_heap_size_used_bytes', role: 'worker', scale: MiB, perHour: 12 },
  { name: 'worker open handles', unit: '', metric: 'nodejs_active_handles_total', role: 'worker', scale: 1, perHour: 20 },
  { name: 'worker event-loop p99', unit: 'ms', metric: 'nodejs_eventloop_lag_p99_seconds', role: 'worker', scale: 0.001, perHour: 20 },
  { name: 'api RSS', unit: 'MiB', metric: 'process_resident_memory_bytes', role: 'api', scale: MiB, perHour: 24 },
  { name: 'api heap used', unit: 'MiB', metric: 'nodejs_heap_size_used_bytes', role: 'api', scale: MiB, perHour: 12 },
  { name: 'api open handles', unit: '', metric: 'nodejs_active_handles_total', role: 'api', scale: 1, perHour: 20 },
  { name: 'api event-loop p99', unit: 'ms', metric: 'nodejs_eventloop_lag_p99_seconds', role: 'api', scale: 0.001, perHour: 20 },
  { name: 'worker cached runs', unit: '', metric: 'kgc_worker_cached_workflows', role: 'worker', scale: 1, max: cache },
  { name: 'Postgres connections', unit: '', metric: 'pg_stat_activity', role: 'postgres', scale: 1, max: 2 * poolMax },
];

/** A gauge's value from Prometheus text (the unlabelled series). */
function gauge(text: string, metric: string): number {
  const m = new RegExp(`^${metric} ([0-9.e+-]+)`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

async function main() {
  const workerMetricsPort = 20000 + Math.floor(Math.random() * 20000);
  const stack = await startChaosStack({ env: { WORKER_METRICS_PORT: String(workerMetricsPort), WORKER_MAX_CACHED_WORKFLOWS: String(cache) } });
  const day = generateDay({ events: Math.round(minutes * 60 * rate), seed: 7 });
  const sender = new KgcSender(() => stack.apiUrl, webhookSecret, stack.kgc, day.deliveries);
  const sql = postgres(stack.postgres.url, { max: 1, onnotice: () => {} });
  const runMs = minutes * 60_000;
  const started = Date.now();
  const samples: Array<{ at: number; values: number[] }> = [];
  console.log(`bench/soak  ${day.deliveries.length} deliveries at ${rate}/s for ${minutes} min, sampled every ${sampleSeconds} s; service logs in ${stack.logDir}`);
  try {
    const sampling = (async () => {
      while (Date.now() - started < runMs) {
        const text = {
          worker: await fetch(`http://127.0.0.1:${workerMetricsPort}/metrics`).then((r) => r.text(), () => ''),
          api: await fetch(`${stack.apiUrl}/metrics`).then((r) => r.text(), () => ''),
        };
        const [pg] = await sql<{ n: number }[]>`select count(*)::int as n from pg_stat_activity where datname = 'chaos' and pid <> pg_backend_pid()`;
        samples.push({ at: Date.now(), values: series.map((s) => (s.role === 'postgres' ? pg!.n : gauge(text[s.role], s.metric) / s.scale)) });
        await sleep(sampleSeconds * 1000);
      }
    })();
    for (const d of day.deliveries) {
      await sleep(started + d.at * runMs - Date.now());
      sender.send(d);
    }
    await sampling;
    await sender.idle();

    const cachedAt = series.findIndex((s) => s.metric === 'kgc_worker_cached_workflows');
    const cacheFull = samples.find((s) => s.values[cachedAt]! >= cache)?.at;
    const warmUpEnd = Math.max(started + runMs / 5, cacheFull ?? 0);
    console.log(`\n  warm-up ended after ${((warmUpEnd - started) / 60_000).toFixed(1)} min (${cacheFull ? `cache of ${cache} runs full after ${((cacheFull - started) / 60_000).toFixed(1)} min` : `cache of ${cache} runs never full`})`);
    const warm = samples.filter((s) => s.at >= warmUpEnd);
    // Over a few minutes a heap's GC sawtooth looks like growth: slopes are judged from 10 minutes after warm-up on.
    const judged = started + runMs - warmUpEnd >= 10 * 60_000;
    if (!judged) console.log(`\n  a ${minutes}-minute run: the figures show the sampling works; too short to tell a leak from GC, so no verdict on slopes`);
    console.log(`\n  ${'series'.padEnd(24)} ${'after warm-up'.padStart(14)} ${'at the end'.padStart(11)} ${'slope/hour'.padStart(11)} ${'threshold'.padStart(10)}`);
    let failed = false;
    series.forEach((s, i) => {
      const points = warm.map((w) => [(w.at - started) / 3_600_000, w.values[i]!] as [number, number]).filter(([, y]) => Number.isFinite(y));
      if (points.length < 3) {
        console.log(`  ${s.name.padEnd(24)} too few samples`);
        failed = true;
        return;
      }
      const perHour = slope(points);
      const highest = Math.max(...samples.map((w) => w.values[i]!).filter(Number.isFinite));
      const grows = 'max' in s ? highest > s.max : judged && perHour > s.perHour;
      failed ||= grows;
      const fmt = (v: number) => `${v.toFixed(1)} ${s.unit}`.trim();
      const threshold = 'max' in s ? `highest ${highest} ≤ ${s.max}` : `≤ ${s.perHour}/h`;
      console.log(`  ${s.name.padEnd(24)} ${fmt(points[0]![1]).padStart(14)} ${fmt(points.at(-1)![1]).padStart(11)} ${(perHour >= 0 ? '+' : '') + perHour.toFixed(1)}`.padEnd(75) + `${threshold.padStart(12)}${grows ? '  GROWS' : ''}`);
    });
    // Ack latency: p99 of the first and the last third of the acks after warm-up.
    const acks = sender.stats.ackAt.map((at, i) => ({ at, ms: sender.stats.ackMs[i]! })).filter((a) => a.at >= warmUpEnd);
    const third = Math.floor(acks.length / 3);
    const p99 = (xs: typeof acks) => percentile(xs.map((a) => a.ms).sort((a, b) => a - b), 99);
    const [early, late] = [p99(acks.slice(0, third)), p99(acks.slice(-third))];
    const drifts = judged && late > early * 1.5 + 20;
    failed ||= drifts;
    console.log(`  ${'p99 ack latency'.padEnd(24)} ${`${early} ms`.padStart(14)} ${`${late} ms`.padStart(11)}   first vs last third of the acks after warm-up (fails above 1.5× + 20 ms)${drifts ? '  DRIFTS' : ''}`);
    console.log(`  deliveries ${sender.stats.sent}, requests ${sender.stats.attempts}, unplanned exits: ${stack.unplannedExits.length ? stack.unplannedExits.join('; ') : 'none'}`);
    process.exitCode = failed || stack.unplannedExits.length > 0 ? 1 : 0;
  } finally {
    await sql.end();
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
