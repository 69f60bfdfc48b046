import { eq } from 'drizzle-orm';
import { recordAudit } from '../db/audit.js';
import { isErased } from '../db/erasures.js';
import { partnerLinks } from '../db/schema.js';
import type { FranchiseStopReason } from '../contracts/franchise-onboarding.js';
import { currentRun, type ActivityDeps } from './context.js';

const packages = ['basic', 'pro', 'enterprise'] as const;

/** Franchise onboarding's KGC side: who the partner is (our partner link), and the tenant KGC creates for it. */
export function createKgcTenantActivities({ db, kgc }: ActivityDeps) {
  return {
    /**
     * The KGC partner behind a Twenty person: only a person this service synced from KGC (its partner link) counts,
     * never a customer id someone typed into the person's field.
     */
    async partnerOfTwentyPerson({ personId }: { personId: string }): Promise<{ customerId?: string; reason?: FranchiseStopReason }> {
      const [link] = await db.select({ customerId: partnerLinks.customerId }).from(partnerLinks).where(eq(partnerLinks.twentyPersonId, personId)).limit(1);
      if (!link || (await isErased(db, link.customerId))) return { reason: 'person_not_linked' };
      return { customerId: link.customerId };
    },

    /**
     * `POST /api/tenants` with the Idempotency-Key `franchise-tenant/<opportunity id>`: a retry, a second run or a
     * second webhook answers the same tenant; KGC's 409 (the partner already has one) names it too.
     */
    async createFranchiseTenant(input: { opportunityId: string; customerId: string; packageName?: string | null }): Promise<{ tenantId?: string; created?: boolean; reason?: FranchiseStopReason }> {
      const customer = (await isErased(db, input.customerId)) ? null : await kgc.getCustomer(input.customerId);
      if (!customer) return { reason: 'partner_not_in_kgc' };
      const pkg = packages.find((p) => p === input.packageName?.toLowerCase()) ?? 'basic';
      const tenant = await kgc.createTenant(
        {
          name: customer.company?.trim() || customer.name,
          partner_customer_id: customer.customer_id,
          kind: 'franchise',
          package: pkg,
          modules: { rental: true, service: true, sales: true },
        },
        `franchise-tenant/${input.opportunityId}`,
      );
      return tenant;
    },

    /** The audit row operators read for a finished or stopped onboarding: ids and a reason code only. */
    async recordFranchiseOutcome(o: { opportunityId: string; customerId?: string; status: 'ok' | 'skipped'; detail: string }): Promise<void> {
      const run = currentRun();
      await recordAudit(db, {
        workflowId: run.workflowId,
        runId: run.runId,
        customerId: o.customerId ?? null,
        eventType: 'opportunity.won',
        system: 'kgc',
        action: 'create_franchise_tenant',
        status: o.status,
        detail: `opportunity ${o.opportunityId}: ${o.detail}`,
      });
    },
  };
}
