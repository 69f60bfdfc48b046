import type { WorkflowHandle } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { startChatwootStandIn, startKgcStandIn } from '../../sandbox/index.js';
import { startGeminiStandIn, type GeminiReply } from '../../sandbox/gemini/index.js';
import { startCompiledRole } from '../support/compiled-service.js';
import { numberArg, percentile, startBenchStack } from '../support/stack.js';

/**
 * Koko's own latency, against the compiled service (worker and API processes) and the Chatwoot and Gemini stand-ins:
 *  - a customer message (Chatwoot's signed agent-bot webhook) → Koko's auto-reply in Chatwoot, minus the fixed time
 *    the Gemini stand-in takes to answer (`--gemini-ms`): the time Koko itself adds;
 *  - an admin's approval (`POST /koko/suggestions/:id/approve`) → the message in Chatwoot.
 * One conversation at a time, as a latency (not throughput) measure.
 *   npm run bench:koko [-- --messages 30 --approvals 30 --gemini-ms 500]
 */
const messages = numberArg('messages', 30);
const approvals = numberArg('approvals', 30);
const geminiMs = numberArg('gemini-ms', 500);
const admin = 'bench-admin-key-0123456789';
const chatwootSecret = 'bench-chatwoot-webhook-secret';
const botToken = 'bench-chatwoot-bot-token';

const classified = (confidence: number, reply: string): GeminiReply => ({
  json: { intent: 'altalanos', confidence, language: 'hu', suggestedReply: reply, needsHuman: false, reason: 'bench' },
});

/** Resolves with the time `probe` first holds, checked every 2 ms; throws after `timeoutMs`. */
async function until<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;

/** The stages of one auto-reply, from its workflow's history (server clock, same machine) and the bench's own clock. */
const stageNames = ['webhook → workflow started', '→ classification scheduled', '→ classification started', 'classification, beyond Gemini', '→ reply scheduled', '→ reply started', '→ reply in Chatwoot'] as const;
function stages(history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>>, sentAt: number, visibleAt: number): number[] {
  const events = history.events ?? [];
  const scheduled = (activity: string) => events.find((x) => x.activityTaskScheduledEventAttributes?.activityType?.name === activity)!;
  const after = (activity: string, kind: 'activityTaskStartedEventAttributes' | 'activityTaskCompletedEventAttributes') => {
    const id = String(scheduled(activity).eventId);
    return ms(events.find((x) => String(x[kind]?.scheduledEventId) === id)?.eventTime);
  };
  const points = [
    sentAt,
    ms(events.find((x) => x.workflowExecutionStartedEventAttributes)?.eventTime),
    ms(scheduled('classifyCustomerMessages').eventTime),
    after('classifyCustomerMessages', 'activityTaskStartedEventAttributes'),
    after('classifyCustomerMessages', 'activityTaskCompletedEventAttributes') - geminiMs,
    ms(scheduled('sendKokoReply').eventTime) - geminiMs,
    after('sendKokoReply', 'activityTaskStartedEventAttributes') - geminiMs,
    visibleAt - geminiMs,
  ];
  return points.slice(1).map((p, i) => p - points[i]!);
}

const summary = (sorted: number[]) => `p50 ${percentile(sorted, 50).toFixed(0)} ms   p95 ${percentile(sorted, 95).toFixed(0)} ms   p99 ${percentile(sorted, 99).toFixed(0)} ms`;

