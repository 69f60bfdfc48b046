import type { IncomingMessage } from 'node:http';

export type Caller = { kind: 'user'; userId: number } | { kind: 'bot' };

export type AuthResult = { ok: true; caller: Caller } | { ok: false; body: unknown };

/** BOT_ACCESSIBLE_ENDPOINTS of access_token_auth_helper.rb, as method + path shape under the account. */
const BOT_ENDPOINTS: [string, RegExp][] = [
  ['POST', /^\/conversations$/],
  ['PATCH', /^\/conversations\/\d+$/],
  ['PUT', /^\/conversations\/\d+$/],
  ['POST', /^\/conversations\/\d+\/(toggle_status|toggle_priority|toggle_typing_status|custom_attributes|messages|assignments)$/],
];
/** Added by chatwoot/chatwoot PR #14655 (June 2026): conversation show and labels. */
const BOT_READ_ENDPOINTS: [string, RegExp][] = [
  ['GET', /^\/conversations\/\d+$/],
  ['GET', /^\/conversations\/\d+\/labels$/],
  ['POST', /^\/conversations\/\d+\/labels$/],
];

export function authenticate(
  req: IncomingMessage,
  accountPath: string,
  tokens: { user: string; userId: number; bot?: string; botReadsConversations: boolean },
): AuthResult {
  const header = req.headers['api_access_token'] ?? req.headers['api-access-token'];
  const token = Array.isArray(header) ? header[0] : header;
  if (!token) return { ok: false, body: { errors: ['You need to sign in or sign up before continuing.'] } };
  if (token === tokens.user) return { ok: true, caller: { kind: 'user', userId: tokens.userId } };
  if (tokens.bot && token === tokens.bot) {
    const endpoints = tokens.botReadsConversations ? [...BOT_ENDPOINTS, ...BOT_READ_ENDPOINTS] : BOT_ENDPOINTS;
    const allowed = endpoints.some(([m, re]) => m === req.method && re.test(accountPath));
    if (!allowed) return { ok: false, body: { error: 'Access to this endpoint is not authorized for bots' } };
    return { ok: true, caller: { kind: 'bot' } };
  }
  return { ok: false, body: { error: 'Invalid Access Token' } };
}
