import { layout, type RenderedEmail } from './layout.js';
import type { VipWelcomeEmailData } from './types.js';

/** "VIP Üdvözlő" (seed campaign): once per customer, ever, when the completed rentals first reach ten. */
export function vipWelcome(d: VipWelcomeEmailData): RenderedEmail {
  return layout(
    'Köszönjük hűségét! VIP státusz – 10% kedvezmény',
    d.greeting,
    [
      `Már ${d.totalRentals} alkalommal bérelt nálunk – köszönjük a bizalmát!`,
      'Hűsége jeléül mostantól VIP ügyfelünk: minden további bérléséből 10% kedvezményt adunk. A kedvezményt üzletünkben a bérléskor automatikusan érvényesítjük.',
    ],
    { unsubscribeUrl: d.unsubscribeUrl },
  );
}
