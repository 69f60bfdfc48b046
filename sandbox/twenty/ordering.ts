import { badInput } from './errors.js';
import type { Rec } from './record-store.js';

export type Direction = 'AscNullsFirst' | 'AscNullsLast' | 'DescNullsFirst' | 'DescNullsLast';
export type OrderBy = Record<string, Direction | Record<string, Direction>>[];

interface SortKey {
  path: [string] | [string, string];
  direction: Direction;
}

export type Comparator = (a: Record<string, unknown>, b: Record<string, unknown>) => number;

const valueAt = (r: Record<string, unknown>, path: SortKey['path']): unknown => {
  const top = r[path[0]];
  if (path.length === 1) return top;
  return (top as Record<string, unknown> | null | undefined)?.[path[1]];
};

/** The server appends { id: AscNullsFirst } so that order, and therefore cursors, are stable. */
export function sortKeys(orderBy: OrderBy | null | undefined): SortKey[] {
  const keys: SortKey[] = [];
  for (const item of orderBy ?? []) {
    for (const [field, dir] of Object.entries(item)) {
      if (typeof dir === 'string') keys.push({ path: [field], direction: dir });
      else for (const [sub, d] of Object.entries(dir)) keys.push({ path: [field, sub], direction: d });
    }
  }
  if (!keys.some((k) => k.path.length === 1 && k.path[0] === 'id')) keys.push({ path: ['id'], direction: 'AscNullsFirst' });
  return keys;
}

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function comparator(keys: SortKey[]): Comparator {
  return (a, b) => {
    for (const { path, direction } of keys) {
      const x = valueAt(a, path);
      const y = valueAt(b, path);
      const xNull = x === null || x === undefined;
      const yNull = y === null || y === undefined;
      if (xNull || yNull) {
        if (xNull && yNull) continue;
        return (xNull ? -1 : 1) * (direction.endsWith('NullsFirst') ? 1 : -1);
      }
      const c = compareValues(x, y);
      if (c !== 0) return direction.startsWith('Asc') ? c : -c;
    }
    return 0;
  };
}

/** Cursor = base64 of the JSON of the record's orderBy values plus id (cursors.util.ts). */
export function encodeCursor(keys: SortKey[], r: Rec): string {
  const out: Record<string, unknown> = {};
  for (const { path } of keys) {
    if (path.length === 1) out[path[0]] = r[path[0]] ?? null;
    else out[path[0]] = { ...(out[path[0]] as object | undefined), [path[1]]: valueAt(r, path) ?? null };
  }
  return Buffer.from(JSON.stringify(out)).toString('base64');
}

export function decodeCursor(cursor: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8'));
    if (parsed && typeof parsed === 'object' && typeof (parsed as { id?: unknown }).id === 'string') return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw badInput(`Invalid cursor: ${cursor}`, 'INVALID_CURSOR');
}

/** The k smallest items in order, without sorting 100k rows to serve one page. */
export function topK<T extends Record<string, unknown>>(items: Iterable<T>, k: number, cmp: Comparator): T[] {
  const out: T[] = [];
  if (k <= 0) return out;
  for (const item of items) {
    const worst = out[out.length - 1];
    if (out.length === k && worst && cmp(item, worst) >= 0) continue;
    let lo = 0;
    let hi = out.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(out[mid] as T, item) <= 0) lo = mid + 1;
      else hi = mid;
    }
    out.splice(lo, 0, item);
    if (out.length > k) out.pop();
  }
  return out;
}
