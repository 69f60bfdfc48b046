import { v4 as uuidv4 } from 'uuid';
import { badInput, duplicateEntry, recordNotFound } from './errors.js';
import type { Filter } from './filter.js';
import { matching } from './find.js';
import type { MetadataModel, ObjectMeta } from './metadata-model.js';
import { uniqueKeys, type ObjectRecords, type Rec, type RecordStore } from './record-store.js';
import { transformInput } from './transforms.js';
import { applyInput, newRecord } from './values.js';

type Data = Record<string, unknown>;

/** A record change as Twenty's event emitter reports it to its webhook job (call-webhook-jobs.job.ts). */
export interface RecordEvent {
  meta: ObjectMeta;
  action: 'created' | 'updated' | 'deleted' | 'destroyed' | 'restored';
  /** The after-image, or the before-image for deleted and destroyed. */
  record: Rec;
  /** Updates only: the fields whose value changed (Twenty diffs before and after). */
  updatedFields?: string[];
}

export interface WriteContext {
  model: MetadataModel;
  store: RecordStore;
  maxBatch: number;
  createdBy: unknown;
  /** Told of every committed change, for the stand-in's outbound webhooks. */
  emit?: (event: RecordEvent) => void;
}

interface Plan {
  data: Data;
  existing?: Rec;
}

const clone = (r: Rec): Rec => structuredClone(r);

/** Every plan is checked before any row changes, so a failing batch leaves the store as it was (one transaction). */
export function createMany(ctx: WriteContext, meta: ObjectMeta, rows: Data[], upsert: boolean): Rec[] {
  if (rows.length > ctx.maxBatch) {
    throw badInput(`Maximum number of records to upsert is ${ctx.maxBatch}.`, 'TOO_MANY_RECORDS_TO_UPDATE');
  }
  const records = ctx.store.of(meta);
  const keys = uniqueKeys(meta);
  const plans: Plan[] = rows.map((input) => {
    const data = transformInput(meta, input);
    const byId = typeof data.id === 'string' ? records.rows.get(data.id) : undefined;
    const byKey = keys.map((k) => records.findByKey(k, k.get(data))).find(Boolean);
    if (!upsert) {
      const clash = byId ?? byKey;
      if (clash) throw duplicateEntry(meta.nameSingular, clash.id);
      return { data };
    }
    if (byId && byKey && byId.id !== byKey.id) {
      throw badInput(
        'Multiple records found with the same unique field values for id and emails. Cannot determine which record to update.',
        'UPSERT_MULTIPLE_MATCHING_RECORDS_CONFLICT',
      );
    }
    return { data, existing: byId ?? byKey };
  });
  rejectDuplicatesWithinBatch(meta, plans.filter((p) => !p.existing).map((p) => p.data));
  plans.forEach((p) => checkForeignKeys(ctx, meta, p.data));

  // Twenty answers the updated rows first, then the inserted ones (common-create-many-query-runner.service.ts).
  const updated = plans.flatMap(({ data, existing }) => (existing ? [write(ctx, records, existing, { ...data, id: existing.id, deletedAt: null })] : []));
  const inserted = plans.flatMap(({ data, existing }) => {
    if (existing) return [];
    const record = newRecord(meta, (data.id as string | undefined) ?? uuidv4(), records.rows.size + 1, ctx.createdBy);
    applyInput(meta, record, data);
    records.put(record);
    ctx.emit?.({ meta, action: 'created', record: clone(record) });
    return [record];
  });
  return [...updated, ...inserted];
}

function rejectDuplicatesWithinBatch(meta: ObjectMeta, inserts: Data[]): void {
  const seen = new Set<string>();
  for (const data of inserts) {
    const values = [`id:${String(data.id ?? uuidv4())}`, ...uniqueKeys(meta).map((k) => `${k.name}:${String(k.get(data) ?? '')}`)];
    for (const v of values) {
      if (v.endsWith(':')) continue;
      if (seen.has(v)) throw duplicateEntry(meta.nameSingular);
      seen.add(v);
    }
  }
}

/** Join columns have a Postgres foreign key; soft-deleted targets still satisfy it. */
function checkForeignKeys(ctx: WriteContext, meta: ObjectMeta, data: Data): void {
  for (const field of meta.fields) {
    if (field.relation?.type !== 'MANY_TO_ONE') continue;
    const value = data[`${field.name}Id`];
    const target = ctx.model.objectById(field.relation.targetObjectId);
    if (typeof value === 'string' && target && !ctx.store.of(target).rows.has(value)) {
      throw badInput(`Foreign key violation: ${target.nameSingular} ${value} does not exist`, 'INVALID_QUERY_INPUT');
    }
  }
}

