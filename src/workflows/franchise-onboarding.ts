import { upsertSearchAttributes } from '@temporalio/workflow';
import type { FranchiseOnboardingResult, FranchiseStopReason } from '../contracts/franchise-onboarding.js';
import { kgcCustomerIdKey } from '../contracts/search-attributes.js';
import { mainActivities, profiles, twentyActivities } from './activity-profiles.js';

const kgcSide = mainActivities(profiles.sync);

/**
 * `franchise-onboarding/<opportunity id>`: a deal won in Twenty becomes a franchise tenant in KGC. The tenant is
 * created once (idempotency key per opportunity, KGC's 409 for a partner that already has one), its id is written
 * back onto the opportunity and a note tells the sales team. A contact without a KGC partner link stops the run
 * with a note and an audit row saying why.
 */
export async function franchiseOnboarding({ opportunityId, wonStage }: { opportunityId: string; wonStage: string }): Promise<FranchiseOnboardingResult> {
  const twenty = twentyActivities();
  const stop = async (reason: FranchiseStopReason, customerId?: string): Promise<FranchiseOnboardingResult> => {
    if (reason !== 'opportunity_gone' && reason !== 'not_won') {
      await twenty.writeOpportunityNote({ opportunityId, kind: `stopped_${reason}` });
      await twenty.attachOpportunityNote({ opportunityId, kind: `stopped_${reason}` });
    }
    await kgcSide.recordFranchiseOutcome({ opportunityId, customerId, status: 'skipped', detail: reason });
    return { status: 'stopped', opportunityId, reason };
  };

  const deal = await twenty.readOnboardingOpportunity({ opportunityId });
  if (!deal.found) return stop('opportunity_gone');
  if (deal.stage !== wonStage) return stop('not_won');
  if (deal.kgcTenantId) return { status: 'already_created', opportunityId, tenantId: deal.kgcTenantId };
  if (!deal.personId) return stop('no_point_of_contact');

  const partner = await kgcSide.partnerOfTwentyPerson({ personId: deal.personId });
  if (!partner.customerId) return stop(partner.reason ?? 'person_not_linked');
  const customerId = partner.customerId;
  upsertSearchAttributes([{ key: kgcCustomerIdKey, value: customerId }]);

  const tenant = await kgcSide.createFranchiseTenant({ opportunityId, customerId, packageName: deal.franchisePackage });
  if (!tenant.tenantId) return stop(tenant.reason ?? 'partner_not_in_kgc', customerId);

  await twenty.writeOpportunityTenant({ opportunityId, tenantId: tenant.tenantId });
  await twenty.writeOpportunityNote({ opportunityId, kind: 'tenant_created', tenantId: tenant.tenantId, packageName: deal.franchisePackage?.toLowerCase() ?? 'basic' });
  await twenty.attachOpportunityNote({ opportunityId, kind: 'tenant_created' });
  await kgcSide.recordFranchiseOutcome({ opportunityId, customerId, status: 'ok', detail: tenant.created ? `tenant ${tenant.tenantId} created` : `tenant ${tenant.tenantId} already existed` });
  return { status: 'tenant_created', opportunityId, tenantId: tenant.tenantId, customerId };
}
