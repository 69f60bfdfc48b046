import type { Client } from '@temporalio/client';
import express, { Router, type Request, type Response } from 'express';
import type { MarketingSettings } from '../contracts/marketing-settings.js';
import { kgcCustomerIdKey } from '../contracts/search-attributes.js';
import { workflowIds } from '../contracts/workflow-ids.js';
import { startOnceOptions } from '../contracts/workflow-starts.js';
import type { Db } from '../db/client.js';
import { isErased } from '../db/erasures.js';
import { recordOptOut } from '../db/marketing-consent.js';
import { verifyUnsubscribeToken } from '../domain/unsubscribe-token.js';
import { logger } from '../logger.js';
import type { marketingOptOut } from '../workflows/marketing-opt-out.js';
import { confirmPage, donePage, invalidLinkPage } from './unsubscribe-page.js';

const html = (res: Response, status: number, body: string) => res.status(status).type('html').set('Cache-Control', 'no-store').send(body);

/**
 * The unsubscribe link of every marketing email (RFC 8058). GET shows a Hungarian confirmation form; POST
 * unsubscribes, from that form or straight from the mail client's one-click (`List-Unsubscribe=One-Click`),
 * with the token in the query either way. The opt-out is stored before the answer; KGC and Twenty hear of it
 * from `marketing-opt-out/<customer_id>`. Forged, malformed: 400; expired: 410. Public: the token is the key.
 */
export function unsubscribeRouter(deps: { db: Db; temporal: Client; taskQueue: string; marketing?: MarketingSettings }): Router {
  const router = Router();
  const check = (req: Request) => {
    const token = typeof req.query.t === 'string' ? req.query.t : '';
    const secret = deps.marketing?.unsubscribeSecret;
    return { token, result: secret ? verifyUnsubscribeToken(secret, token) : ({ ok: false, reason: 'forged' } as const) };
  };

  router.get('/unsubscribe', (req, res) => {
    const { token, result } = check(req);
    if (!result.ok) return html(res, result.reason === 'expired' ? 410 : 400, invalidLinkPage(result.reason));
    html(res, 200, confirmPage(token));
  });

  router.post('/unsubscribe', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const { result } = check(req);
    if (!result.ok) return html(res, result.reason === 'expired' ? 410 : 400, invalidLinkPage(result.reason));
    const erased = await isErased(deps.db, result.customerId);
    // An erased customer's address is still remembered as opted out, by its hash alone.
    await recordOptOut(deps.db, { customerId: erased ? null : result.customerId, emailHash: result.emailHash, at: new Date() });
    if (!erased) {
      await deps.temporal.workflow.start<typeof marketingOptOut>('marketingOptOut', {
        workflowId: workflowIds.marketingOptOut(result.customerId),
        taskQueue: deps.taskQueue,
        args: [{ customerId: result.customerId }],
        // A finished earlier opt-out must not stop this one from being reported.
        workflowIdConflictPolicy: startOnceOptions.workflowIdConflictPolicy,
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        typedSearchAttributes: [{ key: kgcCustomerIdKey, value: result.customerId }],
      });
    }
    logger.info({ customerId: erased ? undefined : result.customerId }, 'marketing email unsubscribe recorded');
    html(res, 200, donePage());
  });

  return router;
}
