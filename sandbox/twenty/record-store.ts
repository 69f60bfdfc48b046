import { COMPOSITES } from './composites.js';
import type { ObjectMeta } from './metadata-model.js';

export type Rec = Record<string, unknown> & { id: string; deletedAt: string | null };

export interface UniqueKey {
  name: string;
  get(r: Record<string, unknown>): unknown;
}

const isBlank = (v: unknown) => v === null || v === undefined || v === '';

/** Conflict keys besides id: unique fields, or for a composite only its isIncludedInUniqueConstraint sub-field. */
export function uniqueKeys(meta: ObjectMeta): UniqueKey[] {
  return meta.fields
    .filter((f) => f.isUnique)
    .map((f) => {
      const sub = COMPOSITES[f.type]?.uniqueSubField;
      return sub
        ? { name: `${f.name}.${sub}`, get: (r) => (r[f.name] as Record<string, unknown> | null | undefined)?.[sub] }
        : { name: f.name, get: (r) => r[f.name] };
    });
}

/** One object's rows (soft-deleted included) with a hash index per unique key, so upserts stay O(1) at 100k rows. */
export class ObjectRecords {
  readonly rows = new Map<string, Rec>();
  private readonly indexes = new Map<string, Map<unknown, string>>();

  constructor(readonly meta: ObjectMeta) {}

  findByKey(key: UniqueKey, value: unknown): Rec | undefined {
    if (isBlank(value)) return undefined;
    const id = this.index(key).get(value);
    return id === undefined ? undefined : this.rows.get(id);
  }

  put(record: Rec): void {
    const previous = this.rows.get(record.id);
    for (const key of uniqueKeys(this.meta)) {
      const index = this.index(key);
      const before = previous && key.get(previous);
      const after = key.get(record);
      if (!isBlank(before) && before !== after && index.get(before) === record.id) index.delete(before);
      if (!isBlank(after)) index.set(after, record.id);
    }
    this.rows.set(record.id, record);
  }

  remove(record: Rec): void {
    for (const key of uniqueKeys(this.meta)) {
      const value = key.get(record);
      const index = this.index(key);
      if (!isBlank(value) && index.get(value) === record.id) index.delete(value);
    }
    this.rows.delete(record.id);
  }

  private index(key: UniqueKey): Map<unknown, string> {
    let index = this.indexes.get(key.name);
    if (!index) {
      index = new Map();
      for (const r of this.rows.values()) {
        const v = key.get(r);
        if (!isBlank(v)) index.set(v, r.id);
      }
      this.indexes.set(key.name, index);
    }
    return index;
  }
}

export class RecordStore {
  private readonly byObject = new Map<string, ObjectRecords>();

  of(meta: ObjectMeta): ObjectRecords {
    let records = this.byObject.get(meta.id);
    if (!records) {
      records = new ObjectRecords(meta);
      this.byObject.set(meta.id, records);
    }
    return records;
  }
}
