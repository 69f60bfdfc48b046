import { createHmac } from 'node:crypto';

export interface KgcWebhookHeaders {
  'X-KGC-Timestamp': string;
  'X-KGC-Signature': string;
}

/** Milliseconds (Date.now()) by default; pass a time in seconds to imitate a sender that uses seconds. */
export function signKgcWebhook(secret: string, rawBody: string, timestampMs: number = Date.now()): KgcWebhookHeaders {
  const ts = String(timestampMs);
  const hex = createHmac('sha256', secret).update(`${ts}.${rawBody}`).digest('hex');
  return { 'X-KGC-Timestamp': ts, 'X-KGC-Signature': `sha256=${hex}` };
}

export interface SendKgcWebhookInput {
  url: string;
  secret: string;
  event: string;
  data: unknown;
  id?: string;
  occurredAt?: string;
  timestampMs?: number;
}

/** Posts the envelope the way KGC does and returns what the receiver answered. */
export async function sendKgcWebhook(input: SendKgcWebhookInput): Promise<{ status: number; body: unknown }> {
  const envelope = {
    event: input.event,
    data: input.data,
    ...(input.id !== undefined && { id: input.id }),
    ...(input.occurredAt !== undefined && { occurred_at: input.occurredAt }),
  };
  const rawBody = JSON.stringify(envelope);
  const res = await fetch(input.url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...signKgcWebhook(input.secret, rawBody, input.timestampMs) },
    body: rawBody,
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // a non-JSON answer is returned as text
  }
  return { status: res.status, body };
}
