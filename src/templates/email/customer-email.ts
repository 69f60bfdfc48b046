import type { KgcCustomer } from '../../contracts/kgc-events.js';
import { splitHungarianName } from '../../domain/hungarian-name.js';
import { emailTemplates, greetingFor, type EmailKind, type RenderedEmail } from './index.js';

export interface CustomerEmailInput {
  kind: EmailKind;
  customer: Pick<KgcCustomer, 'name' | 'is_business'>;
  subjectId: string;
  /** The campaign subject's stored details (machine, dates, category …). */
  details: Record<string, string>;
  rentalEnd?: string;
  /** Marketing kinds only: the link of the unsubscribe footer. */
  unsubscribeUrl?: string;
}

/** One customer email from KGC's customer and the campaign subject: pure, shared by the send and the admin preview. */
export function renderCustomerEmail({ kind, customer, subjectId, details: d, rentalEnd, unsubscribeUrl = '' }: CustomerEmailInput): RenderedEmail {
  const greeting = greetingFor(customer.name, splitHungarianName(customer.name).firstName, customer.is_business);
  switch (kind) {
    case 'repair_done':
      return emailTemplates.repair_done.render({ greeting, worklogId: subjectId, machineType: d.machine_type, pickupInfo: d.pickup_info });
    case 'rental_reminder':
    case 'rental_late_notice':
      return emailTemplates[kind].render({ greeting, machineName: d.machine_name ?? 'bérelt gép', rentalEnd: rentalEnd ?? d.rental_end ?? '', rentalId: subjectId });
    case 'vip_welcome':
      return emailTemplates.vip_welcome.render({ greeting, unsubscribeUrl, totalRentals: Number(d.total_rentals ?? 10) });
    case 'upsell':
      return emailTemplates.upsell.render({ greeting, unsubscribeUrl, machineName: d.machine_name ?? 'bérelt gép', rentalsInMonth: Number(d.rentals ?? 4) });
    case 'new_product':
      return emailTemplates.new_product.render({ greeting, unsubscribeUrl, category: d.category ?? '', products: d.products ? (JSON.parse(d.products) as string[]) : [] });
    case 'win_back':
      return emailTemplates.win_back.render({ greeting, unsubscribeUrl, lastRentalOn: d.last_rental_on ?? '' });
  }
}
