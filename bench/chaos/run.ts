import { Client, Connection } from '@temporalio/client';
import postgres from 'postgres';
import type { KgcCustomer } from '../../sandbox/kgc/types.js';
import { numberArg, percentile } from '../support/stack.js';
import { KgcSender } from './kgc-sender.js';
import { startChaosStack, webhookSecret, type ChaosStack } from './stack.js';
import { generateDay } from './traffic.js';
import { checkTruth, type Truth } from './truth.js';

/**
 * A generated day of KGC traffic through the signed intake while processes die and systems fail, then the truth
 * from the stand-ins' state against the generated data.
 *   npm run chaos [-- --events 2000 --minutes 10 --seed 1 --drain-minutes 10]
 * The full day is `--events 10000` (about 50 minutes at the same rate: `--minutes 50`).
 *
 * Faults, at fixed shares of the sending time: the stand-ins (KGC, Twenty, Chatwoot) answer 20 % of requests with a
 * 503 and 5 % as rate-limited (Twenty's LIMIT_REACHED, a 429 elsewhere), 20 ms slower, throughout; the worker is
 * killed with SIGKILL at 10 %, 45 % and 85 %; Twenty is down for 2 minutes (a fifth of a shorter run) from 20 %; the
 * Temporal dev server is killed with SIGKILL at 55 % and restarted on its database file; Postgres restarts at 70 %.
 * KGC re-sends every delivery not answered with a 2xx, with back-off. Exit code 1 on any loss, duplicate, wrong
 * content, customer not erased or stuck workflow.
 */
const events = numberArg('events', 2000);
const minutes = numberArg('minutes', 10);
const seed = numberArg('seed', 1);
const drainMinutes = numberArg('drain-minutes', 10);
const runMs = minutes * 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const clock = (started: number) => `${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s`;

/** The disruptions of one run, each at a share of the sending time. */
function faultPlan(stack: ChaosStack, log: (line: string) => void) {
  const twentyDownMs = Math.min(120_000, runMs / 5);
  return [
    { at: 0.1, what: 'worker SIGKILL', run: () => stack.killWorker() },
    {
      at: 0.2,
      what: `Twenty down for ${(twentyDownMs / 1000).toFixed(0)} s`,
      run: async () => {
        stack.twenty.faults.set({ down: true });
        await sleep(twentyDownMs);
        stack.twenty.faults.set({ down: false });
        log('Twenty is back');
      },
    },
    { at: 0.45, what: 'worker SIGKILL', run: () => stack.killWorker() },
    {
      at: 0.55,
      what: 'Temporal dev server SIGKILL, restart on its database file',
      run: async () => {
        await stack.temporal.kill();
        await sleep(3000);
        await stack.temporal.start();
      },
    },
    { at: 0.7, what: 'Postgres restart', run: () => stack.postgres.restart(3000) },
    { at: 0.85, what: 'worker SIGKILL', run: () => stack.killWorker() },
  ];
}

const blocking = (t: Truth) => t.findings.filter((f) => f.kind !== 'duplicated');

async function main() {
  const day = generateDay({ events, seed });
  const stack = await startChaosStack();
  const started = Date.now();
  const log = (line: string) => console.log(`  ${clock(started)}  ${line}`);
  console.log(`bench/chaos  ${day.deliveries.length} deliveries (${day.customers.length} customers, ${day.deleted.size} deleted) over ${minutes} min, seed ${seed}; service logs in ${stack.logDir}`);
  const sender = new KgcSender(() => stack.apiUrl, webhookSecret, stack.kgc, day.deliveries);
  const standInFaults = { errorRatio: 0.2, rateLimitRatio: 0.05, latencyMs: 20 };
  for (const s of [stack.kgc, stack.twenty, stack.chatwoot]) s.faults.set(standInFaults);
  let lastFaultAt = started;
  try {
    // The disruptions run one after another beside the traffic.
    const faults = (async () => {
      for (const f of faultPlan(stack, log)) {
        await sleep(started + f.at * runMs - Date.now());
        log(f.what);
        await f.run();
        lastFaultAt = Date.now();
      }
    })();
    for (const d of day.deliveries) {
      await sleep(started + d.at * runMs - Date.now());
      sender.send(d);
    }
    log(`all ${day.deliveries.length} deliveries sent; ${sender.stats.inFlight} still being retried`);
    await faults;
    // KGC would retry for ever; the run gives its deliveries the drain time, then counts the rest as not accepted.
    const answered = await sender.idle(drainMinutes * 60_000);
    for (const s of [stack.kgc, stack.twenty, stack.chatwoot]) s.faults.clear();
    lastFaultAt = Date.now();
    if (!answered) {
      sender.stop();
      log(`${sender.stats.inFlight} deliveries still not accepted after ${drainMinutes} min of retries; given up`);
    } else log('every delivery answered for good; stand-in faults cleared (the last fault)');

    // Drain: check the truth until nothing is missing, wrong or stuck, or the drain time is up.
    const connection = await Connection.connect({ address: stack.temporal.address });
    const sql = postgres(stack.postgres.url, { max: 1, onnotice: () => {} });
    const customers = new Map<string, KgcCustomer>();
    // The ERP's final state: the last change of each customer in the order they happened.
    for (const d of [...day.deliveries].sort((a, b) => a.happened - b.happened)) if (d.erp && 'customer' in d.erp && !day.deleted.has(d.customerId)) customers.set(d.customerId, d.erp.customer);
    const sources = { day, customers, twenty: stack.twenty, chatwoot: stack.chatwoot, smtp: stack.smtp, sql, temporal: new Client({ connection }), admin: stack.admin };
    let truth = await checkTruth(sources);
    let drainedAt: number | undefined;
    for (const deadline = answered ? Date.now() + drainMinutes * 60_000 : 0; ; ) {
      if (blocking(truth).length === 0) {
        drainedAt = Date.now();
        break;
      }
      if (Date.now() > deadline) break;
      const kinds = new Map<string, number>();
      for (const f of blocking(truth)) kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
      log(`draining: ${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')} (e.g. ${blocking(truth)[0]!.what})`);
      await sleep(10_000);
      truth = await checkTruth(sources);
    }
    await sql.end();
    await connection.close();
    console.log(`\n  hand-off latency by event (the API's histogram; upper bucket bounds, s):\n${await handoffLatencies(stack.apiUrl)}`);
    printTable(day.deliveries.length, sender, truth, drainedAt ? (drainedAt - lastFaultAt) / 1000 : undefined, stack.unplannedExits);
    process.exitCode = truth.findings.length > 0 || sender.stats.inFlight > 0 || sender.stats.wronglyRejected.length > 0 || sender.stats.wronglyAccepted.length > 0 ? 1 : 0;
  } finally {
    await stack.stop();
  }
}

