import type { Client } from '@temporalio/client';
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { eventCustomerId, type KgcEventType } from '../contracts/kgc-events.js';
import { kgcCustomerIdKey, kgcEventTypeKey } from '../contracts/search-attributes.js';
import type { Db } from '../db/client.js';
import { kgcEvents } from '../db/schema.js';
import { logger } from '../logger.js';
import { workflowIds } from '../mapping/ids.js';
import { readModuleStates } from '../modules.js';
import { partnerChanged, type PartnerChanged, type partnerSync } from '../workflows/partner-sync.js';
import { ApiError } from './errors.js';
import { eventRoutes } from './event-routes.js';
import type { Metrics } from './metrics.js';

export interface IntakeDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  metrics: Metrics;
  /** How long a hand-off to Temporal may take before KGC is told to retry (503). */
  handoffTimeoutMs?: number;
}

export interface VerifiedEvent {
  type: KgcEventType;
  data: Record<string, unknown>;
  envelopeId?: string;
}

export type IntakeAnswer =
  | { status: 202; body: { status: 'accepted'; eventId: string; workflowId: string } }
  | { status: 202; body: { status: 'recorded'; eventId: string } }
  | { status: 202; body: { status: 'skipped'; eventId: string; reason: string } }
  | { status: 200; body: { status: 'duplicate'; eventId: string; workflowId: string | null } };

/** A delivery abandoned mid-hand-off (process died) may be taken over after this long. */
const claimAfterMs = 30_000;

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Same `id`, or without one the same event name and canonical data, is the same delivery (kgc-erp.md §1). */
export function deliveryIdentity(type: string, data: unknown, envelopeId?: string): { deliveryKey: string; eventId: string } {
  if (envelopeId) return { deliveryKey: `id:${envelopeId}`, eventId: envelopeId };
  const hash = createHash('sha256').update(`${type}\n${canonicalJson(data)}`).digest('hex');
  return { deliveryKey: `sha256:${hash}`, eventId: `evt_${hash.slice(0, 26)}` };
}

/**
 * Turns a verified KGC event into durable work: de-duplicate, respect module switches, hand off to Temporal,
 * and only then acknowledge. If the hand-off fails nothing is kept and KGC gets a 503 to retry.
 */
export async function intakeKgcEvent(deps: IntakeDeps, event: VerifiedEvent): Promise<IntakeAnswer> {
  const { db } = deps;
  const { deliveryKey, eventId } = deliveryIdentity(event.type, event.data, event.envelopeId);
  const route = eventRoutes[event.type];
  const customerId = eventCustomerId(event.data) ?? null;

  const claimed = await claimDelivery(db, { deliveryKey, eventId, eventType: event.type, customerId });
  if (claimed.kind === 'duplicate') {
    return { status: 200, body: { status: 'duplicate', eventId, workflowId: claimed.workflowId } };
  }
  const rowId = claimed.id;

  const modules = await readModuleStates(db);
  if (route.modules.length > 0 && !route.modules.some((m) => modules[m])) {
    const reason = `${route.modules.join(' and ')} module${route.modules.length > 1 ? 's are' : ' is'} off`;
    await db.update(kgcEvents).set({ status: 'skipped', reason }).where(eq(kgcEvents.id, rowId));
    return { status: 202, body: { status: 'skipped', eventId, reason } };
  }

  if (route.handler === 'recorded' || !customerId) {
    await db.update(kgcEvents).set({ status: 'recorded', payload: event.data, handedOffAt: new Date() }).where(eq(kgcEvents.id, rowId));
    return { status: 202, body: { status: 'recorded', eventId } };
  }

  const workflowId = workflowIds.partnerSync(customerId);
  const started = process.hrtime.bigint();
  try {
    await deps.temporal.withDeadline(Date.now() + (deps.handoffTimeoutMs ?? 5_000), () =>
      deps.temporal.workflow.signalWithStart<typeof partnerSync, [PartnerChanged]>('partnerSync', {
        workflowId,
        taskQueue: deps.taskQueue,
        args: [{ customerId }],
        signal: partnerChanged,
        signalArgs: [{ eventType: event.type, eventId }],
        typedSearchAttributes: [
          { key: kgcCustomerIdKey, value: customerId },
          { key: kgcEventTypeKey, value: event.type },
        ],
      }),
    );
  } catch (err) {
    await db.delete(kgcEvents).where(eq(kgcEvents.id, rowId)).catch(() => undefined);
    logger.warn({ eventId, workflowId, err: (err as Error).message }, 'hand-off to Temporal failed; KGC will retry');
    throw new ApiError(503, 'temporal_unavailable', 'The event could not be handed to Temporal; retry later', [], { 'Retry-After': '5' });
  }
  deps.metrics.handoffSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
  await db.update(kgcEvents).set({ status: 'accepted', workflowId, handedOffAt: new Date() }).where(eq(kgcEvents.id, rowId));
  return { status: 202, body: { status: 'accepted', eventId, workflowId } };
}

type Claim = { kind: 'new'; id: number } | { kind: 'duplicate'; workflowId: string | null };

async function claimDelivery(db: Db, row: { deliveryKey: string; eventId: string; eventType: string; customerId: string | null }): Promise<Claim> {
  const [inserted] = await db
    .insert(kgcEvents)
    // Millisecond precision on purpose: the take-over below compares this value as JS read it back.
    .values({ ...row, status: 'received', receivedAt: new Date() })
    .onConflictDoNothing({ target: kgcEvents.deliveryKey })
    .returning({ id: kgcEvents.id });
  if (inserted) return { kind: 'new', id: inserted.id };

  const [existing] = await db.select().from(kgcEvents).where(eq(kgcEvents.deliveryKey, row.deliveryKey));
  if (!existing) return claimDelivery(db, row);
  if (existing.status !== 'received') return { kind: 'duplicate', workflowId: existing.workflowId };
  if (Date.now() - existing.receivedAt.getTime() > claimAfterMs) {
    const [taken] = await db
      .update(kgcEvents)
      .set({ receivedAt: new Date() })
      .where(and(eq(kgcEvents.id, existing.id), eq(kgcEvents.receivedAt, existing.receivedAt)))
      .returning({ id: kgcEvents.id });
    if (taken) return { kind: 'new', id: taken.id };
  }
  throw new ApiError(503, 'delivery_in_progress', 'The same delivery is being handed off right now; retry shortly', [], { 'Retry-After': '1' });
}
