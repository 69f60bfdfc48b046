import { mkdir } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setAdminPassword } from '../../src/api/console/passwords.js';
import { campaignSwitches } from '../../src/db/schema.js';
import { buildConsole, launchChromium } from '../support/browser.js';
import { eventually } from '../support/eventually.js';
import { newCustomer, startHarness, type Harness } from '../support/harness.js';

/**
 * The console's Kampányok page in headless Chromium against the whole service: switches, preview and a
 * new-product campaign an admin starts, pauses and resumes until the SMTP stand-in holds its emails.
 * CONSOLE_SCREENSHOTS=1 refreshes docs/console-campaigns.png.
 */
const password = 'console campaigns password';
const screenshots = process.env.CONSOLE_SCREENSHOTS === '1';

let h: Harness;
let browser: Browser;
let page: Page;
beforeAll(async () => {
  const [, b] = await Promise.all([buildConsole(), launchChromium()]);
  browser = b;
  h = await startHarness({
    smtp: true,
    // One email every two seconds: slow enough to pause between two recipients, quick enough to finish in the test.
    env: { PUBLIC_BASE_URL: 'https://kgc.example.hu', UNSUBSCRIBE_SECRET: 'console-campaigns-unsubscribe-secret-0123', NEW_PRODUCT_EMAILS_PER_MINUTE: '30' },
  });
  await setAdminPassword(h.db, 'eva', password);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  await page.goto(`${h.apiUrl}/console/`);
  await page.getByTestId('sign-in').locator('input[name=name]').fill('eva');
  await page.getByTestId('sign-in').locator('input[name=password]').fill(password);
  await page.getByTestId('sign-in').locator('button[type=submit]').click();
  await page.getByText('Bejelentkezve: eva').waitFor();
  await page.getByTestId('nav-campaigns').click();
  await page.getByRole('heading', { name: 'Kampányok', exact: true }).waitFor();
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const consented = { marketing_consent: { email: true, updated_at: '2026-01-01T00:00:00Z' } };
/** A KGC customer with an address and the given consent, who rented the category a month ago (KGC's audience). */
let n = 0;
function renter(category: string, consent: object) {
  const c = { ...newCustomer(), ...consent } as ReturnType<typeof newCustomer> & { email: string };
  h.kgc.putCustomer(c);
  const rentedOn = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
  h.kgc.putRental({ rental_id: `R-CC-${Date.now()}-${++n}`, customer_id: c.customer_id, machine_name: 'gép', rental_start: rentedOn, rental_end: rentedOn, status: 'completed', category });
  return c;
}
const count = (card: ReturnType<Page['locator']>, key: string) => card.locator(`[data-count=${key}]`).innerText().then(Number);

describe('console: campaigns page', () => {
  it('switches a campaign off and on, recording the signed-in admin; the API reads the state back', async () => {
    const upsell = page.getByTestId('campaign-upsell');
    await expect.poll(() => upsell.isChecked()).toBe(true);
    await upsell.uncheck();
    await eventually(async () => (await h.admin('GET', '/admin/campaigns')).body.upsell === false, 'upsell off through the API');
    const [row] = await h.db.select().from(campaignSwitches).where(eq(campaignSwitches.campaign, 'upsell'));
    expect(row, 'the switch records the admin who is signed in').toMatchObject({ enabled: false, updatedBy: 'eva' });
    await expect.poll(() => page.getByTestId('campaign-upsell').locator('xpath=..').innerText()).toContain('eva');

    const withoutToken = await page.evaluate(async () => {
      const res = await fetch('/console/api/admin/campaigns/upsell', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{"enabled": true}' });
      return res.status;
    });
    expect(withoutToken, 'a change without the CSRF token is refused').toBe(403);
    expect((await h.admin('GET', '/admin/campaigns')).body.upsell, 'and changes nothing').toBe(false);

    await page.getByTestId('campaign-upsell').check();
    await eventually(async () => (await h.admin('GET', '/admin/campaigns')).body.upsell === true, 'upsell on again through the API');
    expect((await h.admin('GET', '/admin/campaigns/switches')).body.switches).toContainEqual(expect.objectContaining({ campaign: 'upsell', enabled: true, updatedBy: 'eva' }));
  });

  it("previews a campaign's email for a KGC customer: HTML in a sandboxed frame and the text, nothing sent", async () => {
    const c = { ...newCustomer(), ...consented } as ReturnType<typeof newCustomer> & { email: string };
    h.kgc.putCustomer(c);
    await page.getByTestId('preview-kind').selectOption('win-back');
    await page.getByTestId('preview-customer').fill(c.customer_id);
    await page.getByTestId('preview-show').click();
    await page.getByTestId('preview').waitFor();
    expect(await page.getByTestId('preview-subject').innerText()).toBe('Hiányzik! Íme 10% kedvezmény következő bérlésre');
    expect(await page.getByTestId('preview-text').innerText(), 'the text part greets the KGC customer by given name').toContain(`Kedves ${c.name.split(' ').at(-1)}!`);
    const frame = page.getByTestId('preview-html');
    expect(await frame.getAttribute('sandbox'), 'the email HTML runs in an empty sandbox').toBe('');
    expect(await page.frameLocator('[data-testid=preview-html]').locator('body').innerText()).toContain('Leiratkozás');
    expect(h.smtp!.inbox(), 'a preview sends nothing').toHaveLength(0);
  });

  it("starts a new-product campaign for KGC's audience, pauses and resumes it, and shows the final report; the emails are in the SMTP stand-in", async () => {
    const category = `Makita fúrók ${Date.now()}`;
    h.kgc.putProduct({ sku: 'DHP486', name: 'Makita DHP486 ütvefúró', category, arrived_at: '2026-11-20' });
    const willing = [0, 1, 2, 3, 4].map(() => renter(category, consented));
    const silent = renter(category, {});
    await page.getByTestId('np-category').fill(category);
    await page.getByTestId('np-start').click();
    const card = page.getByTestId('np-progress').first();
    await card.waitFor();
    const runId = (await card.getAttribute('data-run-id'))!;
    const mails = () => h.smtp!.inbox().filter((m) => (m.headers['x-kgc-email-key'] ?? '').startsWith(`new-product/${runId}:`));

    await eventually(async () => (await count(card, 'sent')) >= 1, 'the first email counted on the page');
    await card.getByTestId('np-pause').click();
    await expect.poll(() => card.getAttribute('data-phase'), { timeout: 15_000 }).toBe('paused');
    await new Promise((r) => setTimeout(r, 1_000));
    const held = mails().length;
    await new Promise((r) => setTimeout(r, 2_500));
    expect(mails(), 'nothing is sent while paused').toHaveLength(held);
    expect(held, 'paused before the end of the audience').toBeLessThan(5);
    if (screenshots) {
      await mkdir('docs', { recursive: true });
      // A full-page capture leaves the sandboxed preview frame blank (Chromium draws it in its own process): the
      // window is made as tall as the page instead.
      const height = await page.locator('body').evaluate((body) => body.scrollHeight);
      await page.setViewportSize({ width: 1280, height });
      await page.waitForTimeout(500);
      await page.screenshot({ path: 'docs/console-campaigns.png' });
      await page.setViewportSize({ width: 1280, height: 900 });
    }

    await card.getByTestId('np-resume').click();
    await expect.poll(() => card.getAttribute('data-phase'), { timeout: 30_000 }).toBe('done');
    expect(await count(card, 'sent')).toBe(5);
    expect(await count(card, 'skipped_no_consent')).toBe(1);
    expect(await card.innerText()).toContain('Zárójelentés');
    expect(mails().map((m) => m.to[0]).sort(), 'each customer with consent mailed once').toEqual(willing.map((c) => c.email).sort());
    expect(h.smtp!.inbox().some((m) => m.to.includes(silent.email)), 'the customer without consent is not mailed').toBe(false);

    const past = page.getByTestId('np-runs').locator(`tr[data-run-id="${runId}"]`);
    await expect.poll(() => past.innerText(), { timeout: 15_000 }).toContain('kész');
    const run = (await h.admin('GET', '/admin/campaigns/new-product')).body.runs.find((r: { runId: string }) => r.runId === runId);
    expect(run).toMatchObject({ category, status: 'completed', report: { phase: 'done', processed: 6, sent: 5, skipped_no_consent: 1, listed: 6, moreToList: false } });
  });
});
