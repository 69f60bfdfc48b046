import { eq } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TwentyClient } from '../../src/clients/twenty-client.js';
import { customerNotifications, deadLetters, emailOutbox, integrationLog, kgcEvents, partnerLinks } from '../../src/db/schema.js';
import { provisionTwentyDataModel } from '../../src/clients/twenty-provision.js';
import { workflowIds } from '../../src/contracts/workflow-ids.js';
import { eventually } from '../support/eventually.js';
import { captureLogs, newCustomer, startHarness, type Harness } from '../support/harness.js';
import { historyText } from '../support/history-text.js';

let h: Harness;
let sql: postgres.Sql;
const logs = captureLogs();
beforeAll(async () => {
  h = await startHarness({ env: { CHATWOOT_INBOX_ID: '1' }, smtp: true });
  sql = postgres(h.databaseUrl, { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await sql?.end();
  await h?.close();
});

/** Bytes (payloads) as text, so that a name inside a JSON payload is found like one in a failure message. */

/** Everything that names the customer: the full name, each part of it (Twenty splits it), email, phone, its digits. */
const personalData = (c: ReturnType<typeof newCustomer>) => [c.name, ...c.name.split(' '), c.email!, c.phone, c.phone.slice(-7)];

function hits(where: string, text: string, terms: string[]): string[] {
  return terms.filter((t) => text.includes(t)).map((t) => `${where} contains "${t}"`);
}

const linkOf = async (customerId: string) => (await h.db.select().from(partnerLinks).where(eq(partnerLinks.customerId, customerId)))[0];

describe('no personal data in any error', () => {
  it('Postgres, Twenty and Chatwoot refusals that quote the customer leave no trace of them in logs, histories or error columns', async () => {
    // Twenty: the person's custom field kgcCustomerId was deleted in Twenty's settings; graphql-js refuses the
    // variable and quotes all of it: `Variable "$data" got invalid value { name: …, emails: …, phones: … }`.
    const twentyRefused = newCustomer({ name: 'Kardos Ilona' });
    h.kgc.putCustomer(twentyRefused);
    expect(h.twenty.dropField('person', 'kgcCustomerId')).toBe(true);
    // A missing field is the deployment's fault, not the record's: the sync waits, saying which field is missing.
    // Its person write waits in the task queue's batcher, whose pending upsert shows the failure.
    await h.send('customer.created', twentyRefused);
    const waiting = await eventually(async () => {
      // The batcher starts with the first ask: not found until the sync has asked.
      const batcher = await h.client.workflow.getHandle(workflowIds.twentyPersonBatcher(h.taskQueue)).describe().catch(() => undefined);
      const activity = batcher?.raw.pendingActivities?.find((a) => a.lastFailure);
      return activity?.lastFailure ? activity : undefined;
    }, 'the person upsert refused by Twenty');
    expect((await h.client.workflow.getHandle(`partner-sync/${twentyRefused.customer_id}`).describe()).status.name, 'the sync waits rather than fails').toBe('RUNNING');
    expect(waiting.lastFailure?.applicationFailureInfo?.type).toBe('SetupError');
    expect(waiting.lastFailure?.message, 'the failure keeps code and field name').toMatch(/field "kgcCustomerId" is not defined by type "PersonCreateInput"/);
    expect(hits('the pending failure', JSON.stringify(waiting.lastFailure), personalData(twentyRefused))).toEqual([]);
    await provisionTwentyDataModel(new TwentyClient({ apiUrl: h.twenty.url, apiKey: h.twenty.apiKey, requestsPerMinute: 6000 }));
    expect((await h.partnerSyncResult(twentyRefused.customer_id)).outcome).toBe('synced');

    // Postgres: a check constraint refuses the rows mid-insert and mid-update. Drizzle's error carries the SQL
    // parameters, Postgres's detail the whole row ("Failing row contains (…+3630…)").
    const dbRefused = newCustomer({ name: 'Bodnár Piroska' });
    h.kgc.putCustomer(dbRefused);
    await sql.unsafe(`alter table email_campaign_subjects add constraint refuse_phone check (customer_phone is null) not valid`);
    await sql.unsafe(`alter table customer_notifications add constraint refuse_customer check (customer_id is null) not valid`);
    const repair = { worklog_id: `M-${Date.now()}`, customer_phone: dbRefused.phone, machine_type: 'Makita flex' };
    const refused = await h.send('service.repair_done', repair, { id: `evt-${repair.worklog_id}` });
    expect(refused.status, 'the intake answers 503 when Postgres refuses the insert').toBe(503);
    const notify = h.client.workflow.getHandle(`notify/service.repair_done/${repair.worklog_id}`);
    const pending = await eventually(async () => {
      const activity = (await notify.describe()).raw.pendingActivities?.[0];
      return (activity?.attempt ?? 0) >= 2 && activity;
    }, 'a notification activity failing on Postgres');
    expect(pending.lastFailure?.applicationFailureInfo?.type).toBe('DatabaseError');
    expect(pending.lastFailure?.message).toMatch(/^database statement failed \(23514 on refuse_customer\)$/);
    await sql.unsafe(`alter table email_campaign_subjects drop constraint refuse_phone`);
    await sql.unsafe(`alter table customer_notifications drop constraint refuse_customer`);
    expect((await h.send('service.repair_done', repair, { id: `evt-${repair.worklog_id}` })).status, 'KGC retries the delivery').toBe(202);
    expect(await notify.result()).toMatchObject({ status: 'sent' });

    // Chatwoot: a 422 RecordInvalid whose messages quote the values, as `render_record_invalid` passes on
    // `full_messages` and "<name> is Online" does.
    const chatwootRefused = newCustomer({ name: 'Vörös Tünde' });
    h.kgc.putCustomer(chatwootRefused);
    const quoted = `Name ${chatwootRefused.name} is reserved, Email ${chatwootRefused.email} and Phone number ${chatwootRefused.phone} are blocked`;
    h.chatwoot.faults.set({ failNext: { count: 1, status: 422, body: { message: quoted, attributes: ['name'] } } });
    await h.send('customer.created', chatwootRefused);
    await expect(h.partnerSyncResult(chatwootRefused.customer_id)).rejects.toThrow();
    expect((await linkOf(chatwootRefused.customer_id))?.lastError, 'the failure keeps the attribute at fault').toMatch(/Chatwoot rejected the contact: invalid name/);

    const customers = [twentyRefused, dbRefused, chatwootRefused];
    const terms = customers.flatMap(personalData);
    const found: string[] = [];

    const histories: string[] = [];
    for await (const wf of h.client.workflow.list({ query: `TaskQueue = "${h.taskQueue}"` })) {
      const handle = h.client.workflow.getHandle(wf.workflowId, wf.runId);
      histories.push(wf.workflowId);
      found.push(...hits(`history of ${wf.workflowId}`, historyText(await handle.fetchHistory()), terms));
      found.push(...hits(`description of ${wf.workflowId}`, historyText((await handle.describe()).raw), terms));
    }
    expect(histories.length, 'the scan saw the failed and the retried workflows').toBeGreaterThanOrEqual(4);
    const sample = historyText(await h.client.workflow.getHandle(`partner-sync/${twentyRefused.customer_id}`).fetchHistory());
    expect(sample, 'the scan reads the payloads').toContain(`customerId\\":\\"${twentyRefused.customer_id}`);

    const columns = {
      'partner_links.last_error': await h.db.select({ v: partnerLinks.lastError }).from(partnerLinks),
      'integration_log.detail': await h.db.select({ v: integrationLog.detail }).from(integrationLog),
      'dead_letters.reason': await h.db.select({ v: deadLetters.reason }).from(deadLetters),
      'kgc_events.reason': await h.db.select({ v: kgcEvents.reason }).from(kgcEvents),
      'customer_notifications.reason': await h.db.select({ v: customerNotifications.reason }).from(customerNotifications),
      'email_outbox.reason': await h.db.select({ v: emailOutbox.reason }).from(emailOutbox),
    };
    for (const [column, rows] of Object.entries(columns)) found.push(...hits(column, historyText(rows.map((r) => r.v)), terms));
    expect(columns['integration_log.detail'].length, 'the failed syncs were audited').toBeGreaterThan(0);

    for (const c of customers) found.push(...hits(`GET /admin/partners/${c.customer_id}`, historyText((await h.admin('GET', `/admin/partners/${c.customer_id}`)).body), terms));

    expect(logs.some((l) => l.includes('Activity failed')), 'the worker logged the failed activities').toBe(true);
    found.push(...hits('the service log', logs.join('\n'), terms));

    expect(found).toEqual([]);
  });
});
