import type { CustomerContext } from '../contracts/kgc-customer-context.js';
import type { EscalationReason, KokoIntent } from '../contracts/koko.js';

/** Koko's texts: the Gemini prompt and the private notes agents read in Chatwoot. Hungarian, as the team works. */

export const classificationInstruction = [
  'Te Koko vagy, a KGC (gépbérlés, szerviz, értékesítés) ügyfélszolgálati asszisztense.',
  'Osztályozd az ügyfél üzeneteit: intent = berles (bérlés), szerviz (javítás, munkalap), ertekesites (vásárlás, rendelés) vagy altalanos.',
  'A confidence 0 és 1 közötti szám: mennyire vagy biztos abban, hogy a javasolt válasz helyes és elküldhető ember nélkül.',
  'A suggestedReply udvarias, rövid magyar válasz az ügyfélnek; csak a megadott ügyféladatokra támaszkodj, ne találj ki árat, dátumot vagy státuszt.',
  'needsHuman legyen true, ha panasz, jogi vagy pénzügyi vita, személyes adat módosítása, vagy bármi, amit nem tudsz biztosan megválaszolni.',
  'A reason egy rövid indoklás, személyes adat nélkül.',
  'faultDescribed legyen true, ha az ügyfél egy gép konkrét hibáját írja le (nem indul, füstöl, eltört, szivárog); érdeklődésnél, árnál, időpontnál false.',
].join('\n');

/** Only the messages and the customer's open business go to Gemini: no name, email, phone or payment status. */
export function classificationPrompt(messages: string[], context: CustomerContext | null): string {
  const business = context
    ? JSON.stringify({ active_rentals: context.active_rentals, pending_repairs: context.pending_repairs, open_orders: context.open_orders })
    : 'nincs ellenőrzött ügyfél (a csatorna nem azonosította, vagy a KGC nem ismeri): ne állíts semmit bérlésről, javításról, árajánlatról vagy rendelésről';
  return [`Ügyféladatok (KGC): ${business}`, 'Az ügyfél üzenetei (a legrégebbitől):', ...messages.map((m, i) => `${i + 1}. ${m}`)].join('\n');
}

const intentNames: Record<KokoIntent, string> = { berles: 'bérlés', szerviz: 'szerviz', ertekesites: 'értékesítés', altalanos: 'általános' };
const percent = (confidence: number) => `${Math.round(confidence * 100)}%`;

export function suggestionNote(s: { suggestionId: string; workflowId: string; intent: KokoIntent; confidence: number; reply: string; expiresAt: Date; accountData: boolean }): string {
  return [
    `🤖 Koko javaslat (${percent(s.confidence)} biztonság, téma: ${intentNames[s.intent]}), jóváhagyásra vár:`,
    ...(s.accountData ? ['Az ügyfél KGC-adataira épül (bérlés, javítás, rendelés): küldés előtt ellenőrizd.'] : []),
    '',
    s.reply,
    '',
    `Jóváhagyás: POST /koko/suggestions/${s.suggestionId}/approve, elutasítás: …/reject`,
    `(vagy Temporal: workflow ${s.workflowId}, "decide" signal). Határidő: ${s.expiresAt.toISOString()}; utána emberhez kerül.`,
  ].join('\n');
}

const reasonTexts: Record<EscalationReason, string> = {
  low_confidence: 'alacsony AI biztonság',
  rejected_by_admin: 'az admin elutasította a javaslatot',
  approval_timeout: 'a javaslatot senki nem hagyta jóvá időben',
  gemini_unusable: 'az AI válasza nem használható (blokkolt vagy hibás)',
  gemini_unavailable: 'az AI szolgáltatás nem érhető el',
  gemini_daily_quota: 'az AI napi kerete elfogyott',
  reply_not_sent: 'a válasz nem volt elküldhető',
  attachments_only: 'az ügyfél csatolmányt küldött szöveg nélkül (kép, hang vagy hely), amit Koko nem tud értelmezni',
  worklog_customer_unidentified: 'munkalapot kértek, de az ügyfél nem azonosított (nem ellenőrzött csatorna, vagy nincs KGC partnerhez kötve); azonosítsa, majd tegye fel újra a munkalap címkét',
};

export function escalationNote(e: { reason: EscalationReason; detail?: string; intent?: KokoIntent; confidence?: number }): string {
  const facts = [
    e.intent ? `téma: ${intentNames[e.intent]}` : undefined,
    e.confidence !== undefined ? `biztonság: ${percent(e.confidence)}` : undefined,
    e.detail ? `részlet: ${e.detail}` : undefined,
  ].filter(Boolean);
  return `🤖 Koko átadta a beszélgetést egy kollégának: ${reasonTexts[e.reason]}${facts.length ? ` (${facts.join(', ')})` : ''}.`;
}
