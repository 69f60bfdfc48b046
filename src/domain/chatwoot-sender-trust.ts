/**
 * Whether Chatwoot vouches for who wrote a conversation. A contact's phone, email and identifier can be typed by a
 * web-widget or API-inbox visitor (the pre-chat form even merges the visitor into the contact that has that phone),
 * so they prove nothing. Two things do: a carrier channel, whose contact_inbox source_id is the number the message
 * came from (WhatsApp wa_id, SMS sender), and a contact_inbox Chatwoot marked hmac_verified because the website
 * signed the contact's identifier.
 */
export type SenderVerification = { by: 'carrier'; phone: string } | { by: 'hmac' };

export const carrierChannels: readonly string[] = ['Channel::Whatsapp', 'Channel::Sms', 'Channel::TwilioSms'];

/** WhatsApp keys by the wa_id (digits), SMS by the E.164 sender, Twilio's WhatsApp by `whatsapp:+…`. */
function carrierPhone(sourceId: string): string | undefined {
  const digits = /^(?:whatsapp:)?\+?([1-9]\d{6,14})$/.exec(sourceId.trim())?.[1];
  return digits ? `+${digits}` : undefined;
}

export function senderVerification(c: { channel?: string | null; sourceId?: string | null; hmacVerified?: boolean | null }): SenderVerification | undefined {
  const phone = c.channel && carrierChannels.includes(c.channel) && c.sourceId ? carrierPhone(c.sourceId) : undefined;
  if (phone) return { by: 'carrier', phone };
  if (c.hmacVerified === true) return { by: 'hmac' };
  return undefined;
}
