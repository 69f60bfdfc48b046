import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ActivityDeps } from './activities/index.js';
import { recordConfiguredSystems } from './db/erasures.js';
import { createApp } from './api/app.js';
import { answerClientError } from './api/errors.js';
import { createMetrics } from './api/metrics.js';
import { unknownKokoTeams } from './api/koko-teams-check.js';
import { ChatwootClient } from './clients/chatwoot-client.js';
import { GeminiClient } from './clients/gemini-client.js';
import { KgcClient } from './clients/kgc-client.js';
import { SmtpClient } from './clients/smtp-client.js';
import { TwentyClient } from './clients/twenty-client.js';
import type { Config } from './config.js';
import { migrateDatabase, openDatabase } from './db/client.js';
import { logger } from './logger.js';
import { useErasureHashKey } from './domain/erasure.js';
import { ModuleFlags, seedModuleFlags } from './modules.js';
import { ensureSchedules, scheduleDefinitions } from './schedules.js';
import { temporalConnectionOptions } from './temporal-connection.js';
import { installTemporalRuntime } from './temporal-runtime.js';
import { checkTwentySetup, missingDataModel, provisionTwentyDataModel } from './clients/twenty-provision.js';
import { createWorkers, type WorkerSetup } from './worker.js';
import { serveWorkerMetrics } from './worker-metrics.js';

export type Role = 'api' | 'worker';

export interface RunningService {
  apiUrl?: string;
  workers: Worker[];
  /** Resolves when the workers stop (after close or a fatal error). */
  done: Promise<void>;
  close(): Promise<void>;
}

export function buildClients(config: Config) {
  const kgc = new KgcClient({ apiUrl: config.kgc.apiUrl, apiKey: config.kgc.apiKey });
  const twenty =
    config.twenty.apiUrl && config.twenty.apiKey
      ? new TwentyClient({ apiUrl: config.twenty.apiUrl, apiKey: config.twenty.apiKey, requestsPerMinute: config.twenty.requestsPerMinute })
      : undefined;
  const { apiUrl, accountId, apiKey } = config.chatwoot;
  const chatwoot = apiUrl && accountId && apiKey ? new ChatwootClient({ apiUrl, accountId, apiKey }) : undefined;
  const botToken = config.chatwoot.botToken;
  const chatwootBot =
    apiUrl && accountId && botToken
      ? { client: new ChatwootClient({ apiUrl, accountId, apiKey: botToken }) }
      : chatwoot && { client: chatwoot, asBotId: config.chatwoot.botId };
  const gemini = config.gemini.apiKey ? new GeminiClient({ apiUrl: config.gemini.apiUrl, apiKey: config.gemini.apiKey, model: config.gemini.model }) : undefined;
  const smtp = config.smtp.url ? new SmtpClient({ url: config.smtp.url, from: config.smtp.from! }) : undefined;
  return { kgc, twenty, chatwoot, chatwootBot, gemini, smtp };
}

/**
 * One process in one or both roles: migrations, module flags, the workers and the intake API.
 * `npm start`, `npm run worker|api`, `npm run dev` and the end-to-end tests all come through here.
 */
