import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { RecordEvent } from './mutations.js';

/** A webhook as Settings → APIs & Webhooks stores it: target, subscribed operations and an optional secret. */
export interface TwentyWebhook {
  id: string;
  targetUrl: string;
  /** `person.created`, `*.updated`, `opportunity.*`, `*.*` (the default). */
  operations: string[];
  secret?: string;
}

export interface WebhookDelivery {
  webhookId: string;
  eventName: string;
  recordId: string;
  status: number | 'failed';
}

/** The signature headers Twenty adds for a webhook with a secret, over the exact body it sends. */
export function signTwentyWebhook(secret: string, body: string, timestampMs = Date.now()): Record<string, string> {
  const timestamp = String(timestampMs);
  return {
    'X-Twenty-Webhook-Timestamp': timestamp,
    'X-Twenty-Webhook-Signature': createHmac('sha256', secret).update(`${timestamp}:${body}`).digest('hex'),
    'X-Twenty-Webhook-Nonce': randomBytes(16).toString('hex'),
  };
}

/** Who made a change through the app's UI; API-key writes carry no actor in the payload. */
export interface WebhookActor {
  userId: string;
  workspaceMemberId: string;
}

/**
 * Twenty's outbound webhooks as its source sends them (core-modules/webhook/jobs/call-webhook-jobs.job.ts,
 * call-webhook.job.ts): one POST per record event and webhook, body = the job data without `secret`, serialised
 * with JSON.stringify; with a secret, `X-Twenty-Webhook-Timestamp` (Date.now() in ms), `X-Twenty-Webhook-Signature`
 * = hex HMAC-SHA256(secret, "<timestamp>:<body>") and `X-Twenty-Webhook-Nonce` (16 random bytes, hex). 5 s
 * timeout; a failure is only audited, never retried.
 */
export class WebhookEmitter {
  readonly hooks: TwentyWebhook[] = [];
  readonly deliveries: WebhookDelivery[] = [];
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly workspaceId: string) {}

  add(hook: Omit<TwentyWebhook, 'id' | 'operations'> & { operations?: string[] }): TwentyWebhook {
    const created = { id: randomUUID(), operations: ['*.*'], ...hook };
    this.hooks.push(created);
    return created;
  }

  emit(event: RecordEvent, actor?: WebhookActor): void {
    const eventName = `${event.meta.nameSingular}.${event.action}`;
    const patterns = new Set([eventName, `*.${event.action}`, `${event.meta.nameSingular}.*`, '*.*']);
    for (const hook of this.hooks.filter((h) => h.operations.some((o) => patterns.has(o)))) {
      const payload = {
        targetUrl: hook.targetUrl,
        eventName,
        objectMetadata: { id: event.meta.id, nameSingular: event.meta.nameSingular },
        workspaceId: this.workspaceId,
        webhookId: hook.id,
        eventDate: new Date().toISOString(),
        ...(actor ?? {}),
        record: event.record,
        ...(event.updatedFields ? { updatedFields: event.updatedFields } : {}),
      };
      const sending = this.send(hook, eventName, event.record.id, JSON.stringify(payload)).finally(() => this.pending.delete(sending));
      this.pending.add(sending);
    }
  }

  /** Waits for every delivery under way (tests). */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  reset(): void {
    this.hooks.length = 0;
    this.deliveries.length = 0;
  }

  private async send(hook: TwentyWebhook, eventName: string, recordId: string, body: string): Promise<void> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (hook.secret) Object.assign(headers, signTwentyWebhook(hook.secret, body));
    // The job runs after the transaction commits: the caller's request has its answer first.
    await new Promise((r) => setImmediate(r));
    let status: WebhookDelivery['status'];
    try {
      status = (await fetch(hook.targetUrl, { method: 'POST', headers, body, signal: AbortSignal.timeout(5_000) })).status;
    } catch {
      status = 'failed';
    }
    this.deliveries.push({ webhookId: hook.id, eventName, recordId, status });
  }
}
