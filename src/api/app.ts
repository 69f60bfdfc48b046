import express from 'express';
import type { KokoSettings } from '../contracts/koko.js';
import { adminRouter } from './admin.router.js';
import { bulkSyncRouter } from './bulk-sync.router.js';
import { deadLettersRouter } from './dead-letters.router.js';
import { chatwootWebhooksRouter } from './chatwoot-webhooks.router.js';
import { errorHandler } from './errors.js';
import { healthRouter, type ReadyTargets } from './health.router.js';
import type { IntakeDeps } from './kgc-intake.js';
import { kgcWebhooksRouter } from './kgc-webhooks.router.js';
import { kokoRouter } from './koko.router.js';
import type { MarketingSettings } from '../contracts/marketing-settings.js';
import { unsubscribeRouter } from './unsubscribe.router.js';
import { campaignsRouter } from './campaigns.router.js';

export interface AppDeps extends IntakeDeps {
  kgcWebhookSecret: string;
  adminApiKey: string;
  readyTargets: ReadyTargets;
  chatwootWebhookSecret?: string;
  koko?: KokoSettings;
  /** BULK_SYNC_HISTORY_MONTHS: the default history window of a bulk sync. */
  bulkSyncHistoryMonths?: number;
  /** BULK_SYNC_SETUP_RETRY: how long a bulk sync paused by a setup error waits before it tries again. */
  bulkSyncSetupRetryMs?: number;
  /** Unsubscribe links (UNSUBSCRIBE_SECRET or its derivation); without it every link is refused. */
  marketing?: MarketingSettings;
}

/** The intake API: one router per caller. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(healthRouter({ ...deps, targets: deps.readyTargets }));
  app.use(kgcWebhooksRouter({ ...deps, webhookSecret: deps.kgcWebhookSecret }));
  app.use(adminRouter(deps));
  app.use(bulkSyncRouter(deps));
  app.use(deadLettersRouter(deps));
  app.use(chatwootWebhooksRouter({ ...deps, webhookSecret: deps.chatwootWebhookSecret }));
  app.use(kokoRouter(deps));
  app.use(unsubscribeRouter(deps));
  app.use(campaignsRouter(deps));
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'No such endpoint', details: [] } });
  });
  app.use(errorHandler);
  return app;
}
