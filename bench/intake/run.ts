import { signKgcWebhook } from '../../sandbox/kgc/webhook.js';
import { kgcCustomerIdKey, kgcEventTypeKey } from '../../src/contracts/search-attributes.js';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { numberArg, percentile, startBenchStack } from '../support/stack.js';

/**
 * Intake throughput and ack latency against raw `client.workflow.start` on the same dev server, in one run.
 * Both sides start one workflow per request (distinct customers). The API runs in its own process, as in production;
 * no worker runs, so only the hand-off is measured. Ack latency is measured paced at half the raw signal-with-start
 * rate of the same run (the goal's load), or at half of `--rate` when given.
 * `BENCH_API_NODE_ARGS="--cpu-prof --cpu-prof-dir=<dir>"` profiles the API process; read it with
 * `npx tsx bench/support/profile-top.ts <dir>/<file>.cpuprofile`.
 *   npm run bench:intake [-- --requests 2000 --concurrency 20 --seconds 10 --rate 200]
 */
const requests = numberArg('requests', 2000);
const concurrency = numberArg('concurrency', 20);
const fixedRate = numberArg('rate', NaN);
const seconds = numberArg('seconds', 10);
const secret = 'bench-kgc-webhook-secret';
const runTag = Date.now().toString(36);

function customer(i: number, tag: string) {
  return {
    customer_id: `B-${tag}-${i}`,
    name: 'Teszt Elek',
    phone: '+36301234567',
    is_business: false,
    created_at: '2025-12-28',
  };
}

async function postSigned(url: string, i: number, tag: string, tolerate = false): Promise<number> {
  const body = JSON.stringify({ event: 'customer.created', data: customer(i, tag), id: `evt-${tag}-${i}` });
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...signKgcWebhook(secret, body) }, body });
  await res.arrayBuffer();
  if (res.status !== 202 && !tolerate) throw new Error(`intake answered ${res.status}`);
  return res.status === 202 ? performance.now() - started : -1;
}

async function closedLoop(n: number, workers: number, one: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < n) await one(next++);
    }),
  );
  return n / ((performance.now() - started) / 1000);
}

/**
 * CPU seconds (user + system) a process has used so far, from Linux's /proc: unlike wall time it holds still when
 * other work crowds the machine, so it compares runs on a shared host. NaN where /proc is missing.
 */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/**
 * CPU seconds used so far by this bench's own process tree, by role: the API process, the Temporal dev server,
 * Postgres (its backends included) and this process (the load generator). On a shared 2-core host the rates are
 * bounded by the CPU all of them need per event, so this says what one event costs where.
 */
function cpuByRole(apiPid: number): Record<'api' | 'temporal' | 'postgres' | 'bench', number> {
  const parentOf = new Map<number, number>();
  const nameOf = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.split(') ')[1]!.split(' ')[1]));
      nameOf.set(Number(entry), stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
    } catch {
      // exited while we looked
    }
  }
  const descends = (pid: number, from: number) => {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parentOf.get(p)) if (p === from) return true;
    return false;
  };
  const roles = { api: 0, temporal: 0, postgres: 0, bench: cpuSeconds(process.pid) };
  for (const [pid, name] of nameOf) {
    if (pid === process.pid || !descends(pid, process.pid)) continue;
    if (descends(pid, apiPid)) roles.api += cpuSeconds(pid);
    else if (name.startsWith('postgres')) roles.postgres += cpuSeconds(pid);
    else if (name.startsWith('temporal')) roles.temporal += cpuSeconds(pid);
  }
  return roles;
}

async function measured(apiPid: number, n: number, run: () => Promise<number>) {
  const before = cpuByRole(apiPid);
  const perSecond = await run();
  const after = cpuByRole(apiPid);
  const msPerEvent = Object.fromEntries(Object.entries(after).map(([role, s]) => [role, ((s - before[role as keyof typeof before]) * 1000) / n])) as typeof before;
  return { perSecond, msPerEvent };
}

const cpuLine = (c: Record<string, number>) =>
  `CPU ms/event: api ${c.api!.toFixed(1)}, temporal ${c.temporal!.toFixed(1)}, postgres ${c.postgres!.toFixed(1)}, bench ${c.bench!.toFixed(1)}, sum ${Object.values(c).reduce((a, b) => a + b, 0).toFixed(1)}`;