const unchangedByUpdate = new Set(['updatedAt', 'createdAt', 'createdBy', 'position']);

function write(ctx: WriteContext, records: ObjectRecords, existing: Rec, data: Data, action: RecordEvent['action'] = 'updated'): Rec {
  const next = clone(existing);
  applyInput(records.meta, next, data);
  next.updatedAt = new Date().toISOString();
  records.put(next);
  const updatedFields = Object.keys(next).filter((k) => !unchangedByUpdate.has(k) && JSON.stringify(next[k]) !== JSON.stringify(existing[k]));
  ctx.emit?.({ meta: records.meta, action, record: clone(action === 'deleted' ? existing : next), ...(action === 'updated' ? { updatedFields } : {}) });
  return next;
}

function assertUniqueFree(records: ObjectRecords, id: string, data: Data): void {
  for (const key of uniqueKeys(records.meta)) {
    const clash = records.findByKey(key, key.get(data));
    if (clash && clash.id !== id) throw duplicateEntry(records.meta.nameSingular, clash.id);
  }
}

function liveRow(records: ObjectRecords, id: string): Rec {
  const row = records.rows.get(id);
  if (!row || row.deletedAt !== null) throw recordNotFound();
  return row;
}

export function updateOne(ctx: WriteContext, meta: ObjectMeta, id: string, input: Data): Rec {
  const data = transformInput(meta, input);
  const records = ctx.store.of(meta);
  const row = liveRow(records, id);
  assertUniqueFree(records, id, data);
  checkForeignKeys(ctx, meta, data);
  return write(ctx, records, row, data);
}

export function updateMany(ctx: WriteContext, meta: ObjectMeta, filter: Filter, input: Data): Rec[] {
  const data = transformInput(meta, input);
  const records = ctx.store.of(meta);
  const rows = matching(records, filter);
  if (rows.length > ctx.maxBatch) throw badInput(`Cannot update more than ${ctx.maxBatch} records at once`, 'TOO_MANY_RECORDS_TO_UPDATE');
  rows.forEach((r) => assertUniqueFree(records, r.id, data));
  checkForeignKeys(ctx, meta, data);
  return rows.map((r) => write(ctx, records, r, data));
}

export function softDelete(ctx: WriteContext, meta: ObjectMeta, rows: Rec[]): Rec[] {
  const records = ctx.store.of(meta);
  const at = new Date().toISOString();
  return rows.map((r) => write(ctx, records, r, { deletedAt: at }, 'deleted'));
}

export function deleteOne(ctx: WriteContext, meta: ObjectMeta, id: string): Rec {
  const [row] = softDelete(ctx, meta, [liveRow(ctx.store.of(meta), id)]);
  return row as Rec;
}

export function restore(ctx: WriteContext, meta: ObjectMeta, rows: Rec[]): Rec[] {
  const records = ctx.store.of(meta);
  return rows.map((r) => write(ctx, records, r, { deletedAt: null }, 'restored'));
}

export function rowIncludingDeleted(ctx: WriteContext, meta: ObjectMeta, id: string): Rec {
  const row = ctx.store.of(meta).rows.get(id);
  if (!row) throw recordNotFound();
  return row;
}

/** A real DELETE: rows pointing here follow their relation's onDelete (CASCADE or SET_NULL). */
export function destroy(ctx: WriteContext, meta: ObjectMeta, rows: Rec[]): Rec[] {
  for (const row of rows) {
    ctx.store.of(meta).remove(row);
    ctx.emit?.({ meta, action: 'destroyed', record: clone(row) });
    for (const object of ctx.model.objects) {
      for (const field of object.fields) {
        if (field.relation?.type !== 'MANY_TO_ONE' || field.relation.targetObjectId !== meta.id) continue;
        const records = ctx.store.of(object);
        const column = `${field.name}Id`;
        const dependants = [...records.rows.values()].filter((r) => r[column] === row.id);
        if (field.relation.onDelete === 'CASCADE') destroy(ctx, object, dependants);
        else dependants.forEach((d) => records.put({ ...d, [column]: null }));
      }
    }
  }
  return rows;
}
