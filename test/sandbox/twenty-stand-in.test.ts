import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTwentyStandIn, type TwentyStandIn, type TwentyStandInOptions } from '../../sandbox/index.js';

interface GqlResult {
  data?: Record<string, any> | null;
  errors?: { message: string; extensions: Record<string, any> }[];
}

let twenty: TwentyStandIn;
const gql = async (path: '/graphql' | '/metadata', query: string, variables?: unknown, key = twenty.apiKey): Promise<GqlResult> => {
  const res = await fetch(`${twenty.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as GqlResult;
};
const core = (query: string, variables?: unknown) => gql('/graphql', query, variables);
const meta = (query: string, variables?: unknown) => gql('/metadata', query, variables);

const ID_A = '0b0f2c5e-1c1a-4f6e-8a7b-111111111111';
const ID_B = '0b0f2c5e-1c1a-4f6e-8a7b-222222222222';
const upsert = `mutation($data: [PersonCreateInput!]!) { createPeople(data: $data, upsert: true) { id city emails { primaryEmail } name { firstName lastName } deletedAt } }`;

async function start(options: TwentyStandInOptions = {}) {
  twenty = await startTwentyStandIn({ rateLimit: false, ...options });
}
afterEach(() => twenty.close());

describe('Twenty stand-in: auth and records', () => {
  beforeEach(() => start());

  it('answers a bad API key with HTTP 200 and UNAUTHENTICATED', async () => {
    const res = await gql('/graphql', '{ people { totalCount } }', undefined, 'nope');
    expect(res.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('upserts on id: the second write updates the same row, partially for composites', async () => {
    await core(upsert, { data: [{ id: ID_A, name: { firstName: 'János', lastName: 'Kovács' }, emails: { primaryEmail: 'j@k.hu' } }] });
    const res = await core(upsert, { data: [{ id: ID_A, city: 'Győr', name: { firstName: 'Jani' } }] });
    expect(res.data?.createPeople[0]).toMatchObject({ id: ID_A, city: 'Győr', name: { firstName: 'Jani', lastName: 'Kovács' }, emails: { primaryEmail: 'j@k.hu' } });
    expect(twenty.listRecords('people')).toHaveLength(1);
  });

  it('upserts on emails.primaryEmail, keeps the existing id and restores a soft-deleted row', async () => {
    await core(upsert, { data: [{ id: ID_A, emails: { primaryEmail: 'ada@x.com' } }] });
    await core(`mutation { deletePerson(id: "${ID_A}") { id } }`);
    const res = await core(upsert, { data: [{ emails: { primaryEmail: 'ada@x.com' }, city: 'Pécs' }] });
    expect(res.data?.createPeople[0]).toMatchObject({ id: ID_A, city: 'Pécs', deletedAt: null });
  });

  it('canonicalises emails like Twenty: an upsert with another id and the email in capitals updates the owner and answers its id', async () => {
    await core(upsert, { data: [{ id: ID_A, emails: { primaryEmail: 'Ada@X.com' }, city: 'Eger' }] });
    expect(twenty.getRecord('person', ID_A)).toMatchObject({ emails: { primaryEmail: 'ada@x.com' } });
    const res = await core(upsert, { data: [{ id: ID_B, emails: { primaryEmail: 'ADA@x.COM' }, city: 'Pécs' }] });
    expect(res.data?.createPeople[0]).toMatchObject({ id: ID_A, city: 'Pécs' });
    expect(twenty.getRecord('person', ID_B)).toBeUndefined();
  });

  it('finds a trashed email owner only when the filter names deletedAt', async () => {
    await core(upsert, { data: [{ id: ID_A, emails: { primaryEmail: 'trash@x.com' } }] });
    await core(`mutation { deletePerson(id: "${ID_A}") { id } }`);
    const owner = (filter: string) => core(`{ people(filter: ${filter}) { edges { node { id } } } }`);
    expect((await owner('{ emails: { primaryEmail: { eq: "trash@x.com" } } }')).data?.people.edges).toEqual([]);
    const withTrash = await owner('{ emails: { primaryEmail: { eq: "trash@x.com" } }, or: [{ deletedAt: { is: NULL } }, { deletedAt: { is: NOT_NULL } }] }');
    expect(withTrash.data?.people.edges).toEqual([{ node: { id: ID_A } }]);
  });

  it('answers the updated rows of an upsert batch first, then the inserted ones, as Twenty does', async () => {
    await core(upsert, { data: [{ id: ID_B, city: 'Eger' }] });
    const res = await core(upsert, { data: [{ id: ID_A, city: 'Pécs' }, { id: ID_B, city: 'Győr' }] });
    expect(res.data?.createPeople.map((p: { id: string }) => p.id)).toEqual([ID_B, ID_A]);
  });

  it('validates phones like Twenty: a calling code must map to a country and the number must parse under it', async () => {
    const phone = (phones: Record<string, string>) => core(upsert, { data: [{ id: ID_A, phones }] });
    const refused = async (phones: Record<string, string>) => (await phone(phones)).errors?.[0]?.extensions;
    expect(await refused({ primaryPhoneNumber: '12345678', primaryPhoneCallingCode: '+800', primaryPhoneCountryCode: '' })).toMatchObject({
      code: 'BAD_USER_INPUT',
      subCode: 'INVALID_PHONE_CALLING_CODE',
    });
    expect(await refused({ primaryPhoneNumber: '301234567', primaryPhoneCallingCode: '+36', primaryPhoneCountryCode: 'XX' })).toMatchObject({ subCode: 'INVALID_PHONE_COUNTRY_CODE' });
    expect(await refused({ primaryPhoneNumber: '301234567', primaryPhoneCallingCode: '+36', primaryPhoneCountryCode: 'FR' })).toMatchObject({
      subCode: 'CONFLICTING_PHONE_CALLING_CODE_AND_COUNTRY_CODE',
    });
    expect(await refused({ primaryPhoneNumber: 'not-a-number', primaryPhoneCallingCode: '+36', primaryPhoneCountryCode: 'HU' })).toMatchObject({ subCode: 'INVALID_PHONE_NUMBER' });
    expect(await refused({ primaryPhoneNumber: '+33123456789', primaryPhoneCountryCode: 'HU' })).toMatchObject({ subCode: 'CONFLICTING_PHONE_COUNTRY_CODE' });
    expect(twenty.getRecord('person', ID_A), 'a refused phone fails the whole record').toBeUndefined();

    expect((await phone({ primaryPhoneNumber: '+36301234567' })).errors).toBeUndefined();
    expect(twenty.getRecord('person', ID_A)).toMatchObject({ phones: { primaryPhoneNumber: '301234567', primaryPhoneCountryCode: 'HU', primaryPhoneCallingCode: '+36' } });
  });

  it('refuses an upsert whose id and email point at different rows', async () => {
    await core(upsert, { data: [{ id: ID_A, emails: { primaryEmail: 'a@x.com' } }, { id: ID_B, emails: { primaryEmail: 'b@x.com' } }] });
    const res = await core(upsert, { data: [{ id: ID_A, emails: { primaryEmail: 'b@x.com' } }] });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', subCode: 'UPSERT_MULTIPLE_MATCHING_RECORDS_CONFLICT' });
  });

  it('rejects a plain create of a duplicate email with the conflicting record id, changing nothing', async () => {
    await core(upsert, { data: [{ id: ID_A, emails: { primaryEmail: 'a@x.com' } }] });
    const res = await core(`mutation($d: [PersonCreateInput!]!) { createPeople(data: $d) { id } }`, {
      d: [{ id: ID_B, emails: { primaryEmail: 'new@x.com' } }, { emails: { primaryEmail: 'a@x.com' } }],
    });
    expect(res.errors?.[0]).toMatchObject({ message: 'A duplicate entry was detected', extensions: { code: 'BAD_USER_INPUT', conflictingRecordId: ID_A } });
    expect(twenty.getRecord('person', ID_B)).toBeUndefined();
  });

  it('hides soft-deleted rows unless the filter names deletedAt, and destroy removes the row for good', async () => {
    await core(upsert, { data: [{ id: ID_A, emails: { primaryEmail: 'a@x.com' } }] });
    await core(`mutation { deletePerson(id: "${ID_A}") { id } }`);
    expect((await core('{ people { totalCount } }')).data?.people.totalCount).toBe(0);
    const trash = await core('{ people(filter: { deletedAt: { is: NOT_NULL } }) { totalCount } }');
    expect(trash.data?.people.totalCount).toBe(1);
    expect(twenty.getRecord('person', ID_A)?.emails).toEqual({ primaryEmail: 'a@x.com', additionalEmails: null });
    await core(`mutation { destroyPerson(id: "${ID_A}") { id } }`);
    expect(twenty.getRecord('person', ID_A)).toBeUndefined();
    const again = await core(`mutation { destroyPerson(id: "${ID_A}") { id } }`);
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', subCode: 'RECORD_NOT_FOUND' });
  });

  it('answers findOne without a match with NOT_FOUND rather than null', async () => {
    const res = await core(`{ person(filter: { id: { eq: "${ID_A}" } }) { id } }`);
    expect(res.errors?.[0]).toMatchObject({ message: 'Record not found', extensions: { code: 'NOT_FOUND' } });
  });

  it('filters with and/or/not, literal % in ilike, "" as NULL and neq dropping NULL', async () => {
    await core(upsert, {
      data: [
        { id: ID_A, city: 'Paris', name: { lastName: 'Lovelace' } },
        { id: ID_B, city: '', name: { lastName: 'Babbage' } },
      ],
    });
    const ids = async (filter: string) => ((await core(`{ people(filter: ${filter}) { edges { node { id } } } }`)).data?.people.edges as { node: { id: string } }[]).map((e) => e.node.id);
    expect(await ids('{ city: { ilike: "par" } }')).toEqual([]);
    expect(await ids('{ city: { ilike: "%AR%" } }')).toEqual([ID_A]);
    expect(await ids('{ city: { eq: "" } }')).toEqual([ID_B]);
    expect(await ids('{ city: { is: NULL } }')).toEqual([ID_B]);
    expect(await ids('{ city: { neq: "Rome" } }')).toEqual([ID_A]);
    expect(await ids('{ or: [{ name: { lastName: { eq: "Babbage" } } }, { city: { eq: "Paris" } }] }')).toEqual([ID_A, ID_B]);
    expect(await ids('{ not: { name: { lastName: { like: "Love%" } } } }')).toEqual([ID_B]);
  });

  it('pages with base64 JSON cursors forwards and backwards, with totalCount and the argument conflicts', async () => {
    const data = Array.from({ length: 5 }, (_, i) => ({ id: `0b0f2c5e-1c1a-4f6e-8a7b-00000000000${i}`, city: `C${i}` }));
    await core(upsert, { data });
    const page = async (args: string) =>
      (await core(`{ people(${args}, orderBy: [{ city: DescNullsLast }]) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { node { city } } } }`)).data?.people;
    const first = await page('first: 2');
    expect(first.edges.map((e: any) => e.node.city)).toEqual(['C4', 'C3']);
    expect(first).toMatchObject({ totalCount: 5, pageInfo: { hasNextPage: true } });
    expect(JSON.parse(Buffer.from(first.pageInfo.endCursor, 'base64').toString())).toEqual({ city: 'C3', id: data[3]!.id });
    const second = await page(`first: 2, after: "${first.pageInfo.endCursor}"`);
    expect(second.edges.map((e: any) => e.node.city)).toEqual(['C2', 'C1']);
    const back = await page(`last: 2, before: "${second.pageInfo.startCursor}"`);
    expect(back.edges.map((e: any) => e.node.city)).toEqual(['C4', 'C3']);
    expect(back.pageInfo.hasPreviousPage).toBe(false);
    const conflict = await core('{ people(first: 1, last: 1) { totalCount } }');
    expect(conflict.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', subCode: 'ARGS_CONFLICT' });
    const bad = await core('{ people(after: "not-a-cursor") { totalCount } }');
    expect(bad.errors?.[0]?.extensions.subCode).toBe('INVALID_CURSOR');
  });
});

describe('Twenty stand-in: metadata', () => {
  beforeEach(() => start());

  const personId = async () => {
    const res = await meta('{ objects(paging: { first: 100 }) { edges { node { id nameSingular fieldsList { name } } } } }');
    return (res.data?.objects.edges as { node: { id: string; nameSingular: string } }[]).find((e) => e.node.nameSingular === 'person')!.node.id;
  };

  it('exposes a custom field in /graphql as soon as createOneField succeeds, with Twenty type names', async () => {
    const before = await core('{ people { edges { node { paymentStatus } } } }');
    expect(before.errors?.[0]?.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const objectMetadataId = await personId();
    const createField = `mutation($input: CreateOneFieldMetadataInput!) { createOneField(input: $input) { id name type } }`;
    await meta(createField, {
      input: { field: { objectMetadataId, type: 'SELECT', name: 'paymentStatus', label: 'Payment Status', options: [{ value: 'GOOD', label: 'Good', color: 'green', position: 0 }, { value: 'LATE', label: 'Late', color: 'red', position: 1 }] } },
    });
    await meta(createField, { input: { field: { objectMetadataId, type: 'CURRENCY', name: 'totalRevenue', label: 'Total Revenue' } } });
    const created = await core(`mutation { createPerson(data: { id: "${ID_A}", paymentStatus: LATE, totalRevenue: { amountMicros: "1500000000", currencyCode: "HUF" } }) { paymentStatus totalRevenue { amountMicros currencyCode } } }`);
    expect(created.data?.createPerson).toEqual({ paymentStatus: 'LATE', totalRevenue: { amountMicros: 1500000000, currencyCode: 'HUF' } });
    const typeName = await core('{ __type(name: "PersonPaymentStatusEnum") { enumValues { name } } }');
    expect(typeName.data?.__type.enumValues.map((v: { name: string }) => v.name)).toEqual(['GOOD', 'LATE']);
    const dup = await meta(createField, { input: { field: { objectMetadataId, type: 'TEXT', name: 'totalRevenue', label: 'X' } } });
    expect(dup.errors?.[0]?.extensions.code).toBe('METADATA_VALIDATION_FAILED');
  });

  it('creates a custom object with a MANY_TO_ONE person relation; destroying the person nulls personId', async () => {
    const input = { object: { nameSingular: 'rentalRecord', namePlural: 'rentalRecords', labelSingular: 'Rental Record', labelPlural: 'Rental Records', icon: 'IconTruck' } };
    const createObject = `mutation($input: CreateOneObjectInput!) { createOneObject(input: $input) { id nameSingular } }`;
    const object = await meta(createObject, { input });
    const again = await meta(createObject, { input });
    expect(again.errors?.[0]).toMatchObject({ message: 'Multiple validation errors occurred while creating object', extensions: { code: 'METADATA_VALIDATION_FAILED' } });
    expect(again.errors?.[0]?.extensions.errors.objectMetadata[0].errors[0]).toMatchObject({ code: 'OBJECT_ALREADY_EXISTS', message: 'Object already exists' });
    await meta(`mutation($input: CreateOneFieldMetadataInput!) { createOneField(input: $input) { id } }`, {
      input: { field: { objectMetadataId: object.data?.createOneObject.id, type: 'RELATION', name: 'person', label: 'Person', relationCreationPayload: { type: 'MANY_TO_ONE', targetObjectMetadataId: await personId(), targetFieldLabel: 'Rental Records', targetFieldIcon: 'IconTruck' } } },
    });
    await core(upsert, { data: [{ id: ID_A }] });
    await core(`mutation { createRentalRecords(data: [{ id: "${ID_B}", name: "R1", personId: "${ID_A}" }], upsert: true) { id } }`);
    const person = await core(`{ person(filter: { id: { eq: "${ID_A}" } }) { rentalRecords { totalCount edges { node { personId person { id } } } } } }`);
    expect(person.data?.person.rentalRecords).toMatchObject({ totalCount: 1, edges: [{ node: { personId: ID_A, person: { id: ID_A } } }] });
    await core(`mutation { destroyPeople(filter: { id: { in: ["${ID_A}"] } }) { id } }`);
    expect(twenty.getRecord('rentalRecord', ID_B)?.personId).toBeNull();
  });
});

describe('Twenty stand-in: setup errors (the deployment, not a record)', () => {
  beforeEach(() => start());

  it('answers every request with a revoked key with HTTP 200 and FORBIDDEN', async () => {
    twenty.setApiKeyRevoked(true);
    for (const path of ['/graphql', '/metadata'] as const) {
      const res = await gql(path, '{ __typename }');
      expect(res.errors?.[0], path).toMatchObject({ message: 'This API Key is revoked', extensions: { code: 'FORBIDDEN', userFriendlyMessage: 'This API key has been revoked.' } });
      expect(res.data, 'the middleware runs nothing').toBeUndefined();
    }
    twenty.setApiKeyRevoked(false);
    expect((await core('{ people { totalCount } }')).errors).toBeUndefined();
  });

  it('lets a read-only role read but answers its writes FORBIDDEN / PERMISSION_DENIED, metadata writes too', async () => {
    twenty.setRole({ update: false, softDelete: false, destroy: false, dataModel: false });
    expect((await core('{ people { totalCount } }')).data?.people.totalCount).toBe(0);
    const write = await core(upsert, { data: [{ id: ID_A }] });
    expect(write.errors?.[0]).toMatchObject({
      message: 'Entity performing the request does not have permission',
      path: ['createPeople'],
      extensions: { code: 'FORBIDDEN', subCode: 'PERMISSION_DENIED', userFriendlyMessage: 'User does not have permission.' },
    });
    expect(twenty.listRecords('people')).toHaveLength(0);
    const input = { object: { nameSingular: 'thing', namePlural: 'things', labelSingular: 'Thing', labelPlural: 'Things' } };
    const created = await meta('mutation($input: CreateOneObjectInput!) { createOneObject(input: $input) { id } }', { input });
    expect(created.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', subCode: 'PERMISSION_DENIED' });
    twenty.setRole({ destroy: false });
    expect((await core(upsert, { data: [{ id: ID_A }] })).errors).toBeUndefined();
    expect((await core(`mutation { destroyPerson(id: "${ID_A}") { id } }`)).errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });

  it('answers a field an admin deleted with GRAPHQL_VALIDATION_FAILED naming only the field', async () => {
    expect(twenty.dropField('person', 'city')).toBe(true);
    const res = await core(upsert, { data: [{ id: ID_A, city: 'Győr' }] });
    expect(res.errors?.[0]?.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors?.[0]?.message).toMatch(/"city"/);
    expect(res.errors?.[0]?.message).not.toMatch(/Győr/);
    // Sent in the variables, graphql-js refuses it while coercing them (quoting the value), before any resolver runs.
    const sent = await core(`mutation($data: [PersonCreateInput!]!) { createPeople(data: $data, upsert: true) { id } }`, { data: [{ id: ID_A, city: 'Győr' }] });
    expect(sent.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    expect(sent.errors?.[0]?.message).toMatch(/Field "city" is not defined by type "PersonCreateInput"/);
    expect(twenty.listRecords('people')).toHaveLength(0);
    expect(twenty.dropField('person', 'city')).toBe(false);
  });
});

describe('Twenty stand-in: limits', () => {
  it('rejects a batch above maxBatch', async () => {
    await start({ maxBatch: 3 });
    const res = await core(upsert, { data: [{}, {}, {}, {}] });
    expect(res.errors?.[0]?.message).toBe('Maximum number of records to upsert is 3.');
  });

  it('answers LIMIT_REACHED with HTTP 200 once the bucket is empty, one token per root field', async () => {
    await start({ rateLimit: { shortLimit: 100, shortTtlMs: 1000, longLimit: 4, longTtlMs: 60_000 } });
    const ok = await core('{ a: people { totalCount } b: people { totalCount } c: people { totalCount } }');
    expect(ok.errors).toBeUndefined();
    const last = await core('{ a: people { totalCount } b: people { totalCount } }');
    expect(last.errors?.[0]).toMatchObject({
      message: 'Limit reached (4 tokens per 60000 ms)',
      path: ['b'],
      extensions: { code: 'BAD_USER_INPUT', subCode: 'LIMIT_REACHED', userFriendlyMessage: 'Rate limit reached. Please try again later.' },
    });
  });

  it('answers RATE_LIMITED with retryAfterMs under usage limits, and QUOTA_EXHAUSTED while the quota is spent', async () => {
    await start({ rateLimit: { shortLimit: 100, shortTtlMs: 1000, longLimit: 2, longTtlMs: 60_000, usageLimits: true } });
    expect((await core('{ a: people { totalCount } b: people { totalCount } }')).errors).toBeUndefined();
    const limited = (await core('{ people { totalCount } }')).errors?.[0];
    expect(limited).toMatchObject({ message: 'Rate limit exceeded for apiKey: 2 requests per 60s.', extensions: { code: 'RATE_LIMITED', subCode: 'RATE_LIMITED', limitKind: 'speed' } });
    expect(limited?.extensions.retryAfterMs, 'one token of 2 per minute comes back within 30 s').toBeGreaterThan(29_000);
    expect(limited?.extensions.retryAfterMs).toBeLessThanOrEqual(30_000);

    twenty.exhaustQuota(Date.now() + 3_600_000);
    const spent = (await core('{ people { totalCount } }')).errors?.[0];
    expect(spent).toMatchObject({ extensions: { code: 'QUOTA_EXHAUSTED', subCode: 'QUOTA_EXHAUSTED', periodUnit: 'day' } });
    expect(spent?.extensions.retryAfterMs).toBeGreaterThan(3_500_000);
  });

  it('answers rateLimitRatio as Twenty words a rate limit: LIMIT_REACHED with HTTP 200', async () => {
    await start();
    twenty.faults.set({ rateLimitRatio: 1 });
    expect((await core('{ people { totalCount } }')).errors?.[0]?.extensions.subCode).toBe('LIMIT_REACHED');
  });

  it('injects LIMIT_REACHED and HTTP 429 with Retry-After on demand', async () => {
    await start();
    twenty.faults.set({ failNext: { count: 1, status: 'LIMIT_REACHED' } });
    expect((await core('{ people { totalCount } }')).errors?.[0]?.extensions.subCode).toBe('LIMIT_REACHED');
    twenty.faults.set({ failNext: { count: 1, status: 429, retryAfterSeconds: 3 } });
    const res = await fetch(`${twenty.url}/graphql`, { method: 'POST', headers: { Authorization: `Bearer ${twenty.apiKey}` }, body: '{}' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
  });
});

describe('Twenty stand-in: outbound webhooks (call-webhook-jobs.job.ts, call-webhook.job.ts)', () => {
  /** A webhook receiver that keeps what it was sent. */
  async function receiver() {
    const received: Array<{ headers: Record<string, string | string[] | undefined>; body: string }> = [];
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { received, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`, close: () => server.close() };
  }

  it('sends one signed POST per write (a batch of its records): "<ts>:<body>" HMAC-SHA256 hex, ms timestamp, nonce, updatedFields of what changed', async () => {
    const { createHmac } = await import('node:crypto');
    const hook = await receiver();
    try {
      await start({ webhooks: [{ targetUrl: hook.url, secret: 'whsec-0123456789', operations: ['opportunity.*'] }] });
      const created = await core(`mutation { createOpportunity(data: { name: "Deal", stage: PROPOSAL }) { id } }`);
      const id = created.data!.createOpportunity.id as string;
      await core(`mutation($id: UUID!) { updateOpportunity(id: $id, data: { stage: CUSTOMER, name: "Deal" }) { id } }`, { id });
      await core(`mutation { createPerson(data: { city: "Szeged" }) { id } }`);
      await core(`mutation { createOpportunities(data: [{ name: "A" }, { name: "B" }]) { id } }`);
      await twenty.settleWebhooks();

      const bodies = hook.received.map((r) => JSON.parse(r.body));
      expect(bodies.map((b) => [b.eventName, b.batchSize]), 'person.* is not subscribed; a write of two records is one batch').toEqual([
        ['opportunity.created', 1],
        ['opportunity.updated', 1],
        ['opportunity.created', 2],
      ]);
      const update = hook.received[1]!;
      const ts = update.headers['x-twenty-webhook-timestamp'] as string;
      expect(ts).toMatch(/^\d{13}$/);
      expect(update.headers['x-twenty-webhook-signature']).toBe(createHmac('sha256', 'whsec-0123456789').update(`${ts}:${update.body}`).digest('hex'));
      expect(update.headers['x-twenty-webhook-nonce']).toMatch(/^[0-9a-f]{32}$/);
      expect(Object.keys(bodies[1])).toEqual(['targetUrl', 'eventName', 'objectMetadata', 'workspaceId', 'webhookId', 'eventDate', 'items', 'batchSize']);
      expect(bodies[1].items[0].updatedFields, 'only the field whose value changed').toEqual(['stage']);
      expect(bodies[1].items[0].record).toMatchObject({ id, stage: 'CUSTOMER' });
      expect(bodies[0].items[0].updatedFields, 'creates carry no updatedFields').toBeUndefined();
      expect(bodies[2].items.map((i: { record: { name: string } }) => i.record.name)).toEqual(['A', 'B']);
    } finally {
      hook.close();
    }
  });

  it('sends the older body, one POST per record with `record` at the top level, when asked to', async () => {
    const hook = await receiver();
    try {
      await start({ webhookBodyForm: 'single', webhooks: [{ targetUrl: hook.url, operations: ['opportunity.*'] }] });
      await core(`mutation { createOpportunities(data: [{ name: "A" }, { name: "B" }]) { id } }`);
      await twenty.settleWebhooks();
      const bodies = hook.received.map((r) => JSON.parse(r.body));
      expect(bodies.map((b) => b.record.name).sort()).toEqual(['A', 'B']);
      expect(Object.keys(bodies[0])).toEqual(['targetUrl', 'eventName', 'objectMetadata', 'workspaceId', 'webhookId', 'eventDate', 'record']);
    } finally {
      hook.close();
    }
  });
});
