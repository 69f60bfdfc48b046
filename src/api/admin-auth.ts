import type { RequestHandler, Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiError } from './errors.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** `Authorization: Bearer ADMIN_API_KEY`, compared in constant time. */
export function requireAdminKey(adminApiKey: string): RequestHandler {
  const expected = digest(adminApiKey);
  return (req, _res, next) => {
    const match = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '');
    if (!match || !timingSafeEqual(digest(match[1]!.trim()), expected)) {
      throw new ApiError(401, 'unauthorized', 'Authorization: Bearer <ADMIN_API_KEY> is required', [
        { path: 'headers.authorization', message: match ? 'wrong key' : 'missing' },
      ]);
    }
    next();
  };
}

/** The admin the console's session names (src/api/console/session.router.ts); undefined on the bearer API. */
export function consoleAdmin(res: Response): string | undefined {
  return res.locals.admin as string | undefined;
}

/** Who may call a router's endpoints: the bearer key by default, the console's session when mounted under it. */
export interface AdminAuth {
  adminApiKey: string;
  auth?: RequestHandler;
}
export const adminAuth = (deps: AdminAuth): RequestHandler => deps.auth ?? requireAdminKey(deps.adminApiKey);
