import express, { Router, type Request } from 'express';
import { eventFromPathSegment, isKgcEventType, kgcEnvelopeSchema, kgcEventSchemas, kgcEventTypes, type KgcEventType } from '../contracts/kgc-events.js';
import type { Db } from '../db/client.js';
import { recordAudit } from '../db/audit.js';
import { ApiError, zodDetails } from './errors.js';
import { intakeKgcEvent, type IntakeDeps } from './kgc-intake.js';
import { verifyKgcSignature } from './kgc-signature.js';

const maxBodyBytes = 1024 * 1024;

function requireJson(req: Request): void {
  if (!req.is('application/json')) {
    throw new ApiError(415, 'unsupported_media_type', 'Content-Type must be application/json', [
      { path: 'headers.content-type', message: `got ${req.get('content-type') ?? 'none'}` },
    ]);
  }
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new ApiError(400, 'invalid_json', 'Request body is not valid JSON', [{ path: '(body)', message: (err as Error).message }]);
  }
}

/** Envelope or, on the per-event paths, possibly the bare `data` object (docs/kgc-contract.md#endpoints). */
function readEvent(body: unknown, pathEvent: KgcEventType | undefined): { type: string; data: unknown; envelopeId?: string } {
  const looksLikeEnvelope = body !== null && typeof body === 'object' && 'event' in body && 'data' in body;
  if (pathEvent && !looksLikeEnvelope) return { type: pathEvent, data: body };
  const envelope = kgcEnvelopeSchema.safeParse(body);
  if (!envelope.success) throw new ApiError(400, 'invalid_envelope', 'Body is not a KGC event envelope', zodDetails(envelope.error));
  if (pathEvent && envelope.data.event !== pathEvent) {
    throw new ApiError(400, 'event_mismatch', `The path names ${pathEvent} but the body says ${envelope.data.event}`, [
      { path: 'event', message: `must be ${pathEvent} on this path` },
    ]);
  }
  return { type: envelope.data.event, data: envelope.data.data, envelopeId: envelope.data.id };
}

/** The name as received, cut to 100 characters; a NUL (Postgres text cannot hold it) shows as U+FFFD. */
function printableName(name: string): string {
  return name.slice(0, 100).replaceAll('\u0000', '\ufffd');
}

async function recordUnknownEvent(db: Db, name: string): Promise<void> {
  await recordAudit(db, { system: 'intake', action: 'unknown_event', status: 'rejected', eventType: printableName(name) });
}

/** KGC ERP's signed webhooks: `POST /webhooks/kgc` and the per-event aliases `POST /webhook/kgc/{event}`. */
export function kgcWebhooksRouter(deps: IntakeDeps & { webhookSecret: string }): Router {
  const router = Router();
  const rawJson = express.raw({ type: () => true, limit: maxBodyBytes });

  const handle = (pathEvent: (req: Request) => KgcEventType | undefined | 'unknown') =>
    async (req: Request, res: express.Response) => {
      const signature = verifyKgcSignature({
        secret: deps.webhookSecret,
        rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        timestamp: req.get('x-kgc-timestamp'),
        signature: req.get('x-kgc-signature'),
      });
      if (!signature.ok) {
        deps.metrics.webhooks.inc({ event: 'unknown', outcome: 'unauthorized' });
        throw new ApiError(401, 'invalid_signature', 'Webhook signature rejected', [{ path: `headers.${signature.header}`, message: signature.reason }]);
      }
      const fromPath = pathEvent(req);
      if (fromPath === 'unknown') {
        await recordUnknownEvent(deps.db, String(req.params.event));
        throw new ApiError(422, 'unknown_event', `Unknown KGC event path ${printableName(String(req.params.event))}`, [{ path: 'path', message: 'not a known event' }]);
      }
      const raw = readEvent(parseJson(req.body as Buffer), fromPath);
      if (!isKgcEventType(raw.type)) {
        await recordUnknownEvent(deps.db, raw.type);
        deps.metrics.webhooks.inc({ event: 'unknown', outcome: 'unknown_event' });
        throw new ApiError(422, 'unknown_event', `Unknown KGC event ${printableName(raw.type)}`, [{ path: 'event', message: `not one of the ${kgcEventTypes.length} KGC events` }]);
      }
      const data = kgcEventSchemas[raw.type].safeParse(raw.data);
      if (!data.success) {
        deps.metrics.webhooks.inc({ event: raw.type, outcome: 'invalid' });
        throw new ApiError(400, 'invalid_event', `Invalid ${raw.type} payload`, zodDetails(data.error, 'data'));
      }
      const answer = await intakeKgcEvent(deps, { type: raw.type, data: data.data, envelopeId: raw.envelopeId });
      deps.metrics.webhooks.inc({ event: raw.type, outcome: answer.body.status });
      res.status(answer.status).json(answer.body);
    };

  const contentTypeFirst = (req: Request, _res: express.Response, next: express.NextFunction) => {
    requireJson(req);
    next();
  };

  router.post('/webhooks/kgc', contentTypeFirst, rawJson, handle(() => undefined));
  router.post('/webhook/kgc/:event', contentTypeFirst, rawJson, handle((req) => eventFromPathSegment(String(req.params.event)) ?? 'unknown'));
  return router;
}
