import { COMPOSITES, type SubFieldKind } from './composites.js';
import { badInput } from './errors.js';
import type { FieldType, ObjectMeta } from './metadata-model.js';
import type { Rec } from './record-store.js';

export type Filter = Record<string, unknown>;
type Kind = 'text' | 'number' | 'boolean' | 'datetime' | 'date' | 'uuid' | 'enum' | 'json';
type Test = (v: unknown) => boolean;
export type Predicate = (r: Rec) => boolean;

const KIND_OF: Partial<Record<FieldType, Kind>> = {
  UUID: 'uuid',
  TEXT: 'text',
  NUMBER: 'number',
  POSITION: 'number',
  BOOLEAN: 'boolean',
  DATE: 'date',
  DATE_TIME: 'datetime',
  SELECT: 'enum',
};

const SUB_KIND: Record<SubFieldKind, Kind> = { text: 'text', json: 'json', bigfloat: 'number' };

/** "" and NULL are the same value for text (isNullEquivalentTextFieldValue). */
const isNull = (kind: Kind, v: unknown) => v === null || v === undefined || (kind === 'text' && v === '');

function compare(kind: Kind, a: unknown, b: unknown): number {
  if (kind === 'number') return Number(a) - Number(b);
  if (kind === 'datetime') return Date.parse(String(a)) - Date.parse(String(b));
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function likeToRegExp(pattern: string, flags: string): RegExp {
  const source = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(`^${source}$`, flags + 's');
}

function operator(kind: Kind, op: string, operand: unknown): Test {
  const equals = (v: unknown, o: unknown) => (isNull(kind, o) ? isNull(kind, v) : !isNull(kind, v) && compare(kind, v, o) === 0);
  switch (op) {
    case 'eq':
      return (v) => equals(v, operand);
    case 'neq':
      return (v) => !isNull(kind, v) && !equals(v, operand);
    case 'in':
    case 'containsAny': {
      if (!Array.isArray(operand) || operand.length === 0) throw badInput(`Invalid filter: "${op}" needs a non-empty list`, 'INVALID_QUERY_INPUT');
      return (v) => operand.some((o) => equals(v, o));
    }
    case 'is':
      return operand === 'NULL' ? (v) => isNull(kind, v) : (v) => !isNull(kind, v);
    case 'gt':
      return (v) => !isNull(kind, v) && compare(kind, v, operand) > 0;
    case 'gte':
      return (v) => !isNull(kind, v) && compare(kind, v, operand) >= 0;
    case 'lt':
      return (v) => !isNull(kind, v) && compare(kind, v, operand) < 0;
    case 'lte':
      return (v) => !isNull(kind, v) && compare(kind, v, operand) <= 0;
    case 'like':
    case 'ilike': {
      const re = likeToRegExp(String(operand), op === 'ilike' ? 'i' : '');
      return (v) => !isNull(kind, v) && re.test(kind === 'json' ? JSON.stringify(v) : String(v));
    }
    case 'startsWith':
      return (v) => typeof v === 'string' && v.startsWith(String(operand));
    case 'endsWith':
      return (v) => typeof v === 'string' && v.endsWith(String(operand));
    case 'isEmptyArray':
      return () => false;
    default:
      throw badInput(`Operator "${op}" is not supported`, 'UNSUPPORTED_OPERATOR');
  }
}

function leaf(kind: Kind, ops: unknown): Test {
  const tests = Object.entries((ops ?? {}) as Record<string, unknown>)
    .filter(([, operand]) => operand !== undefined)
    .map(([op, operand]) => operator(kind, op, operand));
  return (v) => tests.every((t) => t(v));
}

function fieldPredicate(meta: ObjectMeta, name: string, value: unknown): Predicate {
  const field = meta.fields.find((f) => f.name === name);
  const composite = field && COMPOSITES[field.type];
  if (composite) {
    const tests = Object.entries((value ?? {}) as Record<string, unknown>).map(([sub, ops]) => {
      const subKind = composite.subFields.find((s) => s.name === sub)?.kind ?? 'text';
      const test = leaf(SUB_KIND[subKind], ops);
      return (r: Rec) => test((r[name] as Record<string, unknown> | null | undefined)?.[sub]);
    });
    return (r) => tests.every((t) => t(r));
  }
  const kind = field ? (KIND_OF[field.type] ?? 'text') : 'uuid';
  const test = leaf(kind, value);
  return (r) => test(r[name]);
}

/** Compiles a filter once per request; several keys in one object are ANDed, `not` takes a single object. */
export function compileFilter(meta: ObjectMeta, filter: Filter | null | undefined): Predicate {
  const parts: Predicate[] = [];
  for (const [key, value] of Object.entries(filter ?? {})) {
    if (value === undefined) continue;
    if (key === 'and' || key === 'or') {
      const subs = (value as Filter[]).map((f) => compileFilter(meta, f));
      parts.push(key === 'and' ? (r) => subs.every((p) => p(r)) : (r) => subs.some((p) => p(r)));
    } else if (key === 'not') {
      const sub = compileFilter(meta, value as Filter);
      parts.push((r) => !sub(r));
    } else {
      parts.push(fieldPredicate(meta, key, value));
    }
  }
  return (r) => parts.every((p) => p(r));
}

/** Soft-deleted rows stay hidden unless the filter names deletedAt anywhere (applyDeletedAtToBuilder). */
export function mentionsDeletedAt(filter: unknown): boolean {
  if (Array.isArray(filter)) return filter.some(mentionsDeletedAt);
  if (!filter || typeof filter !== 'object') return false;
  return Object.entries(filter).some(([k, v]) => k === 'deletedAt' || mentionsDeletedAt(v));
}
