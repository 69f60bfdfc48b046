export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 100;

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export class PagingError extends Error {}

/** Keyset paging on the record key: a cursor stays valid while records are added or removed between pages. */
export function paginate<T>(items: T[], keyOf: (item: T) => string, limitParam: string | null, cursor: string | null): Page<T> {
  const limit = limitParam === null ? DEFAULT_PAGE_SIZE : Number(limitParam);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new PagingError(`limit must be an integer between 1 and ${MAX_PAGE_SIZE}`);
  }
  const after = cursor ? decodeCursor(cursor) : null;
  const sorted = [...items].sort((a, b) => compare(keyOf(a), keyOf(b)));
  const rest = after === null ? sorted : sorted.filter((i) => compare(keyOf(i), after) > 0);
  const data = rest.slice(0, limit);
  const last = data[data.length - 1];
  return { data, next_cursor: rest.length > limit && last ? encodeCursor(keyOf(last)) : null };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function encodeCursor(key: string): string {
  return Buffer.from(JSON.stringify({ after: key })).toString('base64url');
}

function decodeCursor(cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string') return parsed.after;
  } catch {
    // falls through to the error below
  }
  throw new PagingError('invalid cursor');
}
