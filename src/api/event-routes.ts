import type { KgcEventType } from '../contracts/kgc-events.js';
import type { ModuleName } from '../db/schema.js';
import { alongside } from './handoffs/alongside.js';
import type { Handoff } from './handoffs/handoff.js';
import { gdprDeleteHandoff } from './handoffs/gdpr-delete.handoff.js';
import { historyHandoff } from './handoffs/history.handoff.js';
import { notificationHandoff } from './handoffs/notification.handoff.js';
import { partnerSyncHandoff } from './handoffs/partner-sync.handoff.js';
import { rentalClosedHandoff, rentalStartedHandoff } from './handoffs/rental-campaign.handoff.js';
import { repairDoneEmailHandoff } from './handoffs/repair-done-email.handoff.js';

/** What each KGC event needs: the hand-off to its workflow, and the modules it depends on. */
export interface EventRoute {
  handoff: Handoff;
  /** The event is skipped when every one of these modules is off; empty = always handled. */
  modules: ModuleName[];
}

export const eventRoutes: Record<KgcEventType, EventRoute> = {
  'customer.created': { handoff: partnerSyncHandoff, modules: ['crm', 'support'] },
  'customer.updated': { handoff: partnerSyncHandoff, modules: ['crm', 'support'] },
  'customer.deleted': { handoff: gdprDeleteHandoff, modules: [] },
  'rental.completed': { handoff: alongside(historyHandoff, rentalClosedHandoff), modules: ['crm'] },
  'service.completed': { handoff: historyHandoff, modules: ['crm'] },
  'order.delivered': { handoff: historyHandoff, modules: ['crm'] },
  // Customer emails need no module: the Chatwoot side skips itself while support is off.
  'rental.started': { handoff: alongside(notificationHandoff, rentalStartedHandoff), modules: [] },
  'rental.ended': { handoff: alongside(notificationHandoff, rentalClosedHandoff), modules: [] },
  'service.quote_ready': { handoff: notificationHandoff, modules: ['support'] },
  'service.repair_done': { handoff: alongside(notificationHandoff, repairDoneEmailHandoff), modules: [] },
  'order.arrived': { handoff: notificationHandoff, modules: ['support'] },
};
