import type { KgcEventType } from '../contracts/kgc-events.js';
import type { ModuleName } from '../db/schema.js';

/**
 * What each KGC event needs. `partnerSync` events signal the customer's entity workflow. Events whose workflow
 * is not built yet are stored durably (status `recorded`, payload kept) and acknowledged, so none is lost
 * and each can be redriven once its workflow exists.
 */
export interface EventRoute {
  handler: 'partnerSync' | 'recorded';
  /** The event is skipped when every one of these modules is off; empty = always handled. */
  modules: ModuleName[];
}

export const eventRoutes: Record<KgcEventType, EventRoute> = {
  'customer.created': { handler: 'partnerSync', modules: ['crm', 'support'] },
  'customer.updated': { handler: 'partnerSync', modules: ['crm', 'support'] },
  'customer.deleted': { handler: 'recorded', modules: [] },
  'rental.completed': { handler: 'recorded', modules: ['crm'] },
  'service.completed': { handler: 'recorded', modules: ['crm'] },
  'order.delivered': { handler: 'recorded', modules: ['crm'] },
  'rental.started': { handler: 'recorded', modules: ['support'] },
  'rental.ended': { handler: 'recorded', modules: ['support'] },
  'service.quote_ready': { handler: 'recorded', modules: ['support'] },
  'service.repair_done': { handler: 'recorded', modules: ['support'] },
  'order.arrived': { handler: 'recorded', modules: ['support'] },
};
