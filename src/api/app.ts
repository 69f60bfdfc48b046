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
import { insightsRouter } from './console/insights.router.js';
import { kokoFeedRouter } from './console/koko-feed.router.js';
import { consoleSessionRouter, requireConsoleSession } from './console/session.router.js';
import { consoleStaticRouter } from './console/static.router.js';
import type { MarketingSettings } from '../contracts/marketing-settings.js';
import { unsubscribeRouter } from './unsubscribe.router.js';
import { twentyWebhooksRouter } from './twenty-webhooks.router.js';
import { campaignsRouter } from './campaigns.router.js';
import type { KgcClient } from '../clients/kgc-client.js';

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
  /** The console's links into the Temporal Web UI (TEMPORAL_UI_URL). */
  temporalUiUrl?: string;
  temporalNamespace?: string;
  /** Chatwoot's origin may frame the console's dashboard app (/console/chatwoot). */
  chatwootUrl?: string;
  /** Unsubscribe links (UNSUBSCRIBE_SECRET or its derivation); without it every link is refused. */
  marketing?: MarketingSettings;
  /** KGC's API, read by the admin campaign preview (the customer's name). */
  kgc?: Pick<KgcClient, 'getCustomer'>;
  /** TWENTY_WEBHOOK_SECRET and TWENTY_WON_STAGE: Twenty's webhooks (won deal → franchise tenant). */
  twentyWebhooks?: { secret?: string; wonStage: string };
}

/** The console's session check ran before these routers; they need no key of their own. */
const passSignedIn: express.RequestHandler = (_req, _res, next) => next();

/** The intake API: one router per caller. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Nothing caches these JSON answers; hashing every body for an ETag was pure cost on the intake's hot path.
  app.disable('etag');
  app.use(healthRouter({ ...deps, targets: deps.readyTargets }));
  app.use(kgcWebhooksRouter({ ...deps, webhookSecret: deps.kgcWebhookSecret }));
  app.use(adminRouter(deps));
  app.use(bulkSyncRouter(deps));
  app.use(deadLettersRouter(deps));
  app.use(chatwootWebhooksRouter({ ...deps, webhookSecret: deps.chatwootWebhookSecret }));
  app.use(kokoRouter(deps));
  app.use(kokoFeedRouter(deps), insightsRouter({ ...deps, namespace: deps.temporalNamespace }));
  // The console: its own sign-in, then the same operator routers as above, with the session instead of the key.
  app.use(consoleSessionRouter(deps));
  const signedIn = { ...deps, auth: passSignedIn };
  app.use(
    '/console/api',
    requireConsoleSession(deps.db),
    adminRouter(signedIn),
    bulkSyncRouter(signedIn),
    deadLettersRouter(signedIn),
    kokoRouter(signedIn),
    kokoFeedRouter(signedIn),
    insightsRouter({ ...signedIn, namespace: deps.temporalNamespace }),
    campaignsRouter(signedIn),
  );
  app.use(consoleStaticRouter({ chatwootUrl: deps.chatwootUrl }));
  app.use(unsubscribeRouter(deps));
  app.use(twentyWebhooksRouter({ ...deps, webhookSecret: deps.twentyWebhooks?.secret, wonStage: deps.twentyWebhooks?.wonStage ?? 'CUSTOMER' }));
  app.use(campaignsRouter(deps));
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'No such endpoint', details: [] } });
  });
  app.use(errorHandler);
  return app;
}
