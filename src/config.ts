import { createHmac } from 'node:crypto';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');
const optionalUrl = z.url().optional();
const durationMs = z
  .string()
  .regex(/^\d+(ms|s|m|h)$/, 'a duration such as 30m, 90s or 2h')
  .transform((v) => {
    const n = Number.parseInt(v, 10);
    const unit = v.replace(/^\d+/, '');
    return n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h'];
  });

/** How long before rental_end the reminder goes out: `1d`, `36h`, or seconds for tests (`3s`). */
const leadMs = z
  .string()
  .regex(/^\d+(s|m|h|d)$/, 'a duration such as 1d, 36h or 30s')
  .transform((v) => Number.parseInt(v, 10) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[v.replace(/^\d+/, '') as 's' | 'm' | 'h' | 'd']);
/** Budapest hour of the reminder, or `none` to remind exactly RENTAL_REMINDER_LEAD before rental_end (tests, demos). */
const reminderHour = z
  .union([z.literal('none').transform(() => null), z.coerce.number().int().min(0).max(23)]);

/** Every setting (README "Configuration"), parsed once. Names are the environment variables. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z.url().optional(),
  TEMPORAL_ADDRESS: z.string().regex(/^[^:\s]+:\d+$/, 'host:port').optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('kgc-integration'),
  TEMPORAL_TLS: bool.default(false),
  TEMPORAL_TLS_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_CA_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  KGC_API_URL: optionalUrl,
  KGC_API_KEY: z.string().min(1).optional(),
  KGC_WEBHOOK_SECRET: z.string().min(16, 'at least 16 characters').optional(),
  CRM_MODULE_ENABLED: bool.default(true),
  TWENTY_API_URL: optionalUrl,
  TWENTY_API_KEY: z.string().min(1).optional(),
  TWENTY_REQUESTS_PER_MINUTE: z.coerce.number().positive().default(100),
  TWENTY_PACING_SHARE: z.coerce.number().gt(0).max(1).default(0.95),
  TWENTY_WORKER_PROCESSES: z.coerce.number().int().positive().default(1),
  TWENTY_WEBHOOK_SECRET: z.string().min(16, 'at least 16 characters').optional(),
  TWENTY_WON_STAGE: z.string().regex(/^[A-Z0-9]+(_[A-Z0-9]+)*$/, 'a stage value as Twenty stores it, e.g. CUSTOMER').default('CUSTOMER'),
  BULK_SYNC_CHATWOOT_REQUESTS_PER_MINUTE: z.coerce.number().positive().default(1500),
  BULK_SYNC_HISTORY_MONTHS: z.coerce.number().int().min(0).max(120).default(12),
  BULK_SYNC_SETUP_RETRY: durationMs.default(300_000),
  SUPPORT_MODULE_ENABLED: bool.default(true),
  CHATWOOT_API_URL: optionalUrl,
  CHATWOOT_ACCOUNT_ID: z.coerce.number().int().positive().optional(),
  CHATWOOT_API_KEY: z.string().min(1).optional(),
  CHATWOOT_INBOX_ID: z.coerce.number().int().positive().optional(),
  CHATWOOT_BOT_TOKEN: z.string().min(1).optional(),
  CHATWOOT_BOT_ID: z.coerce.number().int().positive().optional(),
  CHATWOOT_WEBHOOK_SECRET: z.string().min(1).optional(),
  KOKO_TEAMS: z
    .string()
    .transform((v, ctx) => {
      try {
        return z.record(z.string(), z.number().int()).parse(JSON.parse(v));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'a JSON object of intent → team id' });
        return z.NEVER;
      }
    })
    .optional(),
  KOKO_AUTO_REPLY_AT: z.coerce.number().min(0).max(1).default(0.8),
  KOKO_APPROVAL_AT: z.coerce.number().min(0).max(1).default(0.5),
  KOKO_APPROVAL_TIMEOUT: durationMs.default(30 * 60_000),
  GEMINI_API_URL: z.url().default('https://generativelanguage.googleapis.com'),
  GEMINI_API_KEY: z.string().min(1).optional(),
  GEMINI_MODEL: z.string().min(1).default('gemini-3.5-flash-lite'),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'smtp:// or smtps:// URL').optional(),
  MAIL_FROM: z.string().min(3).optional(),
  ADMIN_API_KEY: z.string().min(16, 'at least 16 characters').optional(),
  ERASURE_HASH_KEY: z.string().min(32, 'at least 32 characters').optional(),
  ERASURE_DRAIN: durationMs.default(120_000),
  UNLINKED_PERSONAL_DATA_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  KGC_DEDUP_RETENTION_HOURS: z.coerce.number().int().min(72, 'at least 72 hours').default(168),
  RENTAL_REMINDER_LEAD: leadMs.default(86_400_000),
  RENTAL_REMINDER_HOUR: reminderHour.default(10),
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),
  /** The Temporal Web UI the console links to (e.g. http://localhost:8233); no links without it. */
  TEMPORAL_UI_URL: optionalUrl,
  PUBLIC_BASE_URL: z.url().optional(),
  UNSUBSCRIBE_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  UNSUBSCRIBE_LINK_TTL: leadMs.default(60 * 86_400_000),
  MARKETING_EMAIL_MIN_INTERVAL: leadMs.default(7 * 86_400_000),
  MARKETING_CAP_WAIT_LIMIT: leadMs.default(30 * 86_400_000),
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(1).max(100_000).default(250),
  WIN_BACK_INACTIVE_AFTER: leadMs.default(183 * 86_400_000),
  NEW_PRODUCT_EMAILS_PER_MINUTE: z.coerce.number().positive().max(6000).default(60),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

