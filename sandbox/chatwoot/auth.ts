import type { IncomingMessage } from 'node:http';

export type Caller = { kind: 'user'; userId: number } | { kind: 'bot' };

export type AuthResult = { ok: true; caller: Caller } | { ok: false; body: unknown };

/** BOT_ACCESSIBLE_ENDPOINTS of access_token_auth_helper.rb, as method + path shape under the account. */
const BOT_ENDPOINTS: [string, RegExp][] = [
  ['GET', /^\/conversations\/\d+$/],
  ['POST', /^\/conversations$/],
  ['PATCH', /^\/conversations\/\d+$/],
  ['PUT', /^\/conversations\/\d+$/],
  ['POST', /^\/conversations\/\d+\/(toggle_status|toggle_priority|toggle_typing_status|custom_attributes|messages|assignments|labels)$/],
  ['GET', /^\/conversations\/\d+\/labels$/],
];

export function authenticate(
  req: IncomingMessage,
  accountPath: string,
  tokens: { user: string; userId: number; bot?: string },
): AuthResult {
  const header = req.headers['api_access_token'] ?? req.headers['api-access-token'];
  const token = Array.isArray(header) ? header[0] : header;
  if (!token) return { ok: false, body: { errors: ['You need to sign in or sign up before continuing.'] } };
  if (token === tokens.user) return { ok: true, caller: { kind: 'user', userId: tokens.userId } };
  if (tokens.bot && token === tokens.bot) {
    const allowed = BOT_ENDPOINTS.some(([m, re]) => m === req.method && re.test(accountPath));
    if (!allowed) return { ok: false, body: { error: 'Access to this endpoint is not authorized for bots' } };
    return { ok: true, caller: { kind: 'bot' } };
  }
  return { ok: false, body: { error: 'Invalid Access Token' } };
}
