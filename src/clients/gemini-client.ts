import { ApiError, GoogleGenAI } from '@google/genai';
import { geminiDailyQuotaType } from '../contracts/koko.js';
import { failure, httpFailure, networkFailure } from './errors.js';


export type GeminiOutcome = { kind: 'ok'; json: unknown } | { kind: 'unusable'; reason: string };

interface GoogleErrorDetail {
  '@type'?: string;
  retryDelay?: string;
  violations?: Array<{ quotaId?: string }>;
}

/**
 * Gemini's generateContent through `@google/genai` 2.x, its base URL pointed at GEMINI_API_URL
 * (`httpOptions.baseUrl`), so the sandbox stand-in and Google speak the same REST shape. The SDK's own retries
 * stay off: Temporal retries the activity. Every HTTP outcome becomes a Temporal failure here.
 */
export class GeminiClient {
  private readonly ai: GoogleGenAI;

  constructor(private readonly opts: { apiUrl: string; apiKey: string; model: string; timeoutMs?: number }) {
    this.ai = new GoogleGenAI({ apiKey: opts.apiKey, httpOptions: { baseUrl: opts.apiUrl, timeout: opts.timeoutMs ?? 20_000 } });
  }

  get model(): string {
    return this.opts.model;
  }

  /** Structured JSON output; a blocked prompt, a non-STOP finish or unparseable text is `unusable`, never guessed at. */
  async generateJson(input: { system: string; user: string; schema: Record<string, unknown> }): Promise<GeminiOutcome> {
    let res;
    try {
      res = await this.ai.models.generateContent({
        model: this.opts.model,
        contents: [{ role: 'user', parts: [{ text: input.user }] }],
        config: { systemInstruction: input.system, responseMimeType: 'application/json', responseJsonSchema: input.schema, maxOutputTokens: 1024 },
      });
    } catch (err) {
      throw toFailure(err);
    }
    if (res.promptFeedback?.blockReason) return { kind: 'unusable', reason: `blocked:${res.promptFeedback.blockReason}` };
    const candidate = res.candidates?.[0];
    if (!candidate) return { kind: 'unusable', reason: 'no_candidate' };
    if (candidate.finishReason && candidate.finishReason !== 'STOP') return { kind: 'unusable', reason: `finish:${candidate.finishReason}` };
    const text = res.text;
    if (!text) return { kind: 'unusable', reason: 'empty' };
    try {
      return { kind: 'ok', json: JSON.parse(text) };
    } catch {
      return { kind: 'unusable', reason: 'unparseable' };
    }
  }
}

function toFailure(err: unknown): Error {
  if (!(err instanceof ApiError)) return networkFailure('Gemini', 'generateContent', err);
  if (err.status !== 429) return httpFailure('Gemini', 'generateContent', err.status);
  const details = errorDetails(err.message);
  const perDay = details.some((d) => d.violations?.some((v) => /PerDay/i.test(v.quotaId ?? '')));
  if (perDay) {
    return failure(geminiDailyQuotaType, 'Gemini daily quota exhausted', { detail: { system: 'Gemini', status: 429 }, category: 'BENIGN' });
  }
  const delay = details.find((d) => d['@type']?.endsWith('google.rpc.RetryInfo'))?.retryDelay;
  return failure('RateLimited', 'Gemini generateContent answered HTTP 429', {
    detail: { system: 'Gemini', status: 429 },
    nextRetryDelay: delay && /^\d+(\.\d+)?s$/.test(delay) ? `${Math.ceil(Number.parseFloat(delay))}s` : undefined,
  });
}

/** The SDK puts the JSON error body in `message`. */
function errorDetails(message: string): GoogleErrorDetail[] {
  try {
    const body = JSON.parse(message) as { error?: { details?: GoogleErrorDetail[] } };
    return body.error?.details ?? [];
  } catch {
    return [];
  }
}
