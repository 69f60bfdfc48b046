/** The fields of a Twenty opportunity that franchise onboarding writes (src/clients/twenty-data-model.ts). */
export const opportunityWrittenByUs = ['kgcTenantId'];

/** Why franchise onboarding stopped without a tenant; shown in the workflow result and the audit log. */
export type FranchiseStopReason = 'opportunity_gone' | 'not_won' | 'no_point_of_contact' | 'person_not_linked' | 'partner_not_in_kgc';

export type FranchiseOnboardingResult =
  | { status: 'tenant_created'; opportunityId: string; tenantId: string; customerId: string }
  | { status: 'already_created'; opportunityId: string; tenantId: string }
  | { status: 'stopped'; opportunityId: string; reason: FranchiseStopReason };
