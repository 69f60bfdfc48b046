import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { and, eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGeminiStandIn, type GeminiReply, type GeminiStandIn } from '../../sandbox/gemini/index.js';
import { setAdminPassword } from '../../src/api/console/passwords.js';
import { bulkSyncRuns, deadLetters, kokoDecisions, moduleFlags } from '../../src/db/schema.js';
import { buildConsole, launchChromium } from '../support/browser.js';
import { eventually } from '../support/eventually.js';
import { newCustomer, startHarness, type Harness } from '../support/harness.js';

/**
 * The console in headless Chromium against the whole service, Postgres, Temporal and the stand-ins: what an admin
 * clicks must reach the workflows and the external systems. CONSOLE_SCREENSHOTS=1 refreshes docs/console-*.png.
 */
const chatwootSecret = 'console-test-chatwoot-secret';
const password = 'console test password';
const screenshots = process.env.CONSOLE_SCREENSHOTS === '1';

let h: Harness;
let gemini: GeminiStandIn;
let browser: Browser;
let context: BrowserContext;
let page: Page;
beforeAll(async () => {
  const [, g, b] = await Promise.all([buildConsole(), startGeminiStandIn(), launchChromium()]);
  gemini = g;
  browser = b;
  h = await startHarness({
    chatwoot: { botToken: 'console-bot-token', webhookSecret: chatwootSecret },
    env: {
      GEMINI_API_URL: gemini.url,
      GEMINI_API_KEY: gemini.apiKey,
      CHATWOOT_WEBHOOK_SECRET: chatwootSecret,
      CHATWOOT_BOT_TOKEN: 'console-bot-token',
      KOKO_TEAMS: JSON.stringify({ berles: 1, szerviz: 2, ertekesites: 3, altalanos: 1 }),
      KOKO_APPROVAL_TIMEOUT: '10m',
      BULK_SYNC_CHATWOOT_REQUESTS_PER_MINUTE: '360000',
      TEMPORAL_UI_URL: 'http://127.0.0.1:8233',
    },
  });
  h.chatwoot.setBotWebhookUrl(`${h.apiUrl}/webhooks/chatwoot`);
  h.chatwoot.setDashboardAppUrl(`${h.apiUrl}/console/chatwoot`);
  await setAdminPassword(h.db, 'eva', password);
  if (screenshots) await mkdir('docs', { recursive: true });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
  await gemini?.close();
});

const marker = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;
const midConfidence = (reply: string, intent = 'berles'): GeminiReply => ({
  json: { intent, confidence: 0.65, language: 'hu', suggestedReply: reply, needsHuman: false, reason: 'teszt' },
});
const customerWrites = (content: string) => h.chatwoot.receiveCustomerMessage({ content, phone: `+3620${String(Math.floor(Math.random() * 9_000_000) + 1_000_000)}` });
const publicReplies = (conversationId: number) => h.chatwoot.messages(conversationId).filter((m) => m.message_type === 1 && !m.private);
const decisionsOf = (conversationId: number) => h.db.select().from(kokoDecisions).where(eq(kokoDecisions.conversationId, conversationId));
const shot = async (p: Page, name: string) => {
  if (screenshots) await p.screenshot({ path: `docs/console-${name}.png`, fullPage: true });
};

async function signIn(p: Page) {
  await p.goto(`${h.apiUrl}/console/`);
  await p.getByTestId('sign-in').locator('input[name=name]').fill('eva');
  await p.getByTestId('sign-in').locator('input[name=password]').fill(password);
  await p.getByTestId('sign-in').locator('button[type=submit]').click();
  await p.getByText('Bejelentkezve: eva').waitFor();
}

const suggestionCard = (p: Page, conversationId: number) => p.locator(`[data-testid=suggestion][data-conversation-id="${conversationId}"]`);

