import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChatwootStandIn, startKgcStandIn, startSmtpStandIn, startTwentyStandIn } from '../../sandbox/index.js';
import { TwentyClient } from '../../src/clients/twenty-client.js';
import { provisionTwentyDataModel } from '../../src/clients/twenty-provision.js';
import { PostgresServer, ServiceProcess, TemporalServer } from './processes.js';

export const webhookSecret = 'chaos-kgc-webhook-secret';
export const adminApiKey = 'chaos-admin-key-0123456789';

/**
 * Everything a chaos or soak run needs, each part killable on its own: Postgres and the Temporal dev server on
 * files that outlive their processes, the stand-ins in this process (their state is the truth the run checks), and
 * the compiled worker and API as separate processes. A role that exits without being told to is logged and started
 * again, as a supervisor would; `unplannedExits` counts them (a finding in itself).
 */
export async function startChaosStack(opts: { env?: Record<string, string> } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'kgc-chaos-'));
  // A directory of its own: initdb may run as another user, who gets no access below a private temp dir.
  const pgDir = await mkdtemp(join(tmpdir(), 'kgc-chaos-pg-'));
  const postgres = new PostgresServer(pgDir);
  const temporal = new TemporalServer(join(dir, 'temporal.sqlite'));
  await Promise.all([postgres.create(), temporal.start()]);
  try {
    return await startOnTop(dir, pgDir, postgres, temporal, opts);
  } catch (err) {
    await temporal.stop();
    await postgres.stop();
    throw err;
  }
}

async function startOnTop(dir: string, pgDir: string, postgres: PostgresServer, temporal: TemporalServer, opts: { env?: Record<string, string> }) {
  const [kgc, twenty, chatwoot, smtp] = await Promise.all([
    startKgcStandIn(),
    // Twenty's own throttle is off: the run injects LIMIT_REACHED at its own rate instead.
    startTwentyStandIn({ rateLimit: false }),
    startChatwootStandIn(),
    startSmtpStandIn(),
  ]);
  await provisionTwentyDataModel(new TwentyClient({ apiUrl: twenty.url, apiKey: twenty.apiKey, requestsPerMinute: 6000 }));
  const apiPort = 20000 + Math.floor(Math.random() * 20000);
  const env: Record<string, string> = {
    DATABASE_URL: postgres.url,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: 'kgc-chaos',
    KGC_API_URL: kgc.url,
    KGC_API_KEY: kgc.apiKey,
    KGC_WEBHOOK_SECRET: webhookSecret,
    ADMIN_API_KEY: adminApiKey,
    ERASURE_HASH_KEY: 'chaos-erasure-hash-key-0123456789abcdef',
    // The erasure's second pass waits this long for writes in flight; short, so that a run drains in minutes.
    ERASURE_DRAIN: '5s',
    TWENTY_API_URL: twenty.url,
    TWENTY_API_KEY: twenty.apiKey,
    TWENTY_REQUESTS_PER_MINUTE: '1200',
    CHATWOOT_API_URL: chatwoot.url,
    CHATWOOT_ACCOUNT_ID: String(chatwoot.accountId),
    CHATWOOT_API_KEY: chatwoot.userToken,
    CHATWOOT_INBOX_ID: String(chatwoot.inboxId),
    SMTP_URL: smtp.url,
    MAIL_FROM: 'KGC <noreply@kgc.example.hu>',
    // info: the start-up line says when a role is ready; the lines go to the log files, kept after the run.
    LOG_LEVEL: 'info',
    ...opts.env,
  };
  const logDir = await mkdtemp(join(tmpdir(), 'kgc-chaos-logs-'));
  const worker = new ServiceProcess('worker', env, join(logDir, 'worker.log'));
  const api = new ServiceProcess('api', { ...env, PORT: String(apiPort) }, join(logDir, 'api.log'));
  const unplannedExits: string[] = [];
  let stopping = false;
  const supervise = (role: ServiceProcess, name: string) => {
    const watch = () =>
      role.child!.once('exit', (code, signal) => {
        if (stopping || signal === 'SIGKILL') return;
        unplannedExits.push(`${name} exited by itself (${code ?? signal}) at ${new Date().toISOString()}`);
        void role.start().then(watch, (err: Error) => unplannedExits.push(`${name} could not restart: ${err.message}`));
      });
    return watch;
  };
  await worker.start();
  await api.start();
  const watchWorker = supervise(worker, 'worker');
  const watchApi = supervise(api, 'api');
  watchWorker();
  watchApi();

  return {
    postgres,
    temporal,
    kgc,
    twenty,
    chatwoot,
    smtp,
    worker,
    api,
    apiUrl: api.apiUrl,
    unplannedExits,
    logDir,
    /** SIGKILL, a pause, and the worker started again. */
    async killWorker(downMs = 3000) {
      await worker.restart(downMs);
      watchWorker();
    },
    async admin(path: string) {
      const res = await fetch(`${api.apiUrl}${path}`, { headers: { Authorization: `Bearer ${adminApiKey}` } });
      return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
    },
    async stop() {
      stopping = true;
      await Promise.all([worker.stop(), api.stop()]);
      await Promise.all([kgc.close(), twenty.close(), chatwoot.close(), smtp.close()]);
      await temporal.stop();
      await postgres.stop();
      await Promise.all([rm(dir, { recursive: true, force: true }), rm(pgDir, { recursive: true, force: true })]);
    },
  };
}

export type ChaosStack = Awaited<ReturnType<typeof startChaosStack>>;