async function main() {
  const stack = await startBenchStack();
  const kgc = await startKgcStandIn();
  const chatwoot = await startChatwootStandIn({ botToken, webhookSecret: chatwootSecret });
  const gemini = await startGeminiStandIn();
  gemini.faults.set({ latencyMs: geminiMs });
  const env = {
    DATABASE_URL: stack.databaseUrl,
    TEMPORAL_ADDRESS: stack.temporal.address,
    TEMPORAL_TASK_QUEUE: `bench-koko-${Date.now().toString(36)}`,
    KGC_API_URL: kgc.url,
    KGC_API_KEY: kgc.apiKey,
    KGC_WEBHOOK_SECRET: 'bench-kgc-webhook-secret',
    ADMIN_API_KEY: admin,
    ERASURE_HASH_KEY: 'bench-erasure-hash-key-0123456789abcdef',
    CRM_MODULE_ENABLED: 'false',
    CHATWOOT_API_URL: chatwoot.url,
    CHATWOOT_ACCOUNT_ID: String(chatwoot.accountId),
    CHATWOOT_API_KEY: chatwoot.userToken,
    CHATWOOT_BOT_TOKEN: botToken,
    CHATWOOT_WEBHOOK_SECRET: chatwootSecret,
    KOKO_TEAMS: JSON.stringify({ berles: 1, szerviz: 2, ertekesites: 3, altalanos: 1 }),
    GEMINI_API_URL: gemini.url,
    GEMINI_API_KEY: gemini.apiKey,
  };
  const worker = await startCompiledRole('worker', env);
  const api = await startCompiledRole('api', env);
  chatwoot.setBotWebhookUrl(`${api.apiUrl}/webhooks/chatwoot`);
  const adminCall = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${api.apiUrl}${path}`, { method, headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };
  const botReply = (conversationId: number) => chatwoot.messages(conversationId).find((m) => m.message_type === 1 && !m.private);
  let phone = 1_000_000;
  const customerWrites = (text: string) => chatwoot.receiveCustomerMessage({ content: text, phone: `+3620${phone++}` });

  try {
    const autoReply = async () => {
      const m = `AUTO-${randomUUID().slice(0, 8)}`;
      gemini.script(m, classified(0.95, 'Hétköznap 7 és 17 óra között vagyunk nyitva.'));
      const [started, sentAt] = [performance.now(), Date.now()];
      const { conversation } = customerWrites(`${m} Mikor vagytok nyitva?`);
      await until(() => botReply(conversation.id), `the auto-reply in conversation ${conversation.id}`);
      const [took, visibleAt] = [performance.now() - started, Date.now()];
      // An activity's started event is written when it completes: wait for the reply's, then read the stages.
      const handle = stack.temporal.client.workflow.getHandle(`koko/${conversation.id}`);
      const history = await until(async () => {
        const h = await handle.fetchHistory();
        const reply = h.events?.find((x) => x.activityTaskScheduledEventAttributes?.activityType?.name === 'sendKokoReply');
        return h.events?.some((x) => String(x.activityTaskCompletedEventAttributes?.scheduledEventId) === String(reply?.eventId)) ? h : undefined;
      }, `the reply activity's completion in conversation ${conversation.id}`);
      return { took, stages: stages(history, sentAt, visibleAt) };
    };
    const approval = async () => {
      const m = `APPROVE-${randomUUID().slice(0, 8)}`;
      gemini.script(m, classified(0.65, 'Holnap délután kész a gép.'));
      const { conversation } = customerWrites(`${m} Mikor lesz kész a gépem?`);
      const suggestion = await until(async () => {
        const pending = (await adminCall('GET', '/koko/suggestions?status=pending')).body as Array<{ id: string; conversationId: number }>;
        return pending.find((s) => s.conversationId === conversation.id);
      }, `a pending suggestion in conversation ${conversation.id}`);
      const started = performance.now();
      const approved = await adminCall('POST', `/koko/suggestions/${suggestion.id}/approve`, { by: 'bench' });
      if (approved.status !== 200) throw new Error(`approve answered ${approved.status}`);
      await until(() => botReply(conversation.id), `the approved reply in conversation ${conversation.id}`);
      return performance.now() - started;
    };

    // Warm-up: the first run of each path loads code and opens connections in both processes.
    for (let i = 0; i < 3; i++) await autoReply();
    for (let i = 0; i < 3; i++) await approval();

    const added: number[] = [];
    const stageTimes: number[][] = stageNames.map(() => []);
    for (let i = 0; i < messages; i++) {
      const sample = await autoReply();
      added.push(sample.took - geminiMs);
      sample.stages.forEach((t, j) => stageTimes[j]!.push(t));
    }
    const approved: number[] = [];
    for (let i = 0; i < approvals; i++) approved.push(await approval());
    added.sort((a, b) => a - b);
    approved.sort((a, b) => a - b);

    console.log(`\nbench/koko  (compiled worker + API; Gemini stand-in answers after ${geminiMs} ms; one conversation at a time)`);
    console.log(`  webhook → auto-reply, beyond Gemini   ${messages} messages    ${summary(added)}   (goal p50 ≤ 200 ms)`);
    console.log('    where it goes (p50 of each stage; server event times, whole ms):');
    stageNames.forEach((name, j) => console.log(`      ${name.padEnd(32)} ${percentile(stageTimes[j]!.sort((a, b) => a - b), 50).toFixed(0)} ms`));
    console.log(`  approval → message in Chatwoot        ${approvals} approvals   ${summary(approved)}   (goal p99 ≤ 500 ms)`);
  } finally {
    await api.stop();
    await worker.stop();
    await Promise.all([kgc.close(), chatwoot.close(), gemini.close()]);
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
