import { verifyTimestampedHmac, type SignatureCheck, type SignedRequest } from './hmac-signature.js';

const secondsToMs = (raw: string) => (/^\d{1,12}$/.test(raw) ? Number(raw) * 1000 : undefined);

/** Chatwoot's webhook signature (docs/chatwoot-setup.md#the-bot-webhook): `X-Chatwoot-Timestamp` in Unix seconds, `X-Chatwoot-Signature`. */
export function verifyChatwootSignature(req: SignedRequest): SignatureCheck {
  return verifyTimestampedHmac(req, {
    timestampHeader: 'X-Chatwoot-Timestamp',
    signatureHeader: 'X-Chatwoot-Signature',
    timestampMs: secondsToMs,
    unit: ' in seconds',
  });
}
