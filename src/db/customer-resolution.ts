import type { KgcClient } from '../clients/kgc-client.js';
import { recordAudit } from './audit.js';
import type { Db } from './client.js';
import { isErased } from './erasures.js';

export interface CustomerResolution {
  customerId?: string;
  outcome: 'resolved' | 'unknown_customer' | 'erased';
}

export interface StoredSubject {
  /** The customer_id stored with the event, if KGC sent one. */
  customerId?: string | null;
  /** Else the phone number KGC sent, to ask KGC about. */
  phone?: string | null;
  /** Stores the id KGC answered for the phone, so the next attempt needs no lookup. */
  remember(customerId: string): Promise<void>;
  /** The audit row's context when KGC knows no customer: the run, the event type and the subject, ids only. */
  audit: { workflowId: string; runId: string; eventType: string; subject: string };
}

/**
 * The KGC customer a stored event (a notification, a campaign subject) is for: its customer_id, or KGC's answer
 * for its phone number. A phone KGC does not know is audited; an erased customer is reported as erased.
 */
export async function resolveCustomer(db: Db, kgc: Pick<KgcClient, 'getCustomerContextByPhone'>, subject: StoredSubject): Promise<CustomerResolution> {
  let customerId = subject.customerId ?? undefined;
  if (!customerId && subject.phone) {
    customerId = (await kgc.getCustomerContextByPhone(subject.phone))?.customer_id;
    if (customerId) await subject.remember(customerId);
  }
  if (!customerId) {
    const { workflowId, runId, eventType, subject: what } = subject.audit;
    await recordAudit(db, { workflowId, runId, eventType, system: 'kgc', action: 'resolve_customer_by_phone', status: 'failed', detail: `${what}: no KGC customer for the phone number` });
    return { outcome: 'unknown_customer' };
  }
  if (await isErased(db, customerId)) return { customerId, outcome: 'erased' };
  return { customerId, outcome: 'resolved' };
}
