import { count, eq } from 'drizzle-orm';
import type { ChatwootStandIn, GeminiStandIn, KgcStandIn } from '../sandbox/index.js';
import { setAdminPassword } from '../src/api/console/passwords.js';
import { openDatabase } from '../src/db/client.js';
import { bulkSyncRuns, kokoSuggestions } from '../src/db/schema.js';

export const demoAdmin = { name: 'demo', password: 'demo-admin-password' };

/**
 * What a newcomer needs to see every console page alive, made through the real paths: a demo admin; on a fresh
 * database a bulk sync (finished in seconds) that dead-letters one KGC customer whose phone is not E.164; and, when
 * none waits, a customer message in the Chatwoot stand-in that Koko answers with a suggestion for approval.
 */
export async function seedConsoleDemo(o: {
  databaseUrl: string;
  apiUrl: string;
  adminApiKey: string;
  kgc?: KgcStandIn;
  chatwoot?: ChatwootStandIn;
  gemini?: GeminiStandIn;
}): Promise<{ conversationUrl?: string }> {
  const database = openDatabase(o.databaseUrl, { max: 1 });
  try {
    await setAdminPassword(database.db, demoAdmin.name, demoAdmin.password);
    const [runs] = await database.db.select({ n: count() }).from(bulkSyncRuns);
    if (runs!.n === 0 && o.kgc) {
      o.kgc.putCustomer({ customer_id: 'C-1099', name: 'Hibás Telefon Bt.', phone: '06 30 123 4567', email: null, is_business: true, created_at: '2026-01-10' });
      await fetch(`${o.apiUrl}/admin/bulk-sync`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${o.adminApiKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ historyMonths: 12 }),
      });
    }
    const [pending] = await database.db.select({ n: count() }).from(kokoSuggestions).where(eq(kokoSuggestions.status, 'pending'));
    if (pending!.n > 0 || !o.chatwoot || !o.gemini) return {};
    o.gemini.script('DEMO-KOKO', {
      json: { intent: 'berles', confidence: 0.66, language: 'hu', suggestedReply: 'Jó napot! A fűnyíró holnap reggel 7-től kölcsönözhető az üzletünkben.', needsHuman: false, reason: 'demo' },
    });
    const { conversation } = o.chatwoot.receiveCustomerMessage({ content: 'Jó napot! Holnap ki tudnám venni a fűnyírót? (DEMO-KOKO)', phone: '+36301234567', name: 'Kovács János' });
    return { conversationUrl: `${o.chatwoot.url}/app/accounts/${o.chatwoot.accountId}/conversations/${conversation.id}` };
  } finally {
    await database.close();
  }
}
