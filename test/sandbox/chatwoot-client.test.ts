import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatwootClient } from '../../src/clients/chatwoot-client.js';
import { startChatwootStandIn, type ChatwootStandIn } from '../../sandbox/index.js';

let cw: ChatwootStandIn;
let client: ChatwootClient;

beforeEach(async () => {
  cw = await startChatwootStandIn({});
  client = new ChatwootClient({ apiUrl: cw.url, accountId: cw.accountId, apiKey: cw.userToken });
});
afterEach(() => cw.close());

const create = (input: { name: string; identifier: string; email?: string; phone_number?: string }) => client.createContact({ custom_attributes: {}, ...input });

describe('ChatwootClient contact lookups', () => {
  it('finds a contact by exact identifier that the first page of a substring search would miss', async () => {
    const target = await create({ name: 'Target', identifier: 'C1' });
    for (let i = 0; i < 15; i++) await create({ name: `Other ${i}`, identifier: `C1${i}` });
    expect((await client.findContactByIdentifier('C1'))?.id).toBe(target.id);
    expect(await client.findContactByIdentifier('C100')).toBeNull();
  });

  it('returns every contact an exact filter matches, following pages, and picks the one of the exact case', async () => {
    // Identifiers are unique only case-sensitively, and the filter compares lower-cased: 17 variants match at once.
    const variants = Array.from({ length: 17 }, (_, i) => [...'kgcab'].map((ch, b) => ((i >> b) & 1 ? ch.toUpperCase() : ch)).join(''));
    for (const identifier of variants) await create({ name: identifier, identifier });
    expect((await client.filterContacts('identifier', 'KGCAB')).map((c) => c.identifier).sort()).toEqual([...variants].sort());
    expect((await client.findContactByIdentifier(variants[16]!))?.name).toBe(variants[16]);
    await create({ name: 'Family', identifier: 'F', email: 'family@x.hu' });
    expect((await client.filterContacts('email', 'Family@X.hu')).map((c) => c.name)).toEqual(['Family']);
  });

  it('finds by phone in E.164 although Chatwoot adds the + itself', async () => {
    const jane = await create({ name: 'Jane', identifier: 'J', phone_number: '+36301234567' });
    expect((await client.filterContacts('phone_number', '+36301234567')).map((c) => c.id)).toEqual([jane.id]);
  });
});
