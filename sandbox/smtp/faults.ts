/** An SMTP reply to give instead of accepting: 4xx is transient, 5xx permanent (RFC 5321). */
export interface SmtpFailNext {
  count: number;
  code: number;
  /** `rcpt`: refuse the recipient (nodemailer EENVELOPE); `data`: refuse the message after DATA (EMESSAGE). */
  stage?: 'rcpt' | 'data';
  message?: string;
}

export interface SmtpFaultOptions {
  /** Nothing listens on the port: connections are refused, as with a server that is down. */
  down?: boolean;
  failNext?: SmtpFailNext;
}

export class SmtpError extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** Switchable SMTP failures; settings merge until clear(). `down` is applied by the stand-in (it owns the socket). */
export class SmtpFaults {
  private options: SmtpFaultOptions = {};

  constructor(private readonly onDown: (down: boolean) => Promise<void>) {}

  async set(options: SmtpFaultOptions): Promise<void> {
    this.options = { ...this.options, ...options };
    if (options.failNext) this.options.failNext = { ...options.failNext };
    if (options.down !== undefined) await this.onDown(options.down);
  }

  async clear(): Promise<void> {
    const wasDown = this.options.down;
    this.options = {};
    if (wasDown) await this.onDown(false);
  }

  get current(): Readonly<SmtpFaultOptions> {
    return this.options;
  }

  /** The reply to give at this stage, if a failure is due; counts it down. */
  take(stage: 'rcpt' | 'data'): SmtpError | undefined {
    const f = this.options.failNext;
    if (!f || f.count <= 0 || (f.stage ?? 'data') !== stage) return undefined;
    f.count -= 1;
    if (f.count === 0) delete this.options.failNext;
    return new SmtpError(f.code, f.message ?? (f.code >= 500 ? 'Requested action not taken: mailbox unavailable' : 'Requested action aborted: try again later'));
  }
}
