import type { Client } from '@temporalio/client';
import { createHash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { eventCustomerId, type KgcEventData, type KgcEventType } from '../contracts/kgc-events.js';
import type { Db } from '../db/client.js';
import { BatchedStatement } from '../db/batched-statement.js';
import { erasures, kgcEvents } from '../db/schema.js';
import { customerHash } from '../domain/erasure.js';
import { logger } from '../logger.js';
import type { ModuleFlags } from '../modules.js';
import { ApiError } from './errors.js';
import { eventRoutes, type EventRoute } from './event-routes.js';
import { AnswerTimeout, HandoffGate, within } from './handoff-gate.js';
import type { Metrics } from './metrics.js';
import type { HandoffEvent } from './start-or-signal/handoff.js';

export interface IntakeDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  metrics: Metrics;
  modules: ModuleFlags;
  /** How long a hand-off to Temporal may take before KGC is told to retry (503); the hand-off itself goes on. */
  handoffTimeoutMs?: number;
  /** Hand-offs in flight in this process past which a new event is answered 503 at once (default 32). */
  maxHandoffsInFlight?: number;
}

/** How long a hand-off may go on after its answer gave up: a re-send within this time joins it. */
const handoffWorkMs = 30_000;
const gates = new WeakMap<Client, HandoffGate>();

function gateOf(deps: IntakeDeps): HandoffGate {
  let gate = gates.get(deps.temporal);
  if (!gate) gates.set(deps.temporal, (gate = new HandoffGate(deps.maxHandoffsInFlight ?? 32)));
  return gate;
}

export interface VerifiedEvent<E extends KgcEventType> {
  type: E;
  data: KgcEventData<E>;
  envelopeId?: string;
}

