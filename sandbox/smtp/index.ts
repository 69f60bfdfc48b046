import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { SmtpFaults } from './faults.js';
import { Inbox, type InboxMessage } from './inbox.js';
import { serveInbox } from './inbox-view.js';

export type { SmtpFaultOptions, SmtpFailNext } from './faults.js';
export type { InboxMessage } from './inbox.js';

export interface SmtpStandInOptions {
  host?: string;
  /** SMTP port; 0 (default) picks a free one. */
  port?: number;
  /** Port of the HTTP inbox view; 0 (default) picks a free one. */
  httpPort?: number;
}

export interface SmtpStandIn {
  /** `smtp://127.0.0.1:<port>`, ready for SMTP_URL. */
  url: string;
  /** The HTTP inbox view (HTML at `/`, JSON at `/api/messages`). */
  inboxUrl: string;
  faults: SmtpFaults;
  inbox(): readonly InboxMessage[];
  /** Transactions begun (MAIL FROM), including those a fault refused: how many times a client tried. */
  readonly attempts: number;
  reset(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real SMTP server (smtp-server, plain SMTP, any or no credentials) that keeps what it receives, parsed by
 * mailparser, and can be down, answer 4xx (transient) or 5xx (permanent) on demand.
 */
export async function startSmtpStandIn(options: SmtpStandInOptions = {}): Promise<SmtpStandIn> {
  const host = options.host ?? '127.0.0.1';
  const inbox = new Inbox();
  let attempts = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth: (_auth, _session, cb) => cb(null, { user: 'sandbox' }),
    onMailFrom: (_address, _session, cb) => {
      attempts++;
      cb();
    },
    onRcptTo: (_address, _session, cb) => cb(faults.take('rcpt') ?? null),
    onData: (stream, session, cb) => {
      simpleParser(stream)
        .then((mail) => {
          const refused = faults.take('data');
          if (refused) return cb(refused);
          const message = inbox.add(
            session.envelope.rcptTo.map((r) => r.address),
            mail,
          );
          cb(null, `Queued as SANDBOX${message.id}`);
        })
        .catch((err: Error) => cb(err));
    },
  });
  let listening = false;
  let port = options.port ?? 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(port, host, () => {
        server.server.off('error', reject);
        port = (server.server.address() as AddressInfo).port;
        listening = true;
        resolve();
      });
    });
  // "Down" closes the listening socket, so clients get ECONNREFUSED; open sessions finish on their own.
  const faults = new SmtpFaults(async (down) => {
    if (down && listening) {
      server.server.close();
      listening = false;
    } else if (!down && !listening) await listen();
  });
  await listen();
  const view = await serveInbox(inbox, faults, { port: options.httpPort, host });

  return {
    url: `smtp://${host}:${port}`,
    inboxUrl: view.url,
    faults,
    inbox: () => inbox.list(),
    get attempts() {
      return attempts;
    },
    async reset() {
      await faults.clear();
      inbox.clear();
      attempts = 0;
    },
    async close() {
      await view.close();
      if (listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
