import { z } from 'zod';
import { kokoIntents } from './koko.js';

/** Gemini's structured answer (the response schema sent with the request); anything else is unusable. */
export const classificationSchema = z.object({
  intent: z.enum(kokoIntents),
  confidence: z.number().min(0).max(1),
  language: z.string().min(2).max(10),
  suggestedReply: z.string().trim().min(1).max(2000),
  needsHuman: z.boolean(),
  reason: z.string().max(500),
  /** The customer describes a machine fault (with `szerviz`, Koko opens a worklog); answers from before it had the field lack it. */
  faultDescribed: z.boolean().default(false),
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
    faultDescribed: { type: 'boolean' },
  },
  required: ['intent', 'confidence', 'language', 'suggestedReply', 'needsHuman', 'reason', 'faultDescribed'],
};
