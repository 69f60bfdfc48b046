import type { KgcEventType } from '../contracts/kgc-events.js';
import type { ModuleName } from '../db/schema.js';
import { alongside } from './start-or-signal/alongside.js';
import type { Handoff } from './start-or-signal/handoff.js';
import { gdprDeleteHandoff } from './start-or-signal/gdpr-delete.handoff.js';
import { historyHandoff } from './start-or-signal/history.handoff.js';
import { notificationHandoff } from './start-or-signal/notification.handoff.js';
import { partnerSyncHandoff } from './start-or-signal/partner-sync.handoff.js';
import { rentalClosedHandoff, rentalStartedHandoff } from './start-or-signal/rental-campaign.handoff.js';
import { repairDoneEmailHandoff } from './start-or-signal/repair-done-email.handoff.js';
import { vipWelcomeHandoff } from './start-or-signal/vip-welcome.handoff.js';
import { upsellHandoff } from './start-or-signal/upsell.handoff.js';
import { worklogStatusHandoff } from './start-or-signal/worklog-status.handoff.js';

/** What each KGC event needs: the hand-off to its workflow, and the modules it depends on. */
export interface EventRoute<E extends KgcEventType> {
  handoff: Handoff<E>;
  /** The event is skipped when every one of these modules is off; empty = always handled. */
  modules: ModuleName[];
}

export const eventRoutes: { [E in KgcEventType]: EventRoute<E> } = {
  'customer.created': { handoff: partnerSyncHandoff, modules: ['crm', 'support'] },
  'customer.updated': { handoff: partnerSyncHandoff, modules: ['crm', 'support'] },
  'customer.deleted': { handoff: gdprDeleteHandoff, modules: [] },
  'rental.completed': { handoff: alongside<'rental.completed'>(historyHandoff, rentalClosedHandoff, vipWelcomeHandoff, upsellHandoff), modules: ['crm'] },
  'service.completed': { handoff: historyHandoff, modules: ['crm'] },
  'order.delivered': { handoff: historyHandoff, modules: ['crm'] },
  // Customer emails need no module: the Chatwoot side skips itself while support is off.
  'rental.started': { handoff: alongside<'rental.started'>(notificationHandoff, rentalStartedHandoff), modules: [] },
  'rental.ended': { handoff: alongside<'rental.ended'>(notificationHandoff, rentalClosedHandoff), modules: [] },
  'service.quote_ready': { handoff: notificationHandoff, modules: ['support'] },
  'service.repair_done': { handoff: alongside<'service.repair_done'>(notificationHandoff, repairDoneEmailHandoff), modules: [] },
  'order.arrived': { handoff: notificationHandoff, modules: ['support'] },
  'worklog.status_changed': { handoff: worklogStatusHandoff, modules: ['support'] },
};
