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
 * The body Twenty posts: one per webhook and event batch (core-modules/webhook/utils/
 * transform-webhook-event-batch-to-webhook-data.ts), `items` holding each record of the batch. `single` is the
 * older one-POST-per-record body (call-webhook-jobs.job.ts, deprecated late 2025), which also carried the actor.
 */
export type WebhookBodyForm = 'batch' | 'single';

interface Queued {
  hook: TwentyWebhook;
  eventName: string;
  event: RecordEvent;
  actor?: WebhookActor;
}

/**
 * Twenty's outbound webhooks as its source sends them (core-modules/webhook/jobs/call-webhook-jobs.job.ts,
 * call-webhook.job.ts): the record events of one write are one batch, sent after the transaction commits; body =
 * the job data without `secret`, serialised with JSON.stringify; with a secret, `X-Twenty-Webhook-Timestamp`
 * (Date.now() in ms), `X-Twenty-Webhook-Signature` = hex HMAC-SHA256(secret, "<timestamp>:<body>") and
 * `X-Twenty-Webhook-Nonce` (16 random bytes, hex). 5 s timeout; a failure is only audited, never retried.
 */
export class WebhookEmitter {
  readonly hooks: TwentyWebhook[] = [];
  readonly deliveries: WebhookDelivery[] = [];
  private readonly pending = new Set<Promise<void>>();
  private queued: Queued[] = [];

  constructor(
    private readonly workspaceId: string,
    private readonly form: WebhookBodyForm = 'batch',
  ) {}

  add(hook: Omit<TwentyWebhook, 'id' | 'operations'> & { operations?: string[] }): TwentyWebhook {
    const created = { id: randomUUID(), operations: ['*.*'], ...hook };
    this.hooks.push(created);
    return created;
  }

  emit(event: RecordEvent, actor?: WebhookActor): void {
    const eventName = `${event.meta.nameSingular}.${event.action}`;
    const patterns = new Set([eventName, `*.${event.action}`, `${event.meta.nameSingular}.*`, '*.*']);
    const hooks = this.hooks.filter((h) => h.operations.some((o) => patterns.has(o)));
    if (hooks.length === 0) return;
    // The events of one write arrive in one synchronous run; they leave together once it has returned.
    if (this.queued.length === 0) {
      const sending = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush()).finally(() => this.pending.delete(sending));
      this.pending.add(sending);
    }
    for (const hook of hooks) this.queued.push({ hook, eventName, event, actor });
  }

  /** Waits for every delivery under way (tests). */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  reset(): void {
    this.hooks.length = 0;
    this.deliveries.length = 0;
  }

  private async flush(): Promise<void> {
    const queued = this.queued;
    this.queued = [];
    const batches = new Map<string, Queued[]>();
    for (const q of queued) {
      const key = this.form === 'batch' ? `${q.hook.id} ${q.eventName}` : randomUUID();
      batches.set(key, [...(batches.get(key) ?? []), q]);
    }
    await Promise.all([...batches.values()].map((batch) => this.send(batch)));
  }

  private async send(batch: Queued[]): Promise<void> {
    const [{ hook, eventName, event, actor }] = batch as [Queued];
    const envelope = {
      targetUrl: hook.targetUrl,
      eventName,
      objectMetadata: { id: event.meta.id, nameSingular: event.meta.nameSingular },
      workspaceId: this.workspaceId,
      webhookId: hook.id,
      eventDate: new Date().toISOString(),
    };
    const item = (e: RecordEvent) => ({ record: e.record, ...(e.updatedFields ? { updatedFields: e.updatedFields } : {}) });
    const payload = this.form === 'batch' ? { ...envelope, items: batch.map((q) => item(q.event)), batchSize: batch.length } : { ...envelope, ...(actor ?? {}), ...item(event) };
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (hook.secret) Object.assign(headers, signTwentyWebhook(hook.secret, body));
    let status: WebhookDelivery['status'];
    try {
      status = (await fetch(hook.targetUrl, { method: 'POST', headers, body, signal: AbortSignal.timeout(5_000) })).status;
    } catch {
      status = 'failed';
    }
    for (const q of batch) this.deliveries.push({ webhookId: hook.id, eventName, recordId: q.event.record.id, status });
  }
}
