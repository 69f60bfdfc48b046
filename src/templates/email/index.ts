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
 * Every customer email, in one place. `purpose` decides the consent check: transactional mail (about the
 * customer's own rental or repair) needs none; a marketing kind is sent only with KGC's consent, within the
 * frequency cap, and with one-click unsubscribe (src/domain/consent.ts, src/activities/email.ts).
 */
export const emailTemplates = {
  rental_reminder: { campaign: 'rental-expiry', purpose: 'transactional', render: (d: RentalEmailData) => rentalReminder(d) },
  rental_late_notice: { campaign: 'rental-expiry', purpose: 'transactional', render: (d: RentalEmailData) => rentalLateNotice(d) },
  repair_done: { campaign: 'repair-done', purpose: 'transactional', render: (d: RepairDoneEmailData) => repairDone(d) },
  vip_welcome: { campaign: 'vip-welcome', purpose: 'marketing', render: (d: VipWelcomeEmailData) => vipWelcome(d) },
  upsell: { campaign: 'upsell', purpose: 'marketing', render: (d: UpsellEmailData) => upsell(d) },
  win_back: { campaign: 'win-back', purpose: 'marketing', render: (d: WinBackEmailData) => winBack(d) },
  new_product: { campaign: 'new-product', purpose: 'marketing', render: (d: NewProductEmailData) => newProduct(d) },
} as const satisfies Record<string, { campaign: string; purpose: 'transactional' | 'marketing'; render: (d: never) => RenderedEmail }>;

export type EmailKind = keyof typeof emailTemplates;
export type EmailPurpose = (typeof emailTemplates)[EmailKind]['purpose'] | 'marketing';

/** "Kedves János!" for a person (Hungarian order: the given name is last), the full name for a business. */
export function greetingFor(name: string, firstName: string, isBusiness: boolean): string {
  return isBusiness || !firstName ? `Tisztelt ${name}!` : `Kedves ${firstName}!`;
}