type Env = z.infer<typeof envSchema>;

/** Settings without which `npm start` must not run; the CRM and support ones only while their module is on. */
const required: Array<{ name: keyof Env; when?: (e: Env) => boolean; why?: string }> = [
  { name: 'DATABASE_URL' },
  { name: 'TEMPORAL_ADDRESS' },
  { name: 'KGC_API_URL' },
  { name: 'KGC_API_KEY' },
  { name: 'KGC_WEBHOOK_SECRET' },
  { name: 'ADMIN_API_KEY' },
  { name: 'ERASURE_HASH_KEY' },
  { name: 'TWENTY_API_URL', when: (e) => e.CRM_MODULE_ENABLED },
  { name: 'TWENTY_API_KEY', when: (e) => e.CRM_MODULE_ENABLED },
  { name: 'CHATWOOT_API_URL', when: (e) => e.SUPPORT_MODULE_ENABLED },
  { name: 'CHATWOOT_ACCOUNT_ID', when: (e) => e.SUPPORT_MODULE_ENABLED },
  { name: 'CHATWOOT_API_KEY', when: (e) => e.SUPPORT_MODULE_ENABLED },
  {
    name: 'CHATWOOT_BOT_ID',
    when: (e) => e.SUPPORT_MODULE_ENABLED && e.CHATWOOT_WEBHOOK_SECRET !== undefined && e.CHATWOOT_BOT_TOKEN === undefined,
    why: ' while Koko posts with the user token (CHATWOOT_BOT_TOKEN unset): without it its messages count as an agent\'s',
  },
  { name: 'MAIL_FROM', when: (e) => e.SMTP_URL !== undefined, why: ' while SMTP_URL is set' },
  { name: 'TEMPORAL_TLS_KEY_PATH', when: (e) => e.TEMPORAL_TLS_CERT_PATH !== undefined, why: ' with TEMPORAL_TLS_CERT_PATH (mTLS needs the pair)' },
  { name: 'TEMPORAL_TLS_CERT_PATH', when: (e) => e.TEMPORAL_TLS_KEY_PATH !== undefined, why: ' with TEMPORAL_TLS_KEY_PATH (mTLS needs the pair)' },
];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function toConfig(e: Env) {
  return {
    port: e.PORT,
    databaseUrl: e.DATABASE_URL!,
    temporal: {
      address: e.TEMPORAL_ADDRESS!,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      // Any TLS setting, or an API key (Temporal Cloud), means TLS; TEMPORAL_TLS alone trusts the system's CAs.
      tls:
        e.TEMPORAL_TLS || e.TEMPORAL_TLS_CERT_PATH || e.TEMPORAL_TLS_CA_PATH || e.TEMPORAL_TLS_SERVER_NAME || e.TEMPORAL_API_KEY
          ? { certPath: e.TEMPORAL_TLS_CERT_PATH, keyPath: e.TEMPORAL_TLS_KEY_PATH, caPath: e.TEMPORAL_TLS_CA_PATH, serverName: e.TEMPORAL_TLS_SERVER_NAME }
          : undefined,
      apiKey: e.TEMPORAL_API_KEY,
    },
    kgc: { apiUrl: e.KGC_API_URL!, apiKey: e.KGC_API_KEY!, webhookSecret: e.KGC_WEBHOOK_SECRET! },
    modules: { crm: e.CRM_MODULE_ENABLED, support: e.SUPPORT_MODULE_ENABLED },
    twenty: {
      apiUrl: e.TWENTY_API_URL,
      apiKey: e.TWENTY_API_KEY,
      requestsPerMinute: e.TWENTY_REQUESTS_PER_MINUTE,
      pacingShare: e.TWENTY_PACING_SHARE,
      workerProcesses: e.TWENTY_WORKER_PROCESSES,
      webhookSecret: e.TWENTY_WEBHOOK_SECRET,
      wonStage: e.TWENTY_WON_STAGE,
    },
    chatwoot: {
      apiUrl: e.CHATWOOT_API_URL,
      accountId: e.CHATWOOT_ACCOUNT_ID,
      apiKey: e.CHATWOOT_API_KEY,
      inboxId: e.CHATWOOT_INBOX_ID,
      botToken: e.CHATWOOT_BOT_TOKEN,
      botId: e.CHATWOOT_BOT_ID,
      webhookSecret: e.CHATWOOT_WEBHOOK_SECRET,
    },
    koko: {
      teams: e.KOKO_TEAMS ?? {},
      autoReplyAt: e.KOKO_AUTO_REPLY_AT,
      approvalAt: e.KOKO_APPROVAL_AT,
      approvalTimeoutMs: e.KOKO_APPROVAL_TIMEOUT,
    },
    gemini: { apiUrl: e.GEMINI_API_URL, apiKey: e.GEMINI_API_KEY, model: e.GEMINI_MODEL },
    smtp: { url: e.SMTP_URL, from: e.MAIL_FROM },
    kgcDedupRetentionHours: e.KGC_DEDUP_RETENTION_HOURS,
    erasure: { hashKey: e.ERASURE_HASH_KEY!, drainMs: e.ERASURE_DRAIN, unlinkedRetentionDays: e.UNLINKED_PERSONAL_DATA_RETENTION_DAYS },
    bulkSync: { chatwootRequestsPerMinute: e.BULK_SYNC_CHATWOOT_REQUESTS_PER_MINUTE, historyMonths: e.BULK_SYNC_HISTORY_MONTHS, setupRetryMs: e.BULK_SYNC_SETUP_RETRY },
    rentalReminder: { leadMs: e.RENTAL_REMINDER_LEAD, hour: e.RENTAL_REMINDER_HOUR, timeZone: 'Europe/Budapest' },
    marketing: {
      publicBaseUrl: e.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
      // Derived when unset, so a deployment needs no new secret; naming it separately lets links be rotated alone.
      unsubscribeSecret: e.UNSUBSCRIBE_SECRET ?? (e.ERASURE_HASH_KEY && createHmac('sha256', e.ERASURE_HASH_KEY).update('kgc-unsubscribe-links').digest('hex')),
      unsubscribeLinkTtlMs: e.UNSUBSCRIBE_LINK_TTL,
      minIntervalMs: e.MARKETING_EMAIL_MIN_INTERVAL,
      capWaitLimitMs: e.MARKETING_CAP_WAIT_LIMIT,
      winBackInactiveMs: e.WIN_BACK_INACTIVE_AFTER,
      newProductEmailsPerMinute: e.NEW_PRODUCT_EMAILS_PER_MINUTE,
    },
    adminApiKey: e.ADMIN_API_KEY!,
    workflowBundlePath: e.WORKFLOW_BUNDLE_PATH,
    logLevel: e.LOG_LEVEL,
    console: { temporalUiUrl: e.TEMPORAL_UI_URL },
    workerMetricsPort: e.WORKER_METRICS_PORT,
    workerMaxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
  };
}

export type Config = ReturnType<typeof toConfig>;

/** Parses the environment; throws a ConfigError naming every missing or invalid setting. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const missing = required
    .filter((r) => (r.when ? r.when(parsed.data) : true) && parsed.data[r.name] === undefined)
    .map((r) => `${r.name}: required${r.why ?? (r.when ? ' while its module is enabled' : '')}`);
  if (missing.length > 0) throw new ConfigError(missing);
  return toConfig(parsed.data);
}
