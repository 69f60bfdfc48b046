import { and, eq, inArray, lt, or, sql } from 'drizzle-orm';
import { consentAllows } from '../domain/consent.js';
import { emailKey, messageIdFor } from '../domain/email-keys.js';
import { failure, sanitisedFailure } from '../clients/errors.js';
import type { KgcCustomer } from '../contracts/kgc-events.js';
import { recordAudit } from '../db/audit.js';
import { emailCampaignSubjects, emailOutbox } from '../db/schema.js';
import { emailTemplates, type EmailKind, type RenderedEmail } from '../templates/email/index.js';
import { renderCustomerEmail } from '../templates/email/customer-email.js';
import { campaignEnabled, campaignSwitchedOff } from '../campaign-switches.js';
import { currentRun, type ActivityDeps } from './context.js';
import { isErased } from '../db/erasures.js';
import { latestOptOut, marketingSlotFreeAt, rememberMarketingConsent, takeMarketingSlot } from '../db/marketing-consent.js';
import { emailAddressHash } from '../domain/erasure.js';
import { unsubscribeToken } from '../domain/unsubscribe-token.js';

export interface SendCustomerEmailInput {
  kind: EmailKind;
  /** The rental or worklog the email is about. */
  subjectId: string;
  customerId: string;
  /** For rental emails: the rental_end they are about (part of the idempotency key, so an extension gets its own reminder). */
  rentalEnd?: string;
  /** A retry of an email the frequency cap held back: when it was first held back (the wait is bounded from there). */
  capWait?: CapWait;
}

export interface CapWait {
  /** ISO time of the first cap. */
  since: string;
}

export interface SendCustomerEmailResult {
  key: string;
  /** `unconfirmed`: an at-most-once email whose earlier attempt may have been accepted; not sent again. */
  status: 'sent' | 'rejected' | 'skipped' | 'unconfirmed';
  reason?: string;
  /**
   * Held back by the frequency cap: the ISO time the cap's window ends, for a caller that waits and tries again.
   * Absent when that is beyond MARKETING_CAP_WAIT_LIMIT after the first cap.
   */
  retryAt?: string;
}

const unconfirmedReason = 'an earlier attempt reached the SMTP server and its outcome was never recorded; at-most-once: not sent again';

/** Longer than the SMTP client's connection + greeting + socket timeouts, so a live attempt keeps its lease. */
const leaseSeconds = 120;

/** Why a marketing email was held back by the cap; the new-product report counts it as `capped`. */
export const frequencyCapped = 'frequency cap';
/** A VIP welcome or upsell still capped when MARKETING_CAP_WAIT_LIMIT after its first cap has passed. */
export const frequencyCapWaitOver = 'frequency cap: still capped at the end of the longest wait, given up';

