import { layout, type RenderedEmail } from './layout.js';
import type { RepairDoneEmailData } from './types.js';

/** Seed 000 §6.1 "Szerviz Kész Értesítés": "Gépét megjavítottuk, átvehető". */
export function repairDone(d: RepairDoneEmailData): RenderedEmail {
  return layout('Gépét megjavítottuk, átvehető – KGC', d.greeting, [
    `Örömmel értesítjük, hogy ${d.machineType ? `a(z) ${d.machineType}` : 'gépe'} javítása elkészült, a gép átvehető (munkalap: ${d.worklogId}).`,
    ...(d.pickupInfo ? [d.pickupInfo] : []),
    'Várjuk üzletünkben!',
  ]);
}