describe('admin console in a browser', () => {
  it('signs in with an account, refuses a wrong password, and refuses changes without the CSRF token or from another origin', async () => {
    await page.goto(`${h.apiUrl}/console/`);
    await page.getByTestId('sign-in').locator('input[name=name]').fill('eva');
    await page.getByTestId('sign-in').locator('input[name=password]').fill('not the password');
    await page.getByTestId('sign-in').locator('button[type=submit]').click();
    await page.getByText('Hibás név, jelszó vagy kulcs.').waitFor();
    await shot(page, 'sign-in');
    await signIn(page);
    const cookie = (await context.cookies()).find((c) => c.name === 'kgc_console')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' });

    const withoutToken = await page.evaluate(async () => {
      const res = await fetch('/console/api/admin/bulk-sync', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      return { status: res.status, body: (await res.json()) as { error: { code: string } } };
    });
    expect(withoutToken.status).toBe(403);
    expect(withoutToken.body.error.code).toBe('csrf_token');

    // Another origin of the same site (the Chatwoot stand-in's port): the browser sends the SameSite cookie along.
    const attacker = await context.newPage();
    await attacker.goto(`${h.chatwoot.url}/no-such-page`);
    await attacker.evaluate(async (url) => {
      await fetch(url, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'Content-Type': 'text/plain' }, body: '{}' });
    }, `${h.apiUrl}/console/api/admin/bulk-sync`);
    await attacker.close();
    expect(await h.db.select().from(bulkSyncRuns), 'no bulk sync was started by either request').toEqual([]);

    await page.getByTestId('lang').click();
    await page.getByText('Signed in: eva').waitFor();
    await page.getByTestId('lang').click();
    await page.getByText('Bejelentkezve: eva').waitFor();
  });

  it('approves, edits and approves, and rejects real pending suggestions live, until Chatwoot holds the reply', async () => {
    await page.goto(`${h.apiUrl}/console/#/koko`);
    await page.getByRole('heading', { name: 'Jóváhagyásra vár' }).waitFor();
    const [a, b, c] = [marker('A'), marker('B'), marker('C')];
    gemini.script(a, midConfidence('Igen, holnap reggel 7-től kölcsönözhető.'));
    gemini.script(b, midConfidence('A javítás jövő hétre készül el.', 'szerviz'));
    gemini.script(c, midConfidence('Ez egy rossz javaslat.', 'ertekesites'));
    const convA = customerWrites(`${a} Holnap ki tudom venni a fűnyírót?`).conversation.id;
    const convB = customerWrites(`${b} Mikor lesz kész a láncfűrész?`).conversation.id;
    const convC = customerWrites(`${c} Mennyibe kerül egy új gép?`).conversation.id;

    // Live: the page was open before the customers wrote.
    await suggestionCard(page, convA).waitFor({ timeout: 30_000 });
    await suggestionCard(page, convB).waitFor({ timeout: 30_000 });
    await suggestionCard(page, convC).waitFor({ timeout: 30_000 });
    await expect.poll(() => suggestionCard(page, convA).innerText()).toContain('Holnap ki tudom venni a fűnyírót?');
    await shot(page, 'koko');

    await suggestionCard(page, convA).getByTestId('approve').click();
    await suggestionCard(page, convA).getByTestId('outcome').waitFor({ timeout: 30_000 });
    expect(await suggestionCard(page, convA).getByTestId('outcome').innerText()).toMatch(/Elküldve a Chatwootba \(üzenet #\d+\)/);
    expect(publicReplies(convA).map((m) => m.content)).toEqual(['Igen, holnap reggel 7-től kölcsönözhető.']);

    await suggestionCard(page, convB).getByTestId('reply').fill('Szerkesztve: a láncfűrész csütörtökre kész.');
    await suggestionCard(page, convB).getByText('Szerkesztve jóváhagyás').click();
    await suggestionCard(page, convB).getByTestId('outcome').waitFor({ timeout: 30_000 });
    expect(publicReplies(convB).map((m) => m.content)).toEqual(['Szerkesztve: a láncfűrész csütörtökre kész.']);

    await suggestionCard(page, convC).getByTestId('reject').click();
    await suggestionCard(page, convC).getByTestId('reason').fill('Árat csak kolléga adhat.');
    await suggestionCard(page, convC).getByTestId('confirm-reject').click();
    await suggestionCard(page, convC).getByTestId('outcome').waitFor({ timeout: 30_000 });
    expect(publicReplies(convC), 'a rejected reply is never sent').toEqual([]);

    const decided = async (conv: number) => (await decisionsOf(conv)).filter((d) => d.decision === 'approved' || d.decision === 'rejected').map((d) => `${d.decision}:${d.decidedBy}:${d.via}`);
    expect(await decided(convA)).toEqual(['approved:eva:api']);
    expect(await decided(convB)).toEqual(['approved:eva:api']);
    expect(await eventually(async () => (await decided(convC)).length > 0 && decided(convC), 'the rejection audit')).toEqual(['rejected:eva:api']);

    // The decided list shows who, what and, for the edited reply, the admin's text.
    const table = page.getByTestId('decisions');
    await expect.poll(() => table.innerText(), { timeout: 10_000 }).toContain('Szerkesztve: a láncfűrész csütörtökre kész.');
    expect(await table.innerText()).toContain('eva');
    expect(await table.innerText()).toContain('Árat csak kolléga adhat.');
  });

  it('switches a module from the overview and records the signed-in admin', async () => {
    await page.goto(`${h.apiUrl}/console/#/overview`);
    const support = page.getByTestId('module-support');
    await support.waitFor();
    expect(await support.isChecked()).toBe(true);
    await support.uncheck();
    await eventually(async () => {
      const [flag] = await h.db.select().from(moduleFlags).where(eq(moduleFlags.module, 'support'));
      return flag!.enabled === false && flag!.updatedBy === 'eva';
    }, 'the support module switched off by eva');
    await page.getByTestId('chart-webhooks').waitFor();
    await shot(page, 'overview');
    await support.check();
    await eventually(async () => (await h.db.select().from(moduleFlags).where(eq(moduleFlags.module, 'support')))[0]!.enabled, 'support back on');
  });

  it('pauses and resumes a bulk sync from its progress bar', async () => {
    for (let i = 0; i < 40; i++) h.kgc.putCustomer(newCustomer());
    h.twenty.faults.set({ latencyMs: 400 });
    await page.goto(`${h.apiUrl}/console/#/bulk-sync`);
    await page.getByTestId('history-months').fill('3');
    await page.getByTestId('bulk-start').click();
    const progress = page.getByTestId('bulk-progress');
    await progress.waitFor({ timeout: 15_000 });
    await page.getByTestId('bulk-pause').click();
    await page.locator('[data-testid=bulk-progress][data-paused=true]').waitFor({ timeout: 30_000 });
    await shot(page, 'bulk-sync');
    const [run] = await h.db.select().from(bulkSyncRuns);
    expect(run).toMatchObject({ status: 'running', historyMonths: 3 });
    h.twenty.faults.clear();
    await page.getByTestId('bulk-resume').click();
    await h.client.workflow.getHandle(run!.workflowId).result();
    await expect.poll(() => page.getByTestId('bulk-runs').innerText(), { timeout: 15_000 }).toContain('completed');
  });

  it('redrives a dead letter: the customer is synced again', async () => {
    const customer = newCustomer();
    h.kgc.putCustomer(customer);
    const [letter] = await h.db
      .insert(deadLetters)
      .values({ runId: 'run-from-test', system: 'twenty', recordKind: 'customer', kgcId: customer.customer_id, customerId: customer.customer_id, reason: 'Twenty refused the person (test)' })
      .returning();
    await page.goto(`${h.apiUrl}/console/#/dead-letters`);
    const row = page.locator(`[data-testid=dead-letter][data-id="${letter!.id}"]`);
    await row.waitFor();
    await shot(page, 'dead-letters');
    await row.getByRole('button').click();
    await eventually(async () => (await h.db.select().from(deadLetters).where(and(eq(deadLetters.id, letter!.id), eq(deadLetters.status, 'redriven')))).length === 1, 'the dead letter marked redriven');
    await eventually(() => h.person(customer.customer_id) !== undefined, `${customer.customer_id} written to Twenty by the redrive`);
  });

  it('finds a partner by KGC id, links to its runs in the Temporal Web UI and resyncs it', async () => {
    const customer = newCustomer();
    h.kgc.putCustomer(customer);
    expect((await h.send('customer.created', customer)).status).toBe(202);
    await h.partnerSyncResult(customer.customer_id);
    await page.goto(`${h.apiUrl}/console/#/partners`);
    await page.getByTestId('partner-search').fill(customer.customer_id);
    await page.getByTestId('partner-search').press('Enter');
    const card = page.getByTestId('partner');
    await expect.poll(() => card.innerText(), { timeout: 15_000 }).toContain('synced');
    const href = await card.getByRole('link').getAttribute('href');
    expect(decodeURIComponent(href!)).toContain(`/namespaces/default/workflows?query=KgcCustomerId = "${customer.customer_id}"`);
    const runsBefore = (await h.client.workflow.getHandle(`partner-sync/${customer.customer_id}`).describe()).runId;
    await card.getByRole('button').click();
    await page.getByText('Újraszinkron elindítva.').waitFor();
    await eventually(async () => (await h.client.workflow.getHandle(`partner-sync/${customer.customer_id}`).describe()).runId !== runsBefore, 'a new partner-sync run');
  });

  it('runs as a Chatwoot dashboard app: receives the conversation by postMessage and approves from the iframe', async () => {
    const m = marker('DASH');
    gemini.script(m, midConfidence('A gép hétfőn visszahozható.'));
    const conv = customerWrites(`${m} Mikor hozhatom vissza a gépet?`).conversation.id;
    await eventually(async () => (await h.admin('GET', '/koko/suggestions?status=pending')).body.some((s: { conversationId: number }) => s.conversationId === conv), 'the pending suggestion');

    const chatwootPage = await context.newPage();
    await chatwootPage.setViewportSize({ width: 1100, height: 800 });
    await chatwootPage.goto(`${h.chatwoot.url}/app/accounts/${h.chatwoot.accountId}/conversations/${conv}`);
    const app = chatwootPage.frameLocator('#dashboard-app--frame-0-0');
    await app.locator(`[data-testid=dashboard-app][data-conversation-id="${conv}"]`).waitFor({ timeout: 20_000 });
    const card = app.locator(`[data-testid=suggestion][data-conversation-id="${conv}"]`);
    await card.waitFor();
    await shot(chatwootPage, 'chatwoot-dashboard-app');
    await card.getByTestId('approve').click();
    await card.getByTestId('outcome').waitFor({ timeout: 30_000 });
    expect(publicReplies(conv).map((x) => x.content)).toEqual(['A gép hétfőn visszahozható.']);
    expect((await decisionsOf(conv)).filter((d) => d.decision === 'approved').map((d) => d.decidedBy)).toEqual(['eva']);
    await expect.poll(() => app.getByTestId('decisions').innerText(), { timeout: 10_000 }).toContain('eva');
    await chatwootPage.close();
  });
});
