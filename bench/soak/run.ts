import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import postgres from 'postgres';
import { KgcSender } from '../chaos/kgc-sender.js';
import { startChaosStack, webhookSecret } from '../chaos/stack.js';
import { generateDay } from '../chaos/traffic.js';
import { poolMax } from '../../src/db/client.js';
import { numberArg, percentile } from '../support/stack.js';

/**
 * A steady mixed load for a long time, watching both processes for leaks.
 *   npm run soak [-- --minutes 30 --rate 3 --sample-seconds 15 --cache 20]
 * The generated KGC traffic of bench/chaos (every event type, repeats, deletions) at `rate` deliveries per second,
 * without faults, against the compiled worker and API. A generated day is not steady (customers are created in its
 * first part and deleted at its end), so the soak runs one short day after another, each with customers of its own:
 * every third of the run sees the same mix. Every `sample-seconds` it reads each process's /metrics
 * (prom-client's default metrics; the worker serves them on WORKER_METRICS_PORT) and Postgres' pg_stat_activity.
 * The worker's workflow cache is WORKER_MAX_CACHED_WORKFLOWS = `cache` (20, production's default is 250): campaign
 * runs wait on timers for days, so the cache fills at the load's pace, and a filling cache grows the heap as a leak
 * would; a small one is full within minutes. Warm-up lasts the first third (RSS kept rising for minutes after the
 * cache was full), or until the cache is first full if that is later (at most half the run). After it, each
 * series' growth per hour is compared with its threshold: between the medians of the first and the last third of
 * its samples (a GC sawtooth or a passing bump moves a least-squares slope, not those), for a heap between their
 * lowest values (what is still live after a collection). Bounded series (connections, cached runs) are compared
 * with their bound, the p99 ack latency of the last third with the first third's. Exit code 1 when anything grows
 * (judged over 10 minutes after warm-up or more, runs of 15 minutes on: over less, a heap's GC sawtooth cannot be
 * told from a leak).
 */
const minutes = numberArg('minutes', 30);
const rate = numberArg('rate', 3);
const sampleSeconds = numberArg('sample-seconds', 15);
const cache = numberArg('cache', 20);
/** The length of one generated day in the run. */
const dayMinutes = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MiB = 1024 * 1024;

/**
 * What is sampled, and how much growth per hour is still no leak (a heap settles; a leak keeps climbing), or for
 * what has a bound by construction, the bound: each process's pool opens up to `poolMax` connections and keeps them.
 */
const series: Array<{ name: string; unit: string; metric: string; role: 'worker' | 'api' | 'postgres'; scale: number } & ({ perHour: number; floor?: boolean } | { max: number })> = [
  { name: 'worker RSS', unit: 'MiB', metric: 'process_resident_memory_bytes', role: 'worker', scale: MiB, perHour: 24 },
  { name: 'worker heap used', unit: 'MiB', metric: 'nodejs_heap_size_used_bytes', role: 'worker', scale: MiB, perHour: 12, floor: true },
  { name: 'worker open handles', unit: '', metric: 'nodejs_active_handles_total', role: 'worker', scale: 1, perHour: 20 },
  { name: 'worker event-loop p99', unit: 'ms', metric: 'nodejs_eventloop_lag_p99_seconds', role: 'worker', scale: 0.001, perHour: 20 },
  { name: 'api RSS', unit: 'MiB', metric: 'process_resident_memory_bytes', role: 'api', scale: MiB, perHour: 24 },
  { name: 'api heap used', unit: 'MiB', metric: 'nodejs_heap_size_used_bytes', role: 'api', scale: MiB, perHour: 12, floor: true },
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

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Growth of y per unit of x between the first and the last third of the points (x ascending): between their medians,
 * or with `floor` their lowest values.
 */
function growthPerHour(points: Array<[number, number]>, floor = false): number {
  const third = Math.max(1, Math.floor(points.length / 3));
  const [first, last] = [points.slice(0, third), points.slice(-third)];
  const level = (ys: number[]) => (floor ? Math.min(...ys) : median(ys));
  const dx = median(last.map(([x]) => x)) - median(first.map(([x]) => x));
  return dx === 0 ? 0 : (level(last.map(([, y]) => y)) - level(first.map(([, y]) => y))) / dx;
}

async function main() {
  const workerMetricsPort = 20000 + Math.floor(Math.random() * 20000);
  const stack = await startChaosStack({ env: { WORKER_METRICS_PORT: String(workerMetricsPort), WORKER_MAX_CACHED_WORKFLOWS: String(cache) } });
  const days = Math.max(1, Math.round(minutes / dayMinutes));
  const deliveries = Array.from({ length: days }, (_, k) =>
    generateDay({ events: Math.round((minutes * 60 * rate) / days), seed: 7 + k }).deliveries.map((d) => ({ ...d, at: (k + d.at) / days, happened: (k + d.happened) / days })),
  )
    .flat()
    .sort((a, b) => a.at - b.at);
  const sender = new KgcSender(() => stack.apiUrl, webhookSecret, stack.kgc, deliveries);
  const sql = postgres(stack.postgres.url, { max: 1, onnotice: () => {} });
  const runMs = minutes * 60_000;
  const started = Date.now();
  const samples: Array<{ at: number; values: number[] }> = [];
  console.log(`bench/soak  ${deliveries.length} deliveries (${days} generated days) at ${rate}/s for ${minutes} min, sampled every ${sampleSeconds} s; service logs and samples.csv in ${stack.logDir}`);
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
    for (const d of deliveries) {
      await sleep(started + d.at * runMs - Date.now());
      sender.send(d);
    }
    await sampling;
    await sender.idle();
    await writeFile(join(stack.logDir, 'samples.csv'), [['minute', ...series.map((s) => s.name)].join(','), ...samples.map((s) => [((s.at - started) / 60_000).toFixed(2), ...s.values.map((v) => v.toFixed(2))].join(','))].join('\n'));

    const cachedAt = series.findIndex((s) => s.metric === 'kgc_worker_cached_workflows');
    const cacheFull = samples.find((s) => s.values[cachedAt]! >= cache)?.at;
    const warmUpEnd = Math.min(Math.max(started + runMs / 3, cacheFull ?? 0), started + runMs / 2);
    console.log(`\n  warm-up ended after ${((warmUpEnd - started) / 60_000).toFixed(1)} min (${cacheFull ? `cache of ${cache} runs full after ${((cacheFull - started) / 60_000).toFixed(1)} min` : `cache of ${cache} runs never full`})`);
    const warm = samples.filter((s) => s.at >= warmUpEnd);
    // Over a few minutes a heap's GC sawtooth looks like growth: growth is judged over 10 minutes after warm-up or more.
    const judged = started + runMs - warmUpEnd >= 10 * 60_000;
    if (!judged) console.log(`\n  a ${minutes}-minute run: the figures show the sampling works; too short to tell a leak from GC, so no verdict on growth`);
    console.log(`\n  ${'series'.padEnd(24)} ${'after warm-up'.padStart(14)} ${'at the end'.padStart(11)} ${'growth/hour'.padStart(11)} ${'threshold'.padStart(10)}`);
    let failed = false;
    series.forEach((s, i) => {
      const points = warm.map((w) => [(w.at - started) / 3_600_000, w.values[i]!] as [number, number]).filter(([, y]) => Number.isFinite(y));
      if (points.length < 3) {
        console.log(`  ${s.name.padEnd(24)} too few samples`);
        failed = true;
        return;
      }
      const perHour = growthPerHour(points, 'floor' in s && s.floor);
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
