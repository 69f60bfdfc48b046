import type { RenderedEmail } from './layout.js';
import { rentalLateNotice } from './rental-late-notice.js';
import { rentalReminder } from './rental-reminder.js';
import { repairDone } from './repair-done.js';
import type { RentalEmailData, RepairDoneEmailData, NewProductEmailData, UpsellEmailData, VipWelcomeEmailData, WinBackEmailData } from './types.js';
import { upsell } from './upsell.js';
import { winBack } from './win-back.js';
import { newProduct } from './new-product.js';
import { vipWelcome } from './vip-welcome.js';

export type { RenderedEmail } from './layout.js';
export type { MarketingEmailData, NewProductEmailData, RentalEmailData, RepairDoneEmailData, UpsellEmailData, VipWelcomeEmailData, WinBackEmailData } from './types.js';

/**
 * What happens when an attempt reached the SMTP server and its outcome was never recorded (the worker died between
 * the server's 250 and the database update). SMTP has no idempotency, so one of the two must give:
 * - `at-least-once`: send again, with the same Message-ID. A lost email costs the customer more than a repeat,
 *   which most mail clients fold into the first (same Message-ID) and is otherwise a harmless second copy.
 * - `at-most-once`: never send again; the email is recorded `unconfirmed` for an operator to check in the SMTP
 *   server's log by its Message-ID. For a message whose repeat reads as an escalation.
 */
export type EmailDelivery = 'at-least-once' | 'at-most-once';

/**
 * Every customer email, in one place. `purpose` decides the consent check: transactional mail (about the
 * customer's own rental or repair) needs none; a marketing kind is sent only with KGC's consent, within the
 * frequency cap, and with one-click unsubscribe (src/domain/consent.ts, src/activities/email.ts).
 * `delivery`: the rule above. A missed reminder costs the customer a late fee and a missed "repaired" leaves the
 * machine in the shop, so both are sent again; a second late notice reads like a second demand, and the customer
 * is already marked LATE in Twenty for staff to follow up, so the late notice is never sent twice. A marketing
 * email is never worth a second copy.
 */
export const emailTemplates = {
  rental_reminder: { campaign: 'rental-expiry', purpose: 'transactional', delivery: 'at-least-once', render: (d: RentalEmailData) => rentalReminder(d) },
  rental_late_notice: { campaign: 'rental-expiry', purpose: 'transactional', delivery: 'at-most-once', render: (d: RentalEmailData) => rentalLateNotice(d) },
  repair_done: { campaign: 'repair-done', purpose: 'transactional', delivery: 'at-least-once', render: (d: RepairDoneEmailData) => repairDone(d) },
  vip_welcome: { campaign: 'vip-welcome', purpose: 'marketing', delivery: 'at-most-once', render: (d: VipWelcomeEmailData) => vipWelcome(d) },
  upsell: { campaign: 'upsell', purpose: 'marketing', delivery: 'at-most-once', render: (d: UpsellEmailData) => upsell(d) },
  win_back: { campaign: 'win-back', purpose: 'marketing', delivery: 'at-most-once', render: (d: WinBackEmailData) => winBack(d) },
  new_product: { campaign: 'new-product', purpose: 'marketing', delivery: 'at-most-once', render: (d: NewProductEmailData) => newProduct(d) },
} as const satisfies Record<string, { campaign: string; purpose: 'transactional' | 'marketing'; delivery: EmailDelivery; render: (d: never) => RenderedEmail }>;

export type EmailKind = keyof typeof emailTemplates;
export type EmailPurpose = (typeof emailTemplates)[EmailKind]['purpose'] | 'marketing';

/** "Kedves János!" for a person (Hungarian order: the given name is last), the full name for a business. */
export function greetingFor(name: string, firstName: string, isBusiness: boolean): string {
  return isBusiness || !firstName ? `Tisztelt ${name}!` : `Kedves ${firstName}!`;
}
