import type { IncomingMessage, ServerResponse } from 'node:http';

export interface FailNext {
  count: number;
  /** An HTTP status, or 'LIMIT_REACHED' for Twenty's HTTP-200 rate-limit error. */
  status: number | 'LIMIT_REACHED';
  retryAfterSeconds?: number;
  /** The stand-in's answer as the real system words it, instead of its generic error for `status`. */
  body?: unknown;
}

export interface FaultOptions {
  latencyMs?: number;
  /** Probability (0..1) that a request is answered with a 5xx. */
  errorRatio?: number;
  /** Probability (0..1) that a request is refused as rate-limited: Twenty's LIMIT_REACHED, a 429 elsewhere. */
  rateLimitRatio?: number;
  failNext?: FailNext;
  /** Connections are destroyed without an answer, as if the service were down. */
  down?: boolean;
}

/** How a stand-in words an injected failure in its own error format. */
export type FaultResponder = (res: ServerResponse, status: number | 'LIMIT_REACHED', retryAfterSeconds?: number, body?: unknown) => void;

/** Switchable failures shared by every stand-in; settings merge until clear(). */
export class Faults {
  private options: FaultOptions = {};

  constructor(private readonly random: () => number = Math.random) {}

  set(options: FaultOptions): void {
    this.options = { ...this.options, ...options };
    if (options.failNext) this.options.failNext = { ...options.failNext };
  }

  clear(): void {
    this.options = {};
  }

  get current(): Readonly<FaultOptions> {
    return this.options;
  }

  /** Applies the active faults; true when the request has been dealt with and must not reach the handler. */
  async intercept(req: IncomingMessage, res: ServerResponse, respond: FaultResponder): Promise<boolean> {
    const { latencyMs, errorRatio, rateLimitRatio, failNext, down } = this.options;
    if (latencyMs) await new Promise((r) => setTimeout(r, latencyMs));
    if (down) {
      req.socket.destroy();
      return true;
    }
    if (failNext && failNext.count > 0) {
      failNext.count -= 1;
      if (failNext.count === 0) delete this.options.failNext;
      respond(res, failNext.status, failNext.retryAfterSeconds, failNext.body);
      return true;
    }
    if (errorRatio && this.random() < errorRatio) {
      respond(res, 503);
      return true;
    }
    if (rateLimitRatio && this.random() < rateLimitRatio) {
      // No Retry-After: Chatwoot's Rack::Attack sends none (config/initializers/rack_attack.rb leaves it off).
      respond(res, 'LIMIT_REACHED');
      return true;
    }
    return false;
  }
}
