import type { TwentyWebhook } from '../contracts/twenty-webhooks.js';
import { opportunityWrittenByUs } from '../contracts/franchise-onboarding.js';

/** Fields Twenty changes on every write by itself: they say nothing about what the writer changed. */
const bookkeepingFields = new Set(['updatedAt', 'updatedBy', 'position', 'searchVector']);

export type TwentyAction = { kind: 'franchise_onboarding'; opportunityId: string } | { kind: 'ignore'; reason: string };

/**
 * What a Twenty webhook asks of us. Only a deal that reaches the won stage starts anything: an
 * `opportunity.updated` whose `updatedFields` name `stage`, or an opportunity created already won. Our own writes
 * come back as webhooks too; they change only the fields franchise onboarding writes, never the stage, so they
 * start nothing (and a deal that already has its tenant is not onboarded again).
 */
export function interpretTwentyEvent(event: TwentyWebhook, wonStage: string): TwentyAction {
  const [object, action] = event.eventName.split('.');
  if (object !== 'opportunity') return { kind: 'ignore', reason: 'not_an_opportunity' };
  if (action !== 'updated' && action !== 'created') return { kind: 'ignore', reason: `opportunity_${action}` };
  const fields = (event.updatedFields ?? []).filter((f) => !bookkeepingFields.has(f));
  if (action === 'updated' && fields.length > 0 && fields.every((f) => opportunityWrittenByUs.includes(f))) return { kind: 'ignore', reason: 'own_write' };
  if (action === 'updated' && !fields.includes('stage')) return { kind: 'ignore', reason: 'stage_unchanged' };
  if (event.record.stage !== wonStage) return { kind: 'ignore', reason: 'not_won' };
  if (typeof event.record.kgcTenantId === 'string' && event.record.kgcTenantId) return { kind: 'ignore', reason: 'tenant_already_created' };
  return { kind: 'franchise_onboarding', opportunityId: event.record.id };
}
