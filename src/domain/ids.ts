import { v5 as uuidv5 } from 'uuid';

/** Fixed namespace of every Twenty record id we derive; changing it would orphan every synced record. */
const KGC_NAMESPACE = '6f1c0a52-5a7e-4c59-9a43-0d9c1b6e2f11';

export type TwentyRecordKind = 'person' | 'rentalRecord' | 'serviceRecord' | 'salesRecord' | 'note' | 'noteTarget';

/** Deterministic Twenty id of a KGC record (docs/twenty-data-model.md#ids): retries and reruns hit the same row. */
export function twentyRecordId(kind: TwentyRecordKind, kgcId: string): string {
  return uuidv5(`${kind}:${kgcId}`, KGC_NAMESPACE);
}
