import type { KgcEventData } from '../contracts/kgc-events.js';

/** Hungarian customer notifications sent through Chatwoot. One place for every text. */
export type NotificationEvent = 'service.quote_ready' | 'service.repair_done' | 'order.arrived' | 'rental.started' | 'rental.ended';

const forint = (amount: number) => `${new Intl.NumberFormat('hu-HU').format(amount)} Ft`;
const date = (iso: string) => new Intl.DateTimeFormat('hu-HU', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'Europe/Budapest' }).format(new Date(iso));
const machine = (name: string | undefined) => (name ? `A(z) ${name}` : 'A gépe');

export const notificationTemplates: { [E in NotificationEvent]: (d: KgcEventData<E>) => string } = {
  'service.quote_ready': (d) =>
    `Elkészült az árajánlat ${d.machine_type ? `a(z) ${d.machine_type}` : 'a gépe'} javítására: ${forint(d.quote_amount)} (munkalap: ${d.worklog_id}). Kérjük, jelezze, ha elfogadja.`,
  'service.repair_done': (d) =>
    `Jó hírem van! ${machine(d.machine_type)} elkészült, átvehető (munkalap: ${d.worklog_id}).${d.pickup_info ? ` ${d.pickup_info}` : ''}`,
  'order.arrived': (d) => `Megérkezett a rendelése (${d.order_id}): ${d.items.map((i) => `${i.quantity}× ${i.name}`).join(', ')}. Átveheti üzletünkben.`,
  'rental.started': (d) => `Köszönjük, hogy tőlünk bérel! ${machine(d.machine_name)} bérlése ${date(d.rental_end)}-ig tart (bérlés: ${d.rental_id}).`,
  'rental.ended': (d) =>
    `Köszönjük, hogy visszahozta a gépet (bérlés: ${d.rental_id}).${d.satisfaction_survey ? ' Egy rövid kérdőívvel segíthet nekünk jobbá válni – köszönjük!' : ''}`,
};

/** The KGC id a notification is about: together with the event name it is the idempotency key. */
export function notificationSubject(data: Record<string, unknown>): string {
  return String(data.worklog_id ?? data.order_id ?? data.rental_id);
}

export function renderNotification(event: NotificationEvent, data: Record<string, unknown>): string {
  return (notificationTemplates[event] as (d: Record<string, unknown>) => string)(data);
}
