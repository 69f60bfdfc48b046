import express, { Router } from 'express';
import { eq } from 'drizzle-orm';
import { chatwootDeliveries } from '../db/schema.js';
import { logger } from '../logger.js';
import type { KokoSettings } from '../contracts/koko.js';
import type { ModuleFlags } from '../modules.js';
import { interpretChatwootEvent, type ChatwootAction } from './chatwoot-events.js';
import { verifyChatwootSignature } from './chatwoot-signature.js';
import { ApiError } from './errors.js';
import { handCustomerMessage, signalConversationEvent, type KokoIntakeDeps } from './koko-intake.js';
import { handWorklogLabel } from './chat-worklog-intake.js';

/** Chatwoot opens the conversation itself when the bot takes longer than 5 s (docs/chatwoot-setup.md#the-bot-webhook). */
const handoffDeadlineMs = 4_000;

/** Postgres text cannot hold a NUL; names and reasons echo what Chatwoot sent. */
const storable = (text: string) => text.replaceAll('\u0000', '');

/** The event name as Chatwoot sent it, for the delivery row; anything else (a number, a deep array) is not a name. */
function chatwootEventName(body: unknown): string {
  const event = (body as { event?: unknown } | null)?.event;
  return typeof event === 'string' ? storable(event).slice(0, 60) : '';
}

type Answer = { status: 'accepted' | 'ignored'; reason?: string };

/**
 * `POST /webhooks/chatwoot`, Koko's agent-bot webhook: verify, de-duplicate on X-Chatwoot-Delivery, hand off to
 * Temporal, answer. A failed hand-off answers 500, the one status (with 429) Chatwoot's bot job retries.
 */
export function chatwootWebhooksRouter(deps: Omit<KokoIntakeDeps, 'koko'> & { koko?: KokoSettings; webhookSecret?: string; modules: ModuleFlags }): Router {
  const router = Router();
  router.post('/webhooks/chatwoot', express.raw({ type: () => true, limit: 1024 * 1024 }), async (req, res) => {
    const koko = deps.koko;
    if (!deps.webhookSecret || !koko) throw new ApiError(503, 'not_configured', 'CHATWOOT_WEBHOOK_SECRET is not set');
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const check = verifyChatwootSignature({ secret: deps.webhookSecret, rawBody, timestamp: req.get('x-chatwoot-timestamp'), signature: req.get('x-chatwoot-signature') });
    if (!check.ok) throw new ApiError(401, 'invalid_signature', 'Webhook signature rejected', [{ path: `headers.${check.header}`, message: check.reason }]);

    const deliveryId = req.get('x-chatwoot-delivery')?.slice(0, 100);
    if (deliveryId) {
      const [seen] = await deps.db.select({ id: chatwootDeliveries.deliveryId }).from(chatwootDeliveries).where(eq(chatwootDeliveries.deliveryId, deliveryId));
      if (seen) return void res.json({ status: 'duplicate' });
    }
    let body: unknown;
    try {
      body = JSON.parse(rawBody.toString('utf8'));
    } catch (err) {
      throw new ApiError(400, 'invalid_json', 'Request body is not valid JSON', [{ path: '(body)', message: (err as Error).message }]);
    }
    const action = interpretChatwootEvent(body);
    const answer = await act({ ...deps, koko }, action);
    if (deliveryId) {
      await deps.db
        .insert(chatwootDeliveries)
        .values({ deliveryId, event: chatwootEventName(body), conversationId: action.conversationId, outcome: answer.status, reason: answer.reason && storable(answer.reason) })
        .onConflictDoNothing();
    }
    res.json({ status: answer.status });
  });

  async function act(intake: KokoIntakeDeps, action: ChatwootAction): Promise<Answer> {
    if (action.kind === 'ignore') return { status: 'ignored', reason: action.reason };
    if (!(await deps.modules.current()).support) return { status: 'ignored', reason: 'support module off' };
    try {
      return await deps.temporal.withDeadline(Date.now() + handoffDeadlineMs, async (): Promise<Answer> => {
        if (action.kind === 'customer_message') {
          await handCustomerMessage(intake, action);
          return { status: 'accepted' };
        }
        if (action.kind === 'worklog_label') {
          await handWorklogLabel(intake, action);
          return { status: 'accepted' };
        }
        return (await signalConversationEvent(intake, action)) ? { status: 'accepted' } : { status: 'ignored', reason: 'no_koko_run' };
      });
    } catch (err) {
      logger.warn({ conversationId: action.conversationId, kind: action.kind, err }, 'Chatwoot webhook could not be handed to Temporal');
      throw new ApiError(500, 'temporal_unavailable', 'The webhook could not be handed to Temporal; retry');
    }
  }

  return router;
}