export async function startService(
  config: Config,
  opts: { roles?: Role[]; workflowBundle?: WorkerSetup['workflowBundle']; port?: number } = {},
): Promise<RunningService> {
  const roles = opts.roles ?? ['api', 'worker'];
  useErasureHashKey(config.erasure.hashKey);
  await migrateDatabase(config.databaseUrl);
  const database = openDatabase(config.databaseUrl);
  await seedModuleFlags(database.db, config.modules);
  const clients = buildClients(config);
  await ensureTwentyModel(clients.twenty, config.modules.crm);

  const closers: Array<() => Promise<void>> = [];
  let workers: Worker[] = [];
  let done: Promise<void> = Promise.resolve();
  if (roles.includes('worker')) {
    installTemporalRuntime();
    const connection = await NativeConnection.connect(temporalConnectionOptions(config.temporal));
    await recordConfiguredSystems(database.db, { twenty: clients.twenty !== undefined, chatwoot: clients.chatwoot !== undefined });
    const deps: ActivityDeps = {
      db: database.db,
      ...clients,
      chatwootInboxId: config.chatwoot.inboxId,
      rentalReminder: config.rentalReminder,
      erasureDrainMs: config.erasure.drainMs,
      marketing: config.marketing,
    };
    workers = await createWorkers({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      twenty: config.twenty,
      bulkSync: config.bulkSync,
      maxCachedWorkflows: config.workerMaxCachedWorkflows,
      deps,
      // A prebuilt bundle (`npm run build:workflows`) spares the worker webpack's time and memory at start-up.
      workflowBundle: opts.workflowBundle ?? (config.workflowBundlePath ? { codePath: config.workflowBundlePath } : undefined),
    });
    const scheduleConnection = await Connection.connect(temporalConnectionOptions(config.temporal));
    await ensureSchedules(new Client({ connection: scheduleConnection, namespace: config.temporal.namespace }), scheduleDefinitions(config));
    await scheduleConnection.close();
    done = Promise.all(workers.map((w) => w.run())).then(() => undefined);
    if (config.workerMetricsPort !== undefined) {
      const metrics = await serveWorkerMetrics(config.workerMetricsPort, workers);
      logger.info({ metrics: metrics.url }, 'worker metrics served');
      closers.push(metrics.close);
    }
    closers.push(async () => {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await done.catch(() => undefined);
      await connection.close();
    });
  }

  let apiUrl: string | undefined;
  if (roles.includes('api')) {
    const connection = await Connection.connect(temporalConnectionOptions(config.temporal));
    const temporal = new Client({ connection, namespace: config.temporal.namespace });
    const app = createApp({
      db: database.db,
      temporal,
      taskQueue: config.temporal.taskQueue,
      metrics: createMetrics(database.db),
      modules: new ModuleFlags(database.db),
      kgcWebhookSecret: config.kgc.webhookSecret,
      adminApiKey: config.adminApiKey,
      readyTargets: {
        twentyUrl: config.twenty.apiUrl,
        chatwootUrl: config.chatwoot.apiUrl,
        chatwootProblems: clients.chatwoot && (() => unknownKokoTeams(clients.chatwoot!, config.koko.teams)),
        geminiUrl: config.gemini.apiKey ? config.gemini.apiUrl : undefined,
        smtp: clients.smtp && (() => clients.smtp!.verify()),
        twentySetup: clients.twenty && (() => checkTwentySetup(clients.twenty!)),
      },
      chatwootWebhookSecret: config.chatwoot.webhookSecret,
      koko: config.koko,
      bulkSyncHistoryMonths: config.bulkSync.historyMonths,
      bulkSyncSetupRetryMs: config.bulkSync.setupRetryMs,
      temporalUiUrl: config.console.temporalUiUrl,
      temporalNamespace: config.temporal.namespace,
      chatwootUrl: config.chatwoot.apiUrl,
      marketing: config.marketing,
      kgc: clients.kgc,
      twentyWebhooks: { secret: config.twenty.webhookSecret, wonStage: config.twenty.wonStage },
    });
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(opts.port ?? config.port, () => resolve(s));
    });
    server.on('clientError', answerClientError);
    apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    closers.unshift(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await connection.close();
    });
  }

  return {
    apiUrl,
    workers,
    done,
    async close() {
      for (const close of closers) await close();
      clients.smtp?.close();
      await database.close();
    },
  };
}

/**
 * Provisions what the Twenty data model lacks, as `npm run twenty:provision` does (idempotent), when the key's role
 * may change the data model. Otherwise the service still starts: /ready answers 503 naming what is missing, and
 * syncs wait instead of failing records.
 */
async function ensureTwentyModel(twenty: TwentyClient | undefined, crmEnabled: boolean): Promise<void> {
  if (!twenty || !crmEnabled) return;
  let missing: string[] = [];
  try {
    missing = await missingDataModel(twenty);
    if (missing.length === 0) return;
    const { created } = await provisionTwentyDataModel(twenty);
    logger.info({ created }, 'Twenty data model provisioned at start-up');
  } catch (err) {
    logger.warn({ missing, err }, 'Twenty data model could not be checked or provisioned at start-up; /ready answers 503 until it is');
  }
}
