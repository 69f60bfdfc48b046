import type { FranchiseStopReason } from '../contracts/franchise-onboarding.js';

export type FranchiseNoteKind = 'tenant_created' | `stopped_${FranchiseStopReason}`;

const stopTexts: Record<FranchiseStopReason, string> = {
  opportunity_gone: 'Az üzlet már nem található.',
  not_won: 'Az üzlet már nincs megnyert szakaszban.',
  no_point_of_contact: 'Az üzletnek nincs kapcsolattartója; adjon meg egy KGC partnerhez kötött személyt, majd jelölje újra megnyertnek.',
  person_not_linked: 'A kapcsolattartó nincs KGC partnerhez kötve (nem a KGC szinkron hozta létre); kösse össze, majd jelölje újra megnyertnek.',
  partner_not_in_kgc: 'A kapcsolattartó KGC partnere már nem létezik a KGC-ben.',
};

/** The notes franchise onboarding leaves on the opportunity, in Hungarian for the sales team; ids only, no personal data. */
export function franchiseNote(kind: FranchiseNoteKind, v: { tenantId?: string; packageName?: string }): { title: string; markdown: string } {
  if (kind === 'tenant_created') {
    return {
      title: 'KGC franchise tenant létrehozva',
      markdown: `A KGC-ben létrejött a franchise tenant: **${v.tenantId ?? '?'}** (csomag: ${v.packageName ?? 'basic'}).`,
    };
  }
  const reason = kind.slice('stopped_'.length) as FranchiseStopReason;
  return { title: 'KGC franchise tenant nem jött létre', markdown: stopTexts[reason] };
}
