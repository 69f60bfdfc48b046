import { createHmac, randomUUID } from 'node:crypto';

export interface Delivery {
  url: string;
  event: string;
  deliveryId: string;
  attempts: number;
  status: number | null;
  error?: string;
}

export interface WebhookSenderOptions {
  secret: string;
  timeoutMs?: number;
  /** AgentBots::WebhookJob retries a 429/500 answer, 3 attempts in all, 3 s apart. */
  retryDelayMs?: number;
}

/** The headers lib/webhooks/trigger.rb adds when the receiver has a secret; the timestamp is in seconds. */
export function signChatwootWebhook(secret: string, rawBody: string, timestampSeconds = Math.floor(Date.now() / 1000)) {
  const ts = String(timestampSeconds);
  return {
    'X-Chatwoot-Timestamp': ts,
    'X-Chatwoot-Signature': `sha256=${createHmac('sha256', secret).update(`${ts}.${rawBody}`).digest('hex')}`,
  };
}

export class WebhookSender {
  readonly deliveries: Delivery[] = [];
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly options: WebhookSenderOptions) {}

  /** Fire and forget like Sidekiq; `idle()` lets a test wait for the outcome. Resolves true on a 2xx. */
  send(url: string, payload: Record<string, unknown>): Promise<boolean> {
    const p = this.deliver(url, payload);
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
    return p;
  }

  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private async deliver(url: string, payload: Record<string, unknown>): Promise<boolean> {
    const body = JSON.stringify(payload);
    const delivery: Delivery = { url, event: String(payload.event), deliveryId: randomUUID(), attempts: 0, status: null };
    this.deliveries.push(delivery);
    for (;;) {
      delivery.attempts += 1;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            Accept: 'application/json',
            'X-Chatwoot-Delivery': delivery.deliveryId,
            ...signChatwootWebhook(this.options.secret, body),
          },
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
        });
        await res.arrayBuffer();
        delivery.status = res.status;
        if (res.ok) return true;
        if ((res.status !== 429 && res.status !== 500) || delivery.attempts >= 3) return false;
      } catch (err) {
        delivery.error = err instanceof Error ? err.message : String(err);
        return false;
      }
      await new Promise((r) => setTimeout(r, this.options.retryDelayMs ?? 3_000));
    }
  }
}
