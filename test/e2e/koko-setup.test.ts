import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGeminiStandIn, type GeminiStandIn } from '../../sandbox/gemini/index.js';

import { eventually } from '../support/eventually.js';
import { startHarness, type Harness } from '../support/harness.js';
import { kokoStatus } from '../../src/contracts/workflow-messages.js';

const chatwootSecret = 'koko-user-token-secret';

let h: Harness;
let gemini: GeminiStandIn;
beforeAll(async () => {
  gemini = await startGeminiStandIn();
  h = await startHarness({
    // Chatwoot has teams 1 and 2 only; KOKO_TEAMS names a third.
    chatwoot: {
      webhookSecret: chatwootSecret,
      teams: [1, 2].map((id) => ({ id, name: `team-${id}`, description: '', allow_auto_assign: true })),
      // An installation with WEBHOOK_TIMEOUT at 30 s (Chatwoot's default is 5): on a loaded test machine the first
      // webhook to a freshly started service can take longer than 5 s, and Chatwoot then opens the conversation for
      // the agents, which rightly silences Koko. This file is about the reply's sender, not that timeout.
      webhookTimeoutMs: 30_000,
    },
    env: {
      GEMINI_API_URL: gemini.url,
      GEMINI_API_KEY: gemini.apiKey,
      CHATWOOT_WEBHOOK_SECRET: chatwootSecret,
      // No CHATWOOT_BOT_TOKEN: Koko posts with the administrator's token as the stand-in's one agent bot.
      CHATWOOT_BOT_ID: '1',
      KOKO_TEAMS: JSON.stringify({ berles: 1, szerviz: 2, ertekesites: 7, altalanos: 1 }),
    },
  });
  expect(h.chatwoot.botId).toBe(1);
  h.chatwoot.setBotWebhookUrl(`${h.apiUrl}/webhooks/chatwoot`);
});
afterAll(async () => {
  await h?.close();
  await gemini?.close();
});

describe('Koko set up without a bot token', () => {
  it('is not ready while KOKO_TEAMS names a team Chatwoot does not know (Chatwoot would silently clear it)', async () => {
    const res = await fetch(`${h.apiUrl}/ready`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { modules: { support: unknown } }).modules.support).toEqual({
      enabled: true,
      chatwoot: 'misconfigured',
      gemini: 'ok',
      smtp: 'not configured',
      problems: ['KOKO_TEAMS.ertekesites: Chatwoot has no team 7'],
    });
  });

  it('posts its reply as the agent bot (sender_id), so the reply is not taken for an agent’s and the run goes on', async () => {
    const m = `USER-${randomUUID().slice(0, 8)}`;
    gemini.script(m, { json: { intent: 'berles', confidence: 0.95, language: 'hu', suggestedReply: 'Szombaton 8-tól 12-ig.', needsHuman: false, reason: 'teszt' } });
    const sentBefore = h.chatwoot.deliveries.length;
    const { conversation: conv } = h.chatwoot.receiveCustomerMessage({ content: `${m} Nyitva vagytok szombaton?`, phone: '+36201234567' });
    await h.chatwoot.webhooksIdle();
    expect(h.chatwoot.deliveries[sentBefore], 'the message webhook answered in Chatwoot’s time (a failed one opens the conversation for the agents)').toMatchObject({ event: 'message_created', status: 200 });
    const reply = await eventually(() => h.chatwoot.messages(conv.id).find((x) => x.message_type === 1 && !x.private), 'the auto reply');
    expect(reply.sender?.type, 'Chatwoot takes a message without the bot id for the admin’s own').toBe('agent_bot');
    const handle = h.client.workflow.getHandle(`koko/${conv.id}`);
    const { runId } = await handle.describe();
    await h.chatwoot.webhooksIdle();
    // Had the reply counted as an agent's, the run would have ended and this message would start a new one.
    h.chatwoot.receiveCustomerMessage({ content: `${m} És vasárnap?`, conversationId: conv.id });
    const status = await eventually(async () => {
      const s = await h.client.workflow.getHandle(`koko/${conv.id}`, runId).query(kokoStatus);
      return s.replies === 2 || s.phase === 'done' ? s : undefined;
    }, 'the second reply');
    expect(status, 'the first run answers both messages: its own reply did not end the bot’s part').toMatchObject({ replies: 2, phase: 'waiting' });
    await handle.terminate('test done');
  });
});
