import { signKgcWebhook, type KgcStandIn } from '../../sandbox/index.js';
import type { Delivery } from './traffic.js';

/** Answers KGC must not retry (the webhook contract): the request itself is wrong. */
const final4xx = new Set([400, 401, 413, 415, 422]);

export interface SendStats {
  sent: number;
  /** Requests, first attempts and retries. */
  attempts: number;
  /** Answers by outcome: accepted, duplicate, skipped, rejected (a final 4xx), retried answers by status. */
  outcomes: Map<string, number>;
  /** Deliveries refused with a final 4xx although their data was valid: the intake lost them. */
  wronglyRejected: Delivery[];
  /** Deliveries with invalid data that the intake accepted. */
  wronglyAccepted: Delivery[];
  /** Still being retried (after stop(): given up, never accepted). */
  inFlight: number;
  /** Send → first 2xx, ms, per delivery. */
  ackMs: number[];
  /** When each 2xx came (epoch ms), beside ackMs. */
  ackAt: number[];
}

/**
 * KGC's side of the webhook contract: it changes its own data, then delivers the event, and re-sends every delivery
 * answered with anything but 2xx (or not answered) with exponential back-off, as KGC's outbox does, until it is
 * accepted or refused for good.
 */
export class KgcSender {
  readonly stats: SendStats = { sent: 0, attempts: 0, outcomes: new Map(), wronglyRejected: [], wronglyAccepted: [], inFlight: 0, ackMs: [], ackAt: [] };
  private readonly pending = new Set<Promise<void>>();
  private readonly erp: ErpTimeline;

  constructor(
    private readonly apiUrl: () => string,
    private readonly secret: string,
    kgc: KgcStandIn,
    deliveries: readonly Delivery[],
  ) {
    this.erp = new ErpTimeline(kgc, deliveries);
  }

  send(d: Delivery): void {
    this.erp.catchUp(d);
    this.stats.sent++;
    this.stats.inFlight++;
    const p = this.deliver(d).finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  private stopped = false;

  /** True once every delivery is answered for good; false when `timeoutMs` passes first. */
  async idle(timeoutMs = Infinity): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending.size > 0 && Date.now() < deadline) await Promise.race([Promise.all([...this.pending]), new Promise((r) => setTimeout(r, Math.min(5000, deadline - Date.now())))]);
    return this.pending.size === 0;
  }

  /** Gives up the deliveries still being retried (they stay counted in `inFlight`). */
  stop(): void {
    this.stopped = true;
  }

  private count(outcome: string) {
    this.stats.outcomes.set(outcome, (this.stats.outcomes.get(outcome) ?? 0) + 1);
  }

  private async deliver(d: Delivery): Promise<void> {
    const body = JSON.stringify({ event: d.event, id: d.id, data: d.data });
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      this.stats.attempts++;
      // Signed per attempt, as KGC signs each request with the time it sends it.
      const res = await fetch(`${this.apiUrl()}/webhooks/kgc`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...signKgcWebhook(this.secret, body) },
        body,
        signal: AbortSignal.timeout(30_000),
      }).catch(() => undefined);
      const answer = res ? ((await res.json().catch(() => ({}))) as { status?: string }) : {};
      if (res && res.status >= 200 && res.status < 300) {
        this.stats.ackMs.push(Date.now() - started);
        this.stats.ackAt.push(Date.now());
        this.count(answer.status ?? String(res.status));
        this.stats.inFlight--;
        if (d.invalid) this.stats.wronglyAccepted.push(d);
        return;
      }
      if (res && final4xx.has(res.status)) {
        this.count(`rejected ${res.status}`);
        this.stats.inFlight--;
        if (!d.invalid) this.stats.wronglyRejected.push(d);
        return;
      }
      this.count(res ? `retried after ${res.status}` : 'retried after no answer');
      if (this.stopped) return;
      // Never before Retry-After (the contract's "retry after Retry-After seconds"); the jitter only adds to it.
      const retryAfter = Number(res?.headers.get('retry-after') ?? 0) * 1000;
      await new Promise((r) => setTimeout(r, Math.max(retryAfter, Math.min(30_000, 500 * 2 ** attempt)) * (1 + Math.random() / 2)));
    }
  }
}

/**
 * The ERP's own data moves in the order events happened, whatever order their deliveries take: before a delivery
 * goes out, every change that happened up to it (its own included) is in the KGC stand-in.
 */
class ErpTimeline {
  private readonly changes: Delivery[];
  private next = 0;

  constructor(
    private readonly kgc: KgcStandIn,
    deliveries: readonly Delivery[],
  ) {
    this.changes = deliveries.filter((d) => d.erp).sort((a, b) => a.happened - b.happened);
  }

  catchUp(d: Delivery): void {
    while (this.next < this.changes.length && this.changes[this.next]!.happened <= Math.max(d.at, d.happened)) this.apply(this.changes[this.next++]!);
  }

  private apply(d: Delivery): void {
    const change = d.erp!;
    if ('customer' in change) this.kgc.putCustomer(change.customer);
    else if ('deleteCustomer' in change) this.kgc.deleteCustomer(change.deleteCustomer);
    else if ('rental' in change) this.kgc.putRental(change.rental);
    else if ('worklog' in change) this.kgc.putWorklog(change.worklog);
    else this.kgc.putOrder(change.order);
  }
}
