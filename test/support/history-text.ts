/**
 * A workflow history (or description) as searchable text: payloads are bytes, which JSON.stringify would write as
 * numbered digits, so a search for an address in them could never find one.
 */
export const historyText = (value: unknown): string => JSON.stringify(value, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v));
