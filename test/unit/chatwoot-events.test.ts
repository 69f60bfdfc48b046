import { describe, expect, it } from 'vitest';
import { signChatwootWebhook } from '../../sandbox/index.js';
import { interpretChatwootEvent } from '../../src/api/chatwoot-events.js';
import { verifyChatwootSignature } from '../../src/api/chatwoot-signature.js';

const conversation = { id: 42, status: 'pending', channel: 'Channel::Api', contact_inbox: { contact_id: 77, source_id: 'b7f0c2', hmac_verified: false }, meta: { hmac_verified: false } };
const message = (o: Record<string, unknown>) => ({ event: 'message_created', id: 4821, content: 'Szia', message_type: 'incoming', private: false, content_attributes: {}, sender: { id: 77, phone_number: '+36301234567' }, conversation, ...o });
const through = (channel: string, contactInbox: Record<string, unknown>) => message({ conversation: { ...conversation, channel, contact_inbox: { ...conversation.contact_inbox, ...contactInbox } } });

describe('interpretChatwootEvent', () => {
  it('takes an incoming public message of a pending conversation as a customer message', () => {
    expect(interpretChatwootEvent(message({}))).toEqual({ kind: 'customer_message', conversationId: 42, messageId: 4821, contactId: 77, content: 'Szia' });
  });

  it.each([
    ['a WhatsApp wa_id', through('Channel::Whatsapp', { source_id: '36301234567' }), { by: 'carrier', phone: '+36301234567' }],
    ['an SMS sender', through('Channel::Sms', { source_id: '+36301234567' }), { by: 'carrier', phone: '+36301234567' }],
    ['a Twilio WhatsApp sender', through('Channel::TwilioSms', { source_id: 'whatsapp:+36301234567' }), { by: 'carrier', phone: '+36301234567' }],
    ['an HMAC-verified widget contact', through('Channel::WebWidget', { hmac_verified: true }), { by: 'hmac' }],
  ])('trusts %s', (_name, body, verified) => {
    expect(interpretChatwootEvent(body)).toMatchObject({ kind: 'customer_message', verified });
  });

  it.each([
    ['a phone typed into an API-inbox contact', message({})],
    ['a phone typed into a web-widget contact', through('Channel::WebWidget', {})],
    ['a carrier channel whose sender id is not a phone', through('Channel::Whatsapp', { source_id: 'not-a-phone' })],
    ['a payload without channel or contact inbox', message({ conversation: { id: 42, status: 'pending' } })],
  ])('vouches for nobody on %s', (_name, body) => {
    const action = interpretChatwootEvent(body);
    expect(action.kind).toBe('customer_message');
    expect(action, 'an unverified writer must not be taken as the customer').not.toHaveProperty('verified', expect.anything());
  });

  it('takes a message with only attachments (photo, voice, location) as a customer message for a human', () => {
    const photo = message({ content: null, attachments: [{ id: 1, message_id: 4821, file_type: 'image', account_id: 1, data_url: 'https://x/1' }] });
    expect(interpretChatwootEvent(photo)).toEqual({ kind: 'customer_message', conversationId: 42, messageId: 4821, contactId: 77, content: '', attachmentsOnly: true });
    expect(interpretChatwootEvent(message({ attachments: [{ file_type: 'image' }] })), 'text with a photo is read as text').not.toHaveProperty('attachmentsOnly');
  });

  it.each([
    ['a private note', message({ private: true }), 'private_note'],
    ['Koko’s own message', message({ message_type: 'outgoing', content_attributes: { koko_key: 'reply:1' }, sender: { id: 1, type: 'agent_bot' } }), 'own_message'],
    ['Koko’s own message with string attributes', message({ message_type: 'outgoing', content_attributes: '{"koko_key":"note:1"}' }), 'own_message'],
    ['a customer notification this service posted', message({ message_type: 'outgoing', content_attributes: { kgc_notification: 'service.repair_done:W-1' }, sender: { id: 1, type: 'user' } }), 'own_message'],
    ['an incoming message of an open conversation', message({ conversation: { ...conversation, status: 'open' } }), 'conversation_open'],
    ['a bot message', message({ message_type: 'outgoing', sender: { id: 1, type: 'agent_bot' } }), 'not_a_customer_message'],
    ['an empty message', message({ content: '  ' }), 'no_text'],
  ])('ignores %s', (_name, body, reason) => {
    expect(interpretChatwootEvent(body)).toMatchObject({ kind: 'ignore', reason });
  });

  it('reads an agent’s public reply and status changes as the end of the bot’s part', () => {
    expect(interpretChatwootEvent(message({ message_type: 'outgoing', sender: { id: 5, type: 'user' } }))).toEqual({ kind: 'conversation_event', conversationId: 42, event: 'agent_replied' });
    expect(interpretChatwootEvent({ event: 'conversation_status_changed', id: 42, status: 'resolved' })).toEqual({ kind: 'conversation_event', conversationId: 42, event: 'resolved' });
    expect(interpretChatwootEvent({ event: 'conversation_updated', id: 42, status: 'open' })).toEqual({ kind: 'conversation_event', conversationId: 42, event: 'handed_off' });
    expect(interpretChatwootEvent({ event: 'conversation_updated', id: 42, status: 'pending' })).toMatchObject({ kind: 'ignore' });
  });
});

describe('verifyChatwootSignature', () => {
  const body = '{"event":"message_created"}';
  it('accepts Chatwoot’s own signature and refuses a wrong, stale or missing one', () => {
    const h = signChatwootWebhook('s3cret', body);
    const check = (o: Partial<Parameters<typeof verifyChatwootSignature>[0]>) =>
      verifyChatwootSignature({ secret: 's3cret', rawBody: Buffer.from(body), timestamp: h['X-Chatwoot-Timestamp'], signature: h['X-Chatwoot-Signature'], ...o });
    expect(check({})).toEqual({ ok: true });
    expect(check({ secret: 'other' })).toMatchObject({ ok: false, header: 'X-Chatwoot-Signature' });
    expect(check({ rawBody: Buffer.from(body + ' ') })).toMatchObject({ ok: false });
    expect(check({ nowMs: Date.now() + 600_000 })).toMatchObject({ ok: false, header: 'X-Chatwoot-Timestamp' });
    expect(check({ signature: undefined })).toMatchObject({ ok: false, reason: 'missing' });
  });
});
