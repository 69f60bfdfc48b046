import type { KgcEventData } from '../contracts/kgc-events.js';

/** Hungarian customer notifications sent through Chatwoot. One place for every text. */
export type NotificationEvent = 'service.quote_ready' | 'service.repair_done' | 'order.arrived' | 'rental.started' | 'rental.ended' | 'worklog.status_changed';

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
  'worklog.status_changed': (d) => worklogStatusText(d),
};

/** A worklog's new status, in the conversation it came from or as a notification. */
export function worklogStatusText(d: { worklog_id: string; status_hu: string; estimated_completion?: string | null }): string {
  return `Munkalap ${d.worklog_id}: ${d.status_hu}.${d.estimated_completion ? ` Várható elkészülés: ${date(d.estimated_completion)}` /* the Hungarian date ends with its own dot */ : ''}`;
}

/** The KGC id a notification is about: together with the event name it is the idempotency key. */
export function notificationSubject(data: Record<string, unknown>): string {
  // A worklog's status changes are one notification each.
  if (typeof data.status === 'string' && typeof data.status_hu === 'string') return `${String(data.worklog_id)}:${data.status}`;
  return String(data.worklog_id ?? data.order_id ?? data.rental_id);
}

export function renderNotification(event: NotificationEvent, data: Record<string, unknown>): string {
  return (notificationTemplates[event] as (d: Record<string, unknown>) => string)(data);
}
