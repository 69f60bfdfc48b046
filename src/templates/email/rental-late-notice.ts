import { huDate, layout, type RenderedEmail } from './layout.js';
import type { RentalEmailData } from './types.js';

/** Sent once when a rental is still out after rental_end. */
export function rentalLateNotice(d: RentalEmailData): RenderedEmail {
  return layout('Lejárt a bérlése – KGC', d.greeting, [
    `A(z) ${d.machineName} bérlése ${huDate(d.rentalEnd)}-én lejárt (bérlés: ${d.rentalId}), de a gépet még nem kaptuk vissza.`,
    'Kérjük, hozza vissza mielőbb, vagy keressen minket a bérlés meghosszabbítása miatt. A késedelmes napokra a bérleti díjat felszámítjuk.',
  ]);
}