export function createEmailActivities({ db, kgc, smtp, marketing }: ActivityDeps) {
  const audit = async (input: SendCustomerEmailInput, key: string, status: 'ok' | 'skipped' | 'rejected' | 'warning', detail: string) => {
    await recordAudit(db, {
      ...currentRun(),
      customerId: input.customerId,
      eventType: `email.${input.kind}`,
      system: 'smtp',
      action: 'send_email',
      status,
      detail: `${key}: ${detail}`,
    });
  };

  const settle = async (key: string, state: 'sent' | 'rejected' | 'skipped', fields: { reason?: string; smtpCode?: number } = {}) => {
    await db
      .update(emailOutbox)
      .set({ state, reason: fields.reason ?? null, smtpCode: fields.smtpCode ?? null, leaseUntil: null, updatedAt: new Date(), ...(state === 'sent' ? { sentAt: new Date() } : {}) })
      .where(eq(emailOutbox.key, key));
  };

  const skip = async (input: SendCustomerEmailInput, key: string, reason: string): Promise<SendCustomerEmailResult> => {
    await settle(key, 'skipped', { reason });
    await audit(input, key, 'skipped', reason);
    return { key, status: 'skipped', reason };
  };

  /**
   * Skips an email the frequency cap holds back, saying when the cap's window ends if that is within
   * MARKETING_CAP_WAIT_LIMIT of the first cap; a retry past that limit is given up.
   */
  const capped = async (input: SendCustomerEmailInput, key: string): Promise<SendCustomerEmailResult> => {
    const freeAt = await marketingSlotFreeAt(db, { customerId: input.customerId, minIntervalMs: marketing!.minIntervalMs });
    const since = input.capWait ? Date.parse(input.capWait.since) : Date.now();
    const inTime = freeAt.getTime() - since <= marketing!.capWaitLimitMs;
    if (input.capWait && !inTime) return skip(input, key, frequencyCapWaitOver);
    const skipped = await skip(input, key, frequencyCapped);
    return inTime ? { ...skipped, retryAt: freeAt.toISOString() } : skipped;
  };

  /** The signed one-click unsubscribe link for this customer and address, or undefined when it cannot be made. */
  const unsubscribeUrlFor = (customerId: string, email: string) =>
    marketing?.publicBaseUrl && marketing.unsubscribeSecret
      ? `${marketing.publicBaseUrl}/unsubscribe?t=${unsubscribeToken(marketing.unsubscribeSecret, { customerId, emailHash: emailAddressHash(email) }, Date.now() + marketing.unsubscribeLinkTtlMs)}`
      : undefined;

  async function render(input: SendCustomerEmailInput, customer: KgcCustomer, unsubscribeUrl?: string): Promise<RenderedEmail> {
    const template = emailTemplates[input.kind];
    const [subject] = await db
      .select({ details: emailCampaignSubjects.details })
      .from(emailCampaignSubjects)
      .where(and(eq(emailCampaignSubjects.campaign, template.campaign), eq(emailCampaignSubjects.subjectId, input.subjectId)));
    if (!subject) throw failure('EmailSubjectMissing', `No stored ${template.campaign} subject ${input.subjectId}`);
    return renderCustomerEmail({ kind: input.kind, customer, subjectId: input.subjectId, details: subject.details, rentalEnd: input.rentalEnd, unsubscribeUrl });
  }

  return {
    /**
     * Sends one customer email at most once per key. The key's row is written before the send and completed after;
     * a lease keeps a second attempt (a retry racing a slow one) from sending in parallel. Reads the address from
     * KGC (the master) right before sending; customers without one, erased ones, kinds without the consent they
     * need and emails of a switched-off campaign are skipped and audited. A permanent SMTP rejection is recorded
     * and returned, not retried.
     */
    async sendCustomerEmail(input: SendCustomerEmailInput): Promise<SendCustomerEmailResult> {
      const template = emailTemplates[input.kind];
      const key = emailKey(template.campaign, input.subjectId, input.kind, input.rentalEnd);
      const [existing] = await db.select().from(emailOutbox).where(eq(emailOutbox.key, key));
      if (existing?.state === 'sent' || existing?.state === 'rejected' || existing?.state === 'unconfirmed') return { key, status: existing.state, reason: existing.reason ?? undefined };
      if (existing?.state === 'sending' && template.delivery === 'at-most-once') {
        // The attempt holding the row died (or its lease ran out) after the send began: it may have been accepted.
        const [settled] = await db
          .update(emailOutbox)
          .set({ state: 'unconfirmed', reason: unconfirmedReason, leaseUntil: null, updatedAt: new Date() })
          .where(and(eq(emailOutbox.key, key), eq(emailOutbox.state, 'sending'), lt(emailOutbox.leaseUntil, sql`now()`)))
          .returning();
        if (!settled) throw failure('EmailInFlight', `email ${key} is being sent by another attempt`);
        await audit(input, key, 'warning', `unconfirmed ${settled.messageId}: ${unconfirmedReason}`);
        return { key, status: 'unconfirmed', reason: unconfirmedReason };
      }
      if (!existing) {
        await db
          .insert(emailOutbox)
          .values({ key, campaign: template.campaign, kind: input.kind, subjectId: input.subjectId, customerId: input.customerId, messageId: messageIdFor(key, smtp?.domain ?? 'kgc.local'), state: 'pending' })
          .onConflictDoNothing();
      }

      // The one place every campaign passes: a switched-off campaign sends nothing, whatever started it.
      if (!(await campaignEnabled(db, template.campaign))) return skip(input, key, campaignSwitchedOff);
      if (!smtp) return skip(input, key, 'SMTP_URL is not configured');
      if (await isErased(db, input.customerId)) return skip(input, key, 'customer erased (GDPR)');
      if (template.purpose === 'transactional') {
        const consent = consentAllows(template.purpose);
        if (!consent.allowed) return skip(input, key, consent.reason);
      }
      // Address and consent are read from KGC (the master) right before the send, never earlier.
      const customer = await kgc.getCustomer(input.customerId);
      if (!customer) return skip(input, key, 'customer not found in KGC');
      if (!customer.email) return skip(input, key, 'customer has no email address');
      const headers: Record<string, string> = { 'X-KGC-Email-Key': key };
      let unsubscribeUrl: string | undefined;
      if (template.purpose === 'marketing') {
        unsubscribeUrl = unsubscribeUrlFor(input.customerId, customer.email);
        if (!unsubscribeUrl) return skip(input, key, 'PUBLIC_BASE_URL is not configured');
        await rememberMarketingConsent(db, input.customerId, customer.marketing_consent);
        const optedOutAt = await latestOptOut(db, { customerId: input.customerId, emailHash: emailAddressHash(customer.email) });
        const consent = consentAllows(template.purpose, { consent: customer.marketing_consent, optedOutAt });
        if (!consent.allowed) return skip(input, key, consent.reason);
        // RFC 8058: the link in angle brackets is HTTPS in production; the POST header makes it one-click.
        headers['List-Unsubscribe'] = `<${unsubscribeUrl}>`;
        headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
      }
      const email = await render(input, customer, unsubscribeUrl);
      if (template.purpose === 'marketing' && !(await takeMarketingSlot(db, { customerId: input.customerId, emailKey: key, minIntervalMs: marketing!.minIntervalMs }))) {
        return capped(input, key);
      }

      const [claimed] = await db
        .update(emailOutbox)
        .set({ state: 'sending', attempts: sql`${emailOutbox.attempts} + 1`, leaseUntil: sql`now() + make_interval(secs => ${leaseSeconds})`, updatedAt: new Date() })
        .where(and(eq(emailOutbox.key, key), or(inArray(emailOutbox.state, ['pending', 'skipped']), and(eq(emailOutbox.state, 'sending'), lt(emailOutbox.leaseUntil, sql`now()`)))))
        .returning();
      if (!claimed) {
        const [now] = await db.select().from(emailOutbox).where(eq(emailOutbox.key, key));
        if (now?.state === 'sent' || now?.state === 'rejected') return { key, status: now.state, reason: now.reason ?? undefined };
        throw failure('EmailInFlight', `email ${key} is being sent by another attempt`);
      }

      let outcome;
      try {
        outcome = await smtp.send({ to: customer.email, ...email, messageId: claimed.messageId, headers });
      } catch (err) {
        // Nothing was accepted: release the claim so the retry does not wait for the lease.
        await db.update(emailOutbox).set({ state: 'pending', leaseUntil: null, reason: sanitisedFailure(err).message, updatedAt: new Date() }).where(eq(emailOutbox.key, key));
        throw err;
      }
      if (outcome.outcome === 'rejected') {
        await settle(key, 'rejected', { reason: outcome.reason, smtpCode: outcome.code });
        await audit(input, key, 'rejected', outcome.reason);
        return { key, status: 'rejected', reason: outcome.reason };
      }
      await settle(key, 'sent', { reason: outcome.response });
      // An at-least-once email found `sending` was sent again: the same Message-ID, so the inbox can tell.
      const again = existing?.state === 'sending' ? ' again after an unconfirmed attempt (at-least-once)' : '';
      await audit(input, key, 'ok', `sent ${claimed.messageId}${again}`);
      return { key, status: 'sent' };
    },
  };
}
