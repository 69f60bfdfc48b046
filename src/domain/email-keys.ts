import { createHash } from 'node:crypto';

/** Idempotency key of one customer email: campaign, subject (rental or worklog id), kind, and the due date it is about. */
export function emailKey(campaign: string, subjectId: string, kind: string, rentalEnd?: string): string {
  return [campaign, subjectId, kind, ...(rentalEnd ? [rentalEnd] : [])].join('/');
}

/** A Message-ID that is the same for every attempt of one key, so a resend is recognisable as the same message. */
export function messageIdFor(key: string, domain: string): string {
  const readable = key.replace(/[^A-Za-z0-9_-]+/g, '.');
  const digest = createHash('sha256').update(key).digest('hex').slice(0, 12);
  return `<${readable}.${digest}@${domain}>`;
}
