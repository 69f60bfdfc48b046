import { layout, type RenderedEmail } from './layout.js';
import type { RepairDoneEmailData } from './types.js';

/** "Szerviz Kész Értesítés" (repair done notice): "Gépét megjavítottuk, átvehető". */
export function repairDone(d: RepairDoneEmailData): RenderedEmail {
  return layout('Gépét megjavítottuk, átvehető – KGC', d.greeting, [
    `Örömmel értesítjük, hogy ${d.machineType ? `a(z) ${d.machineType}` : 'gépe'} javítása elkészült, a gép átvehető (munkalap: ${d.worklogId}).`,
    ...(d.pickupInfo ? [d.pickupInfo] : []),
    'Várjuk üzletünkben!',
  ]);
}
