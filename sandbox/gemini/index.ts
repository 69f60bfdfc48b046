import { Faults } from '../faults.js';
import { listen, readBody, sendJson, type ListenOptions, type RequestStats } from '../http.js';
import { dailyQuotaError, errorBody, perMinuteQuotaError } from './errors.js';

/**
 * What the stand-in answers to one generateContent call, in the shapes of Google's Gemini API:
 * a JSON object as the model's text, raw text, a blocked prompt, a finish reason, or an HTTP error.
 */
export type GeminiReply =
  | { json: Record<string, unknown>; finishReason?: string }
  | { text: string; finishReason?: string }
  | { blockReason: 'SAFETY' | 'OTHER' | 'BLOCKLIST' | 'PROHIBITED_CONTENT' }
  | { status: 400 | 403 | 404 | 500 | 503 }
  | { quota: 'day' | 'minute'; retryDelaySeconds?: number };

export interface GeminiRequestRecord {
  model: string;
  apiKey: string | undefined;
  body: Record<string, any>;
  /** The user parts joined, what a test matches a script against. */
  prompt: string;
}

export interface GeminiStandInOptions extends ListenOptions {
  apiKey?: string;
  /** Answer when no script matches: by default an "altalanos" intent with confidence 0.3. */
  fallback?: GeminiReply;
}

export interface GeminiStandIn {
  url: string;
  apiKey: string;
  faults: Faults;
  /**
   * Scripts the answers to requests whose prompt contains `match`: each such request takes the next reply,
   * and the last one repeats. Per-test unique markers keep tests that share a stand-in apart.
   */
  script(match: string, ...replies: GeminiReply[]): void;
  readonly requests: readonly GeminiRequestRecord[];
  reset(): void;
  close(): Promise<void>;
}

const path = /^\/(v1beta|v1)\/models\/([^/:]+):generateContent$/;

function candidateText(text: string, finishReason = 'STOP') {
  return {
    candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason, index: 0 }],
    usageMetadata: { promptTokenCount: 120, candidatesTokenCount: 40, totalTokenCount: 160 },
    modelVersion: 'sandbox',
    responseId: `sandbox-${Date.now().toString(36)}`,
  };
}

export async function startGeminiStandIn(options: GeminiStandInOptions = {}): Promise<GeminiStandIn> {
  const apiKey = options.apiKey ?? 'gemini-sandbox-key';
  const fallback: GeminiReply = options.fallback ?? {
    json: { intent: 'altalanos', confidence: 0.3, language: 'hu', suggestedReply: 'Köszönjük, kollégánk hamarosan válaszol.', needsHuman: true, reason: 'no script', faultDescribed: false },
  };
  const scripts: Array<{ match: string; replies: GeminiReply[] }> = [];
  const requests: GeminiRequestRecord[] = [];
  const faults = new Faults();
  const stats: RequestStats = { count: 0 };
  const reset = () => {
    scripts.length = 0;
    requests.length = 0;
    stats.count = 0;
  };

  const pick = (prompt: string): GeminiReply => {
    const script = scripts.find((s) => prompt.includes(s.match));
    if (!script) return fallback;
    return script.replies.length > 1 ? script.replies.shift()! : script.replies[0]!;
  };

  const server = await listen(
    {
      faults,
      stats,
      reset,
      respondToFault: (res, status) => {
        if (status === 429 || status === 'LIMIT_REACHED') return sendJson(res, 429, perMinuteQuotaError(1));
        sendJson(res, status, errorBody(status, 'The model is overloaded. Please try again later.'));
      },
      handle: async (req, res) => {
        const m = path.exec((req.url ?? '/').split('?')[0] ?? '/');
        if (req.method !== 'POST' || !m) return sendJson(res, 404, errorBody(404, `Method not found: ${req.method} ${req.url}`));
        const key = (req.headers['x-goog-api-key'] as string | undefined) ?? new URL(req.url ?? '/', 'http://x').searchParams.get('key') ?? undefined;
        let body: Record<string, any>;
        try {
          body = JSON.parse(await readBody(req)) as Record<string, any>;
        } catch {
          return sendJson(res, 400, errorBody(400, 'Invalid JSON payload received.'));
        }
        const prompt = ((body.contents ?? []) as Array<{ parts?: Array<{ text?: string }> }>)
          .flatMap((c) => c.parts ?? [])
          .map((p) => p.text ?? '')
          .join('\n');
        requests.push({ model: m[2]!, apiKey: key, body, prompt });
        if (key !== apiKey) {
          return sendJson(res, 400, {
            error: {
              code: 400,
              message: 'API key not valid. Please pass a valid API key.',
              status: 'INVALID_ARGUMENT',
              details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }],
            },
          });
        }
        const reply = pick(prompt);
        if ('status' in reply) return sendJson(res, reply.status, errorBody(reply.status, 'Sandbox fault'));
        if ('quota' in reply) {
          return sendJson(res, 429, reply.quota === 'day' ? dailyQuotaError(m[2]!) : perMinuteQuotaError(reply.retryDelaySeconds ?? 1));
        }
        if ('blockReason' in reply) {
          return sendJson(res, 200, { promptFeedback: { blockReason: reply.blockReason, safetyRatings: [] }, usageMetadata: { promptTokenCount: 120, totalTokenCount: 120 }, modelVersion: 'sandbox' });
        }
        const text = 'json' in reply ? JSON.stringify(reply.json) : reply.text;
        sendJson(res, 200, candidateText(text, reply.finishReason));
      },
    },
    options,
  );

  return {
    url: server.url,
    apiKey,
    faults,
    script: (match, ...replies) => {
      if (replies.length === 0) throw new Error('script needs at least one reply');
      scripts.push({ match, replies });
    },
    requests,
    reset,
    close: () => server.close(),
  };
}
