import nodemailer, { type Transporter } from 'nodemailer';
import { failure } from './errors.js';

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Bracketed, stable per idempotency key. */
  messageId: string;
  headers: Record<string, string>;
}

/** What the server said about one message; transient failures never come back here, they are thrown. */
export type SmtpOutcome = { outcome: 'accepted'; response: string } | { outcome: 'rejected'; code?: number; reason: string };

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  permanent?: boolean;
  response?: string;
}

/** Addresses out of whatever a server echoes back, before it reaches a log, a row or a workflow failure. */
export const withoutAddresses = (text: string) => text.replace(/[^\s<>"]+@[^\s<>"]+/g, '[address]');

/**
 * Customer email over SMTP (SMTP_URL). The one place where an SMTP outcome becomes a Temporal outcome: a 5xx
 * reply to the envelope or the message (recipient unknown, message refused) is permanent and returned as
 * `rejected`; 4xx replies, connection and timeout errors, and our own auth or TLS errors (fixed by an operator,
 * then the next retry succeeds) throw a retryable failure. Timeouts stay below the activity's start-to-close.
 */
export class SmtpClient {
  private readonly transport: Transporter;

  constructor(
    private readonly opts: { url: string; from: string },
    timeouts = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 },
  ) {
    this.transport = nodemailer.createTransport({ url: opts.url, ...timeouts });
  }

  /** The domain of MAIL_FROM, for Message-IDs. */
  get domain(): string {
    return /@([^>\s]+)>?\s*$/.exec(this.opts.from)?.[1] ?? 'kgc.local';
  }

  async send(email: OutgoingEmail): Promise<SmtpOutcome> {
    try {
      const info = await this.transport.sendMail({ from: this.opts.from, ...email });
      if ((info.accepted ?? []).length === 0 || (info.rejected ?? []).length > 0) {
        return { outcome: 'rejected', reason: 'recipient rejected' };
      }
      return { outcome: 'accepted', response: withoutAddresses(String(info.response ?? '')) };
    } catch (err) {
      // The server's reply text may quote the recipient's name or address: only the codes leave here.
      const e = err as SmtpError;
      const systemCode = /\bE[A-Z]{3,}\b/.exec(e.message ?? '')?.[0];
      const detail = [e.code ?? 'error', e.responseCode, systemCode !== e.code && systemCode].filter(Boolean).join(' ');
      const refused = (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') && (e.permanent ?? (e.responseCode !== undefined && e.responseCode >= 500 && e.responseCode !== 503));
      if (refused) return { outcome: 'rejected', code: e.responseCode, reason: detail };
      throw failure('SmtpTransient', `SMTP send failed: ${detail}`, { detail: { system: 'SMTP', code: e.code, status: e.responseCode } });
    }
  }

  verify(): Promise<boolean> {
    return this.transport.verify();
  }

  close(): void {
    this.transport.close();
  }
}