/** p50 and p99 of kgc_webhook_handoff_seconds per event, read as the bucket bound they fall under. */
async function handoffLatencies(apiUrl: string): Promise<string> {
  const text = await fetch(`${apiUrl}/metrics`).then((r) => r.text(), () => '');
  const buckets = new Map<string, Array<[number, number]>>();
  for (const m of text.matchAll(/^kgc_webhook_handoff_seconds_bucket\{le="([^"]+)",event="([^"]+)"\} (\d+)/gm)) {
    const [, le, event, n] = m;
    buckets.set(event!, [...(buckets.get(event!) ?? []), [le === '+Inf' ? Infinity : Number(le), Number(n)]]);
  }
  const at = (bs: Array<[number, number]>, p: number) => bs.find(([, n]) => n >= (bs.at(-1)![1] * p) / 100)![0];
  return [...buckets].map(([event, bs]) => `    ${event.padEnd(24)} n ${String(bs.at(-1)![1]).padStart(4)}  p50 ≤ ${at(bs, 50)}  p99 ≤ ${at(bs, 99)}`).join('\n') || '    (not available)';
}

function printTable(sent: number, sender: KgcSender, truth: Truth, drainSeconds: number | undefined, unplannedExits: string[]) {
  const s = sender.stats;
  const o = (k: string) => s.outcomes.get(k) ?? 0;
  const retried = [...s.outcomes].filter(([k]) => k.startsWith('retried')).map(([k, n]) => `${n} ${k.replace('retried after ', '')}`).join(', ');
  const count = (kind: string) => truth.findings.filter((f) => f.kind === kind).length;
  const lost = count('lost') + s.wronglyRejected.length;
  const ack = [...s.ackMs].sort((a, b) => a - b);
  const expected = Object.entries(truth.expected).map(([k, n]) => `${n} ${k}`).join(', ');
  const rows: Array<[string, string]> = [
    ['events sent', `${sent} deliveries (${s.attempts} requests; answers retried: ${retried || 'none'})`],
    ['accepted', `${o('accepted') + o('duplicate') + o('skipped')}  (${o('accepted')} accepted, ${o('duplicate')} duplicate, ${o('skipped')} skipped for an erased customer)${s.inFlight ? `; ${s.inFlight} NEVER ACCEPTED` : ''}`],
    ['refused as designed', `${s.outcomes.get('rejected 400') ?? 0} (data invalid on purpose)${s.wronglyAccepted.length ? `; ${s.wronglyAccepted.length} invalid ones ACCEPTED` : ''}`],
    ['ack latency', `p50 ${percentile(ack, 50)} ms, p99 ${percentile(ack, 99)} ms, max ${ack.at(-1)} ms (send → first 2xx, retries included)`],
    ['expected effects', expected],
    ['lost', String(lost)],
    ['duplicated effects', String(count('duplicated'))],
    ['wrong content', String(count('wrong'))],
    ['not erased', String(count('not erased'))],
    ['stuck workflows', String(count('stuck'))],
    ['open by design', [...truth.open].map(([k, n]) => `${n} ${k}`).join(', ') || 'none'],
    ['emails', `${truth.emails.delivered} delivered, ${truth.emails.distinctMessageIds} distinct Message-IDs, ${truth.emails.secondDeliveries.length} delivered twice`],
    ['time to drain', drainSeconds === undefined ? 'DID NOT DRAIN' : `${drainSeconds.toFixed(0)} s after the last fault`],
    ['processes', unplannedExits.length ? unplannedExits.join('; ') : 'no unplanned exit'],
  ];
  console.log('');
  for (const [k, v] of rows) console.log(`  ${k.padEnd(22)} ${v}`);
  const shown = [...truth.findings.map((f) => `${f.kind}: ${f.what}`), ...s.wronglyRejected.map((d) => `lost: ${d.event} ${d.id} refused`)];
  if (shown.length) console.log(`\n  findings (first 40 of ${shown.length}):\n${shown.slice(0, 40).map((l) => `    ${l}`).join('\n')}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
