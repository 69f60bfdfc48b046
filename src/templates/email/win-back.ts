import { huDate, layout, type RenderedEmail } from './layout.js';
import type { WinBackEmailData } from './types.js';

/** "Újra-aktiválás" (seed campaign): once per inactive period, about six months after the last rental. */
export function winBack(d: WinBackEmailData): RenderedEmail {
  return layout(
    'Hiányzik! Íme 10% kedvezmény következő bérlésre',
    d.greeting,
    [
      `Régen járt nálunk: legutóbbi bérlése ${huDate(d.lastRentalOn)}-én zárult.`,
      'Ha újra gépre lenne szüksége, következő bérléséből 10% kedvezményt adunk. Ajánlatunk a levél érkezésétől számított 30 napig érvényes üzleteinkben.',
    ],
    { unsubscribeUrl: d.unsubscribeUrl },
  );
}
