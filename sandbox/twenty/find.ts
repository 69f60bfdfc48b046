import { badInput, recordNotFound } from './errors.js';
import { compileFilter, mentionsDeletedAt, type Filter, type Predicate } from './filter.js';
import { comparator, decodeCursor, encodeCursor, sortKeys, topK, type OrderBy } from './ordering.js';
import { uniqueKeys, type ObjectRecords, type Rec } from './record-store.js';

export interface FindManyArgs {
  filter?: Filter | null;
  orderBy?: OrderBy | null;
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  limit?: number | null;
}

function checkPagingArgs({ first, last, after, before }: FindManyArgs): void {
  const conflict = (a: string, b: string) => badInput(`Cannot provide both ${a} and ${b}`, 'ARGS_CONFLICT');
  if (first != null && last != null) throw conflict('first', 'last');
  if (before != null && after != null) throw conflict('before', 'after');
  if (before != null && first != null) throw conflict('before', 'first');
  if (after != null && last != null) throw conflict('after', 'last');
  if (first != null && first < 0) throw badInput('First argument must be non-negative', 'INVALID_ARGS_FIRST');
  if (last != null && last < 0) throw badInput('Last argument must be non-negative', 'INVALID_ARGS_LAST');
}

/** Uses the id map or a unique index when the filter pins the row; everything else is a scan of the Map. */
function candidates(records: ObjectRecords, filter: Filter | null | undefined): Iterable<Rec> {
  const id = filter?.id as { eq?: string; in?: string[] } | undefined;
  if (id?.eq) return [records.rows.get(id.eq)].filter((r): r is Rec => !!r);
  if (id?.in) return id.in.map((i) => records.rows.get(i)).filter((r): r is Rec => !!r);
  for (const key of uniqueKeys(records.meta)) {
    const [field, sub] = key.name.split('.') as [string, string?];
    const ops = (sub ? (filter?.[field] as Filter | undefined)?.[sub] : filter?.[field]) as { eq?: unknown } | undefined;
    if (typeof ops?.eq === 'string' && ops.eq !== '') return [records.findByKey(key, ops.eq)].filter((r): r is Rec => !!r);
  }
  return records.rows.values();
}

export function matching(records: ObjectRecords, filter: Filter | null | undefined, extra?: Predicate, withDeleted = false): Rec[] {
  const predicate = compileFilter(records.meta, filter);
  const showDeleted = withDeleted || mentionsDeletedAt(filter);
  const out: Rec[] = [];
  for (const r of candidates(records, filter)) {
    if ((showDeleted || r.deletedAt === null) && predicate(r) && (!extra || extra(r))) out.push(r);
  }
  return out;
}

export function findMany(records: ObjectRecords, args: FindManyArgs, maxRecords: number, extra?: Predicate) {
  checkPagingArgs(args);
  const keys = sortKeys(args.orderBy);
  const cmp = comparator(keys);
  const forward = args.last == null;
  const ordered = forward ? cmp : (a: Record<string, unknown>, b: Record<string, unknown>) => cmp(b, a);
  const matches = matching(records, args.filter, extra);
  const cursorText = forward ? args.after : args.before;
  const cursor = cursorText ? decodeCursor(cursorText) : null;
  const window = cursor ? matches.filter((r) => ordered(r, cursor) > 0) : matches;
  const size = forward ? (args.first ?? args.limit ?? maxRecords) : (args.last as number);
  const selected = topK(window, size + 1, ordered);
  const hasMore = selected.length > size;
  const page = selected.slice(0, size);
  if (!forward) page.reverse();
  const edges = page.map((node) => ({
    node,
    get cursor() {
      return encodeCursor(keys, node);
    },
  }));
  return {
    edges,
    totalCount: matches.length,
    pageInfo: {
      hasNextPage: forward && hasMore,
      hasPreviousPage: !forward && hasMore,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

export function findOne(records: ObjectRecords, filter: Filter | null | undefined): Rec {
  if (!filter || Object.keys(filter).length === 0) throw badInput('Missing filter argument', 'INVALID_QUERY_INPUT');
  const found = matching(records, filter);
  const cmp = comparator(sortKeys([]));
  const first = topK(found, 1, cmp)[0];
  if (!first) throw recordNotFound();
  return first;
}
