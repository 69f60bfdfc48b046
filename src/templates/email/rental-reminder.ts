import { huDate, layout, type RenderedEmail } from './layout.js';
import type { RentalEmailData } from './types.js';

/** "Bérlés Lejárat Emlékeztető" (rental expiry reminder): the day before rental_end. */
export function rentalReminder(d: RentalEmailData): RenderedEmail {
  return layout('Holnap lejár a bérlése – KGC', d.greeting, [
    `Emlékeztetjük, hogy holnap (${huDate(d.rentalEnd)}) lejár a(z) ${d.machineName} bérlése (bérlés: ${d.rentalId}).`,
    'Kérjük, hozza vissza a gépet időben! Ha tovább használná, keressen minket, és meghosszabbítjuk a bérlést.',
  ]);
}