async function main() {
  const stack = await startBenchStack();
  const env = {
    DATABASE_URL: stack.databaseUrl,
    TEMPORAL_ADDRESS: stack.temporal.address,
    TEMPORAL_TASK_QUEUE: `bench-${runTag}`,
    KGC_API_URL: 'http://127.0.0.1:9',
    KGC_API_KEY: 'unused',
    KGC_WEBHOOK_SECRET: secret,
    ADMIN_API_KEY: 'bench-admin-key-0123456789',
    ERASURE_HASH_KEY: 'bench-erasure-hash-key-0123456789abcdef',
    CRM_MODULE_ENABLED: 'false',
    SUPPORT_MODULE_ENABLED: 'true',
    CHATWOOT_API_URL: 'http://127.0.0.1:9',
    CHATWOOT_ACCOUNT_ID: '1',
    CHATWOOT_API_KEY: 'unused',
    LOG_LEVEL: 'warn',
  };
  const api = spawn(process.execPath, [...(process.env.BENCH_API_NODE_ARGS?.split(' ') ?? []), '--import', 'tsx', fileURLToPath(new URL('./api-process.ts', import.meta.url))], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [firstLine] = (await once(api.stdout!, 'data')) as [Buffer];
  const url = `${firstLine.toString().trim()}/webhooks/kgc`;
  const client = stack.temporal.client;
  try {
    await closedLoop(100, concurrency, (i) => postSigned(url, i, 'warm'));
    await closedLoop(100, concurrency, (i) =>
      client.workflow.start('partnerSync', { taskQueue: `bench-raw-${runTag}`, workflowId: `raw-warm-${runTag}-${i}`, args: [{ customerId: `W-${i}` }] }),
    );

    const raw = await measured(api.pid!, requests, () =>
      closedLoop(requests, concurrency, (i) =>
        client.workflow.start('partnerSync', { taskQueue: `bench-raw-${runTag}`, workflowId: `raw-${runTag}-${i}`, args: [{ customerId: `R-${i}` }] }),
      ),
    );
    const rawPerSecond = raw.perSecond;
    // The call intake makes, for context: signal-with-start with both search attributes.
    const sws = await measured(api.pid!, requests, () =>
      closedLoop(requests, concurrency, (i) =>
      client.workflow.signalWithStart('partnerSync', {
        taskQueue: `bench-raw-${runTag}`,
        workflowId: `raw-sws-${runTag}-${i}`,
        args: [{ customerId: `S-${i}` }],
        signal: 'partnerChanged',
        signalArgs: [{ eventType: 'customer.created', eventId: `e-${i}` }],
        typedSearchAttributes: [
          { key: kgcCustomerIdKey, value: `S-${i}` },
          { key: kgcEventTypeKey, value: 'customer.created' },
        ],
      }),
      ),
    );
    const rawSignalWithStart = sws.perSecond;
    const intake = await measured(api.pid!, requests, () => closedLoop(requests, concurrency, (i) => postSigned(url, i, 'max')));
    const intakePerSecond = intake.perSecond;
    const apiCpuPerRequestMs = intake.msPerEvent.api;

    const paced = async (perSecond: number) => {
      const latencies: number[] = [];
      let refused = 0;
      const started = performance.now();
      const inFlight: Promise<void>[] = [];
      for (let i = 0; i < perSecond * seconds; i++) {
        const wait = started + (i * 1000) / perSecond - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        inFlight.push(postSigned(url, i, `paced${perSecond}`, true).then((ms) => void (ms < 0 ? refused++ : latencies.push(ms))));
      }
      await Promise.all(inFlight);
      latencies.sort((a, b) => a - b);
      return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), refused };
    };
    const rate = Number.isNaN(fixedRate) ? Math.round(rawSignalWithStart) : fixedRate;
    const pacedResults = [{ rate: Math.round(rate / 2), ...(await paced(Math.round(rate / 2))) }];

    console.log(`\nbench/intake  (${requests} requests, concurrency ${concurrency}; paced for ${seconds} s each)`);
    console.log(`  raw client.workflow.start   ${rawPerSecond.toFixed(0)} /s`);
    console.log(`  raw signalWithStart + SAs   ${rawSignalWithStart.toFixed(0)} /s   (the Temporal call intake makes)`);
    console.log(`  signed webhook intake       ${intakePerSecond.toFixed(0)} /s   (API process CPU ${apiCpuPerRequestMs.toFixed(2)} ms per event)`);
    console.log(`  ${cpuLine(sws.msPerEvent)}   (signalWithStart)`);
    console.log(`  ${cpuLine(intake.msPerEvent)}   (intake)`);
    console.log(`  ratio intake / signalWithStart   ${(intakePerSecond / rawSignalWithStart).toFixed(2)}   (goal ≥ 0.80)`);
    console.log(`  ratio intake / workflow.start    ${(intakePerSecond / rawPerSecond).toFixed(2)}`);
    for (const p of pacedResults) {
      console.log(`  ack latency at ${p.rate} req/s   p50 ${p.p50.toFixed(1)} ms   p99 ${p.p99.toFixed(1)} ms   503s ${p.refused}   (half the raw rate: goal p99 ≤ 50 ms)`);
    }
  } finally {
    api.kill('SIGTERM');
    await once(api, 'exit');
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
