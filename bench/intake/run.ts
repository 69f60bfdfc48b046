import { signKgcWebhook } from '../../sandbox/kgc/webhook.js';
import { loadConfig } from '../../src/config.js';
import { startService } from '../../src/service.js';
import { percentile, startBenchStack } from '../support/stack.js';

/**
 * Intake throughput and ack latency against raw `client.workflow.start` on the same dev server, in one run.
 * Both sides start one workflow per request (distinct customers). No worker runs, so only the hand-off is measured.
 *   npm run bench:intake [-- --requests 2000 --concurrency 20 --rate 200 --seconds 10]
 */
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const requests = arg('requests', 2000);
const concurrency = arg('concurrency', 20);
const rate = arg('rate', 200);
const seconds = arg('seconds', 10);
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

async function postSigned(url: string, i: number, tag: string): Promise<number> {
  const body = JSON.stringify({ event: 'customer.created', data: customer(i, tag), id: `evt-${tag}-${i}` });
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...signKgcWebhook(secret, body) }, body });
  await res.arrayBuffer();
  if (res.status !== 202) throw new Error(`intake answered ${res.status}`);
  return performance.now() - started;
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

async function main() {
  const stack = await startBenchStack();
  const config = loadConfig({
    DATABASE_URL: stack.databaseUrl,
    TEMPORAL_ADDRESS: stack.temporal.address,
    TEMPORAL_TASK_QUEUE: `bench-${runTag}`,
    KGC_API_URL: 'http://127.0.0.1:9',
    KGC_API_KEY: 'unused',
    KGC_WEBHOOK_SECRET: secret,
    ADMIN_API_KEY: 'bench-admin-key-0123456789',
    CRM_MODULE_ENABLED: 'false',
    SUPPORT_MODULE_ENABLED: 'true',
    CHATWOOT_API_URL: 'http://127.0.0.1:9',
    CHATWOOT_ACCOUNT_ID: '1',
    CHATWOOT_API_KEY: 'unused',
    LOG_LEVEL: 'warn',
  });
  const service = await startService(config, { roles: ['api'], port: 0 });
  const url = `${service.apiUrl}/webhooks/kgc`;
  const client = stack.temporal.client;
  try {
    await closedLoop(100, concurrency, (i) => postSigned(url, i, 'warm'));
    await closedLoop(100, concurrency, (i) =>
      client.workflow.start('partnerSync', { taskQueue: `bench-raw-${runTag}`, workflowId: `raw-warm-${runTag}-${i}`, args: [{ customerId: `W-${i}` }] }),
    );

    const rawPerSecond = await closedLoop(requests, concurrency, (i) =>
      client.workflow.start('partnerSync', { taskQueue: `bench-raw-${runTag}`, workflowId: `raw-${runTag}-${i}`, args: [{ customerId: `R-${i}` }] }),
    );
    const intakePerSecond = await closedLoop(requests, concurrency, (i) => postSigned(url, i, 'max'));

    const latencies: number[] = [];
    const total = rate * seconds;
    const started = performance.now();
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inFlight.push(postSigned(url, i, 'paced').then((ms) => void latencies.push(ms)));
    }
    await Promise.all(inFlight);
    latencies.sort((a, b) => a - b);

    const ratio = intakePerSecond / rawPerSecond;
    console.log(`\nbench/intake  (${requests} requests, concurrency ${concurrency}; paced ${rate} req/s for ${seconds} s)`);
    console.log(`  raw client.workflow.start   ${rawPerSecond.toFixed(0)} /s`);
    console.log(`  signed webhook intake       ${intakePerSecond.toFixed(0)} /s`);
    console.log(`  ratio intake / raw          ${ratio.toFixed(2)}   (goal ≥ 0.80)`);
    console.log(`  ack latency at ${rate} req/s   p50 ${percentile(latencies, 50).toFixed(1)} ms   p99 ${percentile(latencies, 99).toFixed(1)} ms   (goal p99 ≤ 50 ms)`);
  } finally {
    await service.close();
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
