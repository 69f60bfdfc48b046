import { startGeminiStandIn, type GeminiStandIn } from '../../sandbox/gemini/index.js';
import { startHarness, type Harness } from './harness.js';

/** The Koko team ids the Chatwoot stand-in knows. */
export const kokoTeams = { berles: 1, szerviz: 2, ertekesites: 3, altalanos: 1 };

/**
 * The service with Koko switched on: a Gemini stand-in, Chatwoot's bot webhook pointed at the intake, and the
 * bot token and webhook secret named after the test file so no two files share them.
 */
export async function startKokoStack(name: string, env: Record<string, string> = {}): Promise<{ h: Harness; gemini: GeminiStandIn; webhookSecret: string; close(): Promise<void> }> {
  const botToken = `${name}-bot-token`;
  const webhookSecret = `${name}-chatwoot-secret`;
  const gemini = await startGeminiStandIn();
  const h = await startHarness({
    chatwoot: { botToken, webhookSecret },
    env: {
      GEMINI_API_URL: gemini.url,
      GEMINI_API_KEY: gemini.apiKey,
      GEMINI_MODEL: 'gemini-3.5-flash-lite',
      CHATWOOT_WEBHOOK_SECRET: webhookSecret,
      CHATWOOT_BOT_TOKEN: botToken,
      KOKO_TEAMS: JSON.stringify(kokoTeams),
      ...env,
    },
  });
  h.chatwoot.setBotWebhookUrl(`${h.apiUrl}/webhooks/chatwoot`);
  return { h, gemini, webhookSecret, close: async () => { await h.close(); await gemini.close(); } };
}
