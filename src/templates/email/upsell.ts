import { layout, type RenderedEmail } from './layout.js';
import type { UpsellEmailData } from './types.js';

/** "Upsell" (seed campaign): more than three rentals in a month; names the machine rented most. */
export function upsell(d: UpsellEmailData): RenderedEmail {
  return layout(
    'Gyakori bérlő? Vegye meg 15% kedvezménnyel!',
    d.greeting,
    [
      `Ebben a hónapban már ${d.rentalsInMonth} alkalommal bérelt nálunk, leggyakrabban ezt: ${d.machineName}.`,
      `Ha ilyen sűrűn használja, megéri sajátot vásárolni: a(z) ${d.machineName} árából most 15% kedvezményt adunk. Kérjen ajánlatot üzletünkben vagy válaszoljon erre a levélre!`,
    ],
    { unsubscribeUrl: d.unsubscribeUrl },
  );
}
