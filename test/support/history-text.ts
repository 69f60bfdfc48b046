/**
 * A workflow history (or description) as searchable text. Payloads are bytes: `fetchHistory()` gives them as
 * base64 strings, a description's raw form as Node Buffers (which JSON.stringify writes as a list of numbers), so a
 * search for an address in either could never find one. Both are written here as the text they hold.
 */
export function historyText(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key];
    if (raw instanceof Uint8Array) return Buffer.from(raw).toString('utf8');
    if (key === 'data' && typeof raw === 'string' && 'metadata' in this) return Buffer.from(raw, 'base64').toString('utf8');
    return v;
  });
}
