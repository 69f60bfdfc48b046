import { z } from 'zod';

/** Koko's intents (seed 001 "Koko AI ↔ Chatwoot flow"); KOKO_TEAMS maps each to a Chatwoot team. */
export const kokoIntents = ['berles', 'szerviz', 'ertekesites', 'altalanos'] as const;
export type KokoIntent = (typeof kokoIntents)[number];

/** Gemini's structured answer (gemini-and-email.md "Classification output"); anything else is unusable. */
export const classificationSchema = z.object({
  intent: z.enum(kokoIntents),
  confidence: z.number().min(0).max(1),
  language: z.string().min(2).max(10),
  suggestedReply: z.string().trim().min(1).max(2000),
  needsHuman: z.boolean(),
  reason: z.string().max(500),
});
export type Classification = z.infer<typeof classificationSchema>;

/** The same shape as Gemini's `responseJsonSchema`. */
export const classificationJsonSchema: Record<string, unknown> = {
  type: 'object',
  properties: {
    intent: { type: 'string', enum: [...kokoIntents] },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
    language: { type: 'string' },
    suggestedReply: { type: 'string' },
    needsHuman: { type: 'boolean' },
    reason: { type: 'string' },
  },
  required: ['intent', 'confidence', 'language', 'suggestedReply', 'needsHuman', 'reason'],
};

/** Read from KOKO_* by the API and fixed per run in the workflow input, so a run decides deterministically. */
export interface KokoSettings {
  autoReplyAt: number;
  approvalAt: number;
  approvalTimeoutMs: number;
  teams: Record<string, number>;
}

/** Why Koko handed a conversation to a human; the audit and the private note say it. */
export type EscalationReason =
  | 'low_confidence'
  | 'rejected_by_admin'
  | 'approval_timeout'
  | 'gemini_unusable'
  | 'gemini_unavailable'
  | 'gemini_daily_quota'
  | 'reply_not_sent';

/** Marks every message Koko posts, so its own webhooks are never taken for a customer's or an agent's. */
export const kokoMessageMarker = 'koko_key';
