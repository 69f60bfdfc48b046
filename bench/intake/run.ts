import { signKgcWebhook } from '../../sandbox/kgc/webhook.js';
import { kgcCustomerIdKey, kgcEventTypeKey } from '../../src/contracts/search-attributes.js';
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { numberArg, percentile, startBenchStack } from '../support/stack.js';

/**
 * Intake throughput and ack latency against raw `client.workflow.start` on the same dev server, in one run.
 * Both sides start one workflow per request (distinct customers). The API runs in its own process, as in production;
 * no worker runs, so only the hand-off is measured. Ack latency is measured paced at half the raw signal-with-start
 * rate of the same run (the goal's load), or at half of `--rate` when given, beside raw signal-with-start paced alike
 * (the floor: the dev server's own latency at that rate).
 * `BENCH_API_NODE_ARGS="--cpu-prof --cpu-prof-dir=<dir>"` profiles the API process; read it with
 * `npx tsx bench/support/profile-top.ts <dir>/<file>.cpuprofile`.
 *   npm run bench:intake [-- --requests 2000 --rounds 2 --concurrency 20 --seconds 10 --rate 200 --pin]
 */
const requests = numberArg('requests', 2000);
const concurrency = numberArg('concurrency', 20);
const fixedRate = numberArg('rate', NaN);
const seconds = numberArg('seconds', 10);
const rounds = numberArg('rounds', 2);
const pin = process.argv.includes('--pin');
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

