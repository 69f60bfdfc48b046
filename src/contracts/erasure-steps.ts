/** The steps of a GDPR erasure, in the order they run and appear on the certificate. */
export const erasureSystems = ['twenty', 'chatwoot', 'koko', 'integration_db'] as const;
export type ErasureSystem = (typeof erasureSystems)[number];
export type ErasureStepStatus = 'erased' | 'nothing_found' | 'not_configured' | 'failed';

/** One erasure step's outcome, as the certificate (`erasures.systems`) records it. */
export interface ErasedSystem {
  system: ErasureSystem;
  status: ErasureStepStatus;
  /** What was erased, counted per kind of row or record. */
  erased: Record<string, number>;
  /** Why a step failed or could not run: an error type or status, never upstream text. */
  code?: string;
  at: string;
}
