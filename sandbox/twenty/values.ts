import { COMPOSITES } from './composites.js';
import type { FieldMeta, ObjectMeta } from './metadata-model.js';
import type { Rec } from './record-store.js';

/** Default values are SQL literals in Twenty ("'GOLD'"); the stand-in stores the plain value. */
function defaultOf(field: FieldMeta): unknown {
  const composite = COMPOSITES[field.type];
  if (composite) return { ...composite.defaults };
  const v = field.defaultValue;
  if (typeof v === 'string' && /^'.*'$/.test(v)) return v.slice(1, -1);
  return v ?? null;
}

/** Writes input onto a row: composite updates are partial, text "" is stored as NULL (transform-text-field). */
export function applyInput(meta: ObjectMeta, target: Record<string, unknown>, data: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined) continue;
    const field = meta.fields.find((f) => f.name === key);
    if (field && COMPOSITES[field.type] && value !== null) {
      target[key] = { ...(target[key] as object | null | undefined), ...(value as object) };
    } else if (field?.type === 'TEXT' && value === '') {
      target[key] = null;
    } else {
      target[key] = value;
    }
  }
}

export function newRecord(meta: ObjectMeta, id: string, position: number, createdBy: unknown): Rec {
  const now = new Date().toISOString();
  const record: Rec = { id, deletedAt: null };
  for (const field of meta.fields) {
    if (field.type === 'RELATION') {
      if (field.relation?.type === 'MANY_TO_ONE') record[`${field.name}Id`] = null;
    } else if (field.name !== 'id' && field.name !== 'deletedAt') {
      record[field.name] = defaultOf(field);
    }
  }
  Object.assign(record, { createdAt: now, updatedAt: now, position, createdBy });
  return record;
}