/**
 * The load generator stands in for KGC, which runs elsewhere: it should cost this host as little as the raw side's
 * Temporal client does. node:http on kept-alive sockets spends about half the CPU of fetch per request.
 */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function post(url: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function postSigned(url: string, i: number, tag: string, tolerate = false): Promise<number> {
  const body = JSON.stringify({ event: 'customer.created', data: customer(i, tag), id: `evt-${tag}-${i}` });
  const started = performance.now();
  const status = await post(url, { 'Content-Type': 'application/json', ...signKgcWebhook(secret, body) }, body);
  if (status !== 202 && !tolerate) throw new Error(`intake answered ${status}`);
  return status === 202 ? performance.now() - started : -1;
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

type Role = 'api' | 'temporal' | 'postgres' | 'bench';

/** This bench's own process tree by role: the API process, the Temporal dev server, Postgres and this process. */
function processesByRole(apiPid: number): Record<Role, number[]> {
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
  const roles: Record<Role, number[]> = { api: [], temporal: [], postgres: [], bench: [process.pid] };
  for (const [pid, name] of nameOf) {
    if (pid === process.pid || !descends(pid, process.pid)) continue;
    if (descends(pid, apiPid)) roles.api.push(pid);
    else if (name.startsWith('postgres')) roles.postgres.push(pid);
    else if (name.startsWith('temporal')) roles.temporal.push(pid);
  }
  return roles;
}

/**
 * CPU seconds used so far by each role's processes (Postgres' backends included). On a shared 2-core host the
 * rates are bounded by the CPU all of them need per event, so this says what one event costs where.
 */
function cpuByRole(apiPid: number): Record<Role, number> {
  const sum = (pids: number[]) => pids.reduce((s, pid) => s + cpuSeconds(pid), 0);
  const roles = processesByRole(apiPid);
  return { api: sum(roles.api), temporal: sum(roles.temporal), postgres: sum(roles.postgres), bench: sum(roles.bench) };
}

/**
 * `--pin`: the Temporal server gets CPU 0 to itself and everything else shares CPU 1 (Linux `taskset`, every
 * thread; Postgres' later backends inherit it from the postmaster). That is production's shape in small: the
 * API replicas and Postgres do not run on the Temporal server's cores, so the intake's own work is not taken
 * from Temporal's. Both sides of the comparison run pinned alike.
 */
function pinRoles(apiPid: number): void {
  const roles = processesByRole(apiPid);
  for (const [role, pids] of Object.entries(roles)) {
    for (const pid of pids) execFileSync('taskset', ['-a', '-p', '-c', role === 'temporal' ? '0' : '1', String(pid)], { stdio: 'ignore' });
  }
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
  if (pin) pinRoles(api.pid!);
  try {
    await closedLoop(100, concurrency, (i) => postSigned(url, i, 'warm'));
    await closedLoop(100, concurrency, (i) =>
      client.workflow.start('partnerSync', { taskQueue: `bench-raw-${runTag}`, workflowId: `raw-warm-${runTag}-${i}`, args: [{ customerId: `W-${i}` }] }),
    );

    const sides = {
      start: (i: number, tag: string) =>
        client.workflow.start('partnerSync', { taskQueue: `bench-raw-${runTag}`, workflowId: `raw-${tag}-${runTag}-${i}`, args: [{ customerId: `R-${tag}-${i}` }] }),
      // The call intake makes: signal-with-start with both search attributes.
      signalWithStart: (i: number, tag: string) =>
        client.workflow.signalWithStart('partnerSync', {
          taskQueue: `bench-raw-${runTag}`,
          workflowId: `raw-sws-${tag}-${runTag}-${i}`,
          args: [{ customerId: `S-${tag}-${i}` }],
          signal: 'partnerChanged',
          signalArgs: [{ eventType: 'customer.created', eventId: `e-${tag}-${i}` }],
          typedSearchAttributes: [
            { key: kgcCustomerIdKey, value: `S-${tag}-${i}` },
            { key: kgcEventTypeKey, value: 'customer.created' },
          ],
        }),
      intake: (i: number, tag: string) => postSigned(url, i, tag),
    };
    type Side = keyof typeof sides;
    // Each side runs `rounds` times, in turns and in reversed order every other round: the dev server slows a little
    // as its database fills, and whatever runs last would pay for it.
    const totals = Object.fromEntries(Object.keys(sides).map((k) => [k, { seconds: 0, cpu: { api: 0, temporal: 0, postgres: 0, bench: 0 } }])) as Record<Side, { seconds: number; cpu: Record<Role, number> }>;
    for (let round = 0; round < rounds; round++) {
      const order = Object.keys(sides) as Side[];
      for (const side of round % 2 ? order.reverse() : order) {
        const m = await measured(api.pid!, requests, () => closedLoop(requests, concurrency, (i) => sides[side](i, `r${round}`)));
        totals[side].seconds += requests / m.perSecond;
        for (const role of Object.keys(m.msPerEvent) as Role[]) totals[side].cpu[role] += m.msPerEvent[role] / rounds;
      }
    }
    const perSecond = (side: Side) => (requests * rounds) / totals[side].seconds;

    /** Requests sent at a fixed rate for `seconds`, each timed from send to answer. */
    const paced = async (rate: number, one: (i: number) => Promise<number>) => {
      const latencies: number[] = [];
      let refused = 0;
      const started = performance.now();
      const inFlight: Promise<void>[] = [];
      for (let i = 0; i < rate * seconds; i++) {
        const wait = started + (i * 1000) / rate - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        inFlight.push(one(i).then((ms) => void (ms < 0 ? refused++ : latencies.push(ms))));
      }
      await Promise.all(inFlight);
      latencies.sort((a, b) => a - b);
      return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), refused };
    };
    const timed = async (call: () => Promise<unknown>) => {
      const started = performance.now();
      await call();
      return performance.now() - started;
    };
    const rate = Math.round((Number.isNaN(fixedRate) ? perSecond('signalWithStart') : fixedRate) / 2);
    const pacedRaw = await paced(rate, (i) => timed(() => sides.signalWithStart(i, `paced${rate}`)));
    const pacedIntake = await paced(rate, (i) => postSigned(url, i, `paced${rate}`, true));

    console.log(`\nbench/intake  (${rounds} × ${requests} requests per side, concurrency ${concurrency}; paced for ${seconds} s${pin ? '; Temporal pinned to CPU 0, the rest to CPU 1' : ''})`);
    console.log(`  raw client.workflow.start   ${perSecond('start').toFixed(0)} /s`);
    console.log(`  raw signalWithStart + SAs   ${perSecond('signalWithStart').toFixed(0)} /s   (the Temporal call intake makes)`);
    console.log(`  signed webhook intake       ${perSecond('intake').toFixed(0)} /s`);
    console.log(`  ${cpuLine(totals.signalWithStart.cpu)}   (signalWithStart)`);
    console.log(`  ${cpuLine(totals.intake.cpu)}   (intake)`);
    console.log(`  ratio intake / signalWithStart   ${(perSecond('intake') / perSecond('signalWithStart')).toFixed(2)}   (goal ≥ 0.80)`);
    console.log(`  ratio intake / workflow.start    ${(perSecond('intake') / perSecond('start')).toFixed(2)}`);
    console.log(`  at ${rate} req/s (half the raw rate): ack p50 ${pacedIntake.p50.toFixed(1)} ms, p99 ${pacedIntake.p99.toFixed(1)} ms, 503s ${pacedIntake.refused} (goal p99 ≤ 50 ms); raw signalWithStart p50 ${pacedRaw.p50.toFixed(1)} ms, p99 ${pacedRaw.p99.toFixed(1)} ms`);
  } finally {
    agent.destroy();
    api.kill('SIGTERM');
    await once(api, 'exit');
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
