import { layout, type RenderedEmail } from './layout.js';
import type { NewProductEmailData } from './types.js';

/** "Új termék" (seed campaign): an admin's campaign to the customers who rented the category in the last year. */
export function newProduct(d: NewProductEmailData): RenderedEmail {
  return layout(
    `Új ${d.category} érkeztek, bérelje ki!`,
    d.greeting,
    [
      `Korábban már bérelt nálunk a(z) ${d.category} kategóriából, ezért elsőként szólunk: új gépek érkeztek a kínálatunkba.`,
      ...(d.products.length > 0 ? [`Újdonságaink: ${d.products.slice(0, 5).join(', ')}.`] : []),
      'Foglalja le telefonon vagy üzleteinkben, amíg a készlet tart!',
    ],
    { unsubscribeUrl: d.unsubscribeUrl },
  );
}