export type IntakeAnswer =
  | { status: 202; body: { status: 'accepted'; eventId: string; workflowId: string } }
  | { status: 202; body: { status: 'skipped'; eventId: string; reason: string } }
  | { status: 200; body: { status: 'duplicate'; eventId: string; workflowId: string | null } };

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Same `id`, or without one the same event name and canonical data, is the same delivery (docs/kgc-contract.md#delivery-and-de-duplication). */
export function deliveryIdentity(type: string, data: unknown, envelopeId?: string): { deliveryKey: string; eventId: string } {
  if (envelopeId) return { deliveryKey: `id:${envelopeId}`, eventId: envelopeId };
  const hash = createHash('sha256').update(`${type}\n${canonicalJson(data)}`).digest('hex');
  return { deliveryKey: `sha256:${hash}`, eventId: `evt_${hash.slice(0, 26)}` };
}

/**
 * Turns a verified KGC event into durable work: de-duplicate, respect module switches, hand off to Temporal,
 * and only then record and acknowledge. If the hand-off fails nothing is kept and KGC gets a 503 to retry; if it is
 * only slow, KGC gets the 503 and its re-send joins the hand-off still under way (HandoffGate). The same event sent
 * under two ids may signal the partner's workflow twice; that costs one extra re-read of KGC, never a second
 * workflow (the workflow id is the business key).
 */
export async function intakeKgcEvent<E extends KgcEventType>(deps: IntakeDeps, event: VerifiedEvent<E>): Promise<IntakeAnswer> {
  const { db } = deps;
  const { deliveryKey, eventId } = deliveryIdentity(event.type, event.data, event.envelopeId);
  const route = eventRoutes[event.type];
  const customerId = eventCustomerId(event.data) ?? null;
  // The delete's own row must not name the customer: the cascade it starts erases every row that does.
  const row = { deliveryKey, eventId, eventType: event.type, customerId: event.type === 'customer.deleted' ? null : customerId };

  // One round trip for both questions asked of every event: seen before? customer erased?
  const [known] = await intakeStatements(db).known.execute({ deliveryKey, hash: customerId ? customerHash(customerId) : '' });
  if (known?.seen) return { status: 200, body: { status: 'duplicate', eventId, workflowId: known.workflowId } };

  if (known?.erased && event.type !== 'customer.deleted') {
    const reason = 'customer erased (GDPR)';
    await record(db, { ...row, customerId: null, status: 'skipped', reason });
    return { status: 202, body: { status: 'skipped', eventId, reason } };
  }

  const modules = await deps.modules.current();
  if (route.modules.length > 0 && !route.modules.some((m) => modules[m])) {
    const reason = `${route.modules.join(' and ')} module${route.modules.length > 1 ? 's are' : ' is'} off`;
    await record(db, { ...row, status: 'skipped', reason });
    return { status: 202, body: { status: 'skipped', eventId, reason } };
  }

  const handoff = () => handOffAndRecord(deps, route.handoff, { type: event.type, data: event.data, eventId }, { ...row, status: 'accepted' });
  const work = gateOf(deps).join(deliveryKey, handoff);
  if (!work) {
    logger.warn({ eventId, eventType: event.type, limit: gateOf(deps).limit }, 'too many hand-offs to Temporal in flight; KGC will retry');
    throw new ApiError(503, 'temporal_unavailable', 'Too many events are being handed to Temporal; retry later', [], { 'Retry-After': '5' });
  }
  try {
    const workflowId = await within(work, deps.handoffTimeoutMs ?? 5_000);
    return { status: 202, body: { status: 'accepted', eventId, workflowId } };
  } catch (err) {
    if (err instanceof AnswerTimeout) {
      logger.warn({ eventId, eventType: event.type }, 'hand-off to Temporal still under way; KGC will retry and join it');
      throw new ApiError(503, 'temporal_unavailable', 'The event could not be handed to Temporal in time; retry later', [], { 'Retry-After': '5' });
    }
    throw err;
  }
}

/** The hand-off, then the record that makes a re-send a duplicate; resolves to the workflow id once both are durable. */
async function handOffAndRecord<E extends KgcEventType>(deps: IntakeDeps, handoff: EventRoute<E>['handoff'], event: HandoffEvent<E>, row: IntakeRow): Promise<string> {
  const started = process.hrtime.bigint();
  let workflowId: string;
  try {
    ({ workflowId } = await deps.temporal.withDeadline(Date.now() + Math.max(handoffWorkMs, deps.handoffTimeoutMs ?? 0), () => handoff(deps.temporal, deps.taskQueue, event, deps.db)));
  } catch (err) {
    logger.warn({ eventId: event.eventId, eventType: event.type, customerId: row.customerId, err }, 'hand-off to Temporal failed; KGC will retry');
    throw new ApiError(503, 'temporal_unavailable', 'The event could not be handed to Temporal; retry later', [], { 'Retry-After': '5' });
  }
  deps.metrics.handoffSeconds.observe({ event: event.type }, Number(process.hrtime.bigint() - started) / 1e9);
  await record(deps.db, { ...row, workflowId });
  return workflowId;
}

async function record(db: Db, row: IntakeRow): Promise<void> {
  try {
    await intakeStatements(db).record.submit(row);
  } catch (err) {
    logger.error({ eventId: row.eventId, err }, 'could not record a KGC delivery');
    throw new ApiError(503, 'database_unavailable', 'The event could not be recorded; retry later', [], { 'Retry-After': '5' });
  }
}

type IntakeRow = Pick<typeof kgcEvents.$inferInsert, 'deliveryKey' | 'eventId' | 'eventType' | 'customerId' | 'workflowId' | 'status' | 'reason'>;

/**
 * The two statements every event runs. The lookup is prepared once per database: building drizzle's SQL anew for
 * each request was a large cost (bench/intake under `--cpu-prof`). The record is shared by the events whose
 * hand-offs end together (BatchedStatement), one round trip for many: Postgres socket writes were the largest
 * frame of that profile. The lookup stays one per event: it runs before the hand-off, and batched there too, a
 * burst of 30 updates for one customer reached its workflow spread out enough to send 11-13 signals instead of at
 * most 10 (test/e2e/kgc-intake.test.ts, under load).
 */
const statementsOf = new WeakMap<Db, ReturnType<typeof intakeStatementsFor>>();

function intakeStatements(db: Db) {
  let statements = statementsOf.get(db);
  if (!statements) statementsOf.set(db, (statements = intakeStatementsFor(db)));
  return statements;
}

const column = <T>(rows: T[], pick: (row: T) => string | null | undefined) => sql.param(rows.map((r) => pick(r) ?? null));

function intakeStatementsFor(db: Db) {
  return {
    known: db
      .select({
        seen: sql<boolean>`${kgcEvents.id} is not null`,
        workflowId: kgcEvents.workflowId,
        erased: sql<boolean>`exists(select 1 from ${erasures} where ${erasures.customerHash} = ${sql.placeholder('hash')})`,
      })
      .from(sql`(select 1) as probe`)
      .leftJoin(kgcEvents, eq(kgcEvents.deliveryKey, sql.placeholder('deliveryKey')))
      .prepare('intake_known_delivery'),
    record: new BatchedStatement<IntakeRow, void>(async (rows) => {
      await db.execute(sql`
        insert into ${kgcEvents} (delivery_key, event_id, event_type, customer_id, workflow_id, status, reason, handed_off_at)
        select given.*, now() from unnest(
          ${column(rows, (r) => r.deliveryKey)}::text[], ${column(rows, (r) => r.eventId)}::text[], ${column(rows, (r) => r.eventType)}::text[],
          ${column(rows, (r) => r.customerId)}::text[], ${column(rows, (r) => r.workflowId)}::text[], ${column(rows, (r) => r.status)}::text[],
          ${column(rows, (r) => r.reason)}::text[]
        ) as given
        on conflict (delivery_key) do nothing`);
      return rows.map(() => undefined);
    }),
  };
}
