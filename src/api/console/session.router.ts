import { createHash, timingSafeEqual } from 'node:crypto';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { ApiError, zodDetails } from '../errors.js';
import { checkAdminPassword } from './passwords.js';
import { closeSession, findSession, openSession, sessionLifetimeMs, type ConsoleSession } from './sessions.js';

export const sessionCookie = 'kgc_console';
/** What a console session's admin is recorded as when signed in with ADMIN_API_KEY instead of an account. */
export const adminKeyUser = 'admin-key';

const signIn = z.union([
  z.object({ name: z.string().trim().min(1).max(40), password: z.string().min(1).max(200) }).strict(),
  z.object({ adminKey: z.string().min(1).max(200) }).strict(),
]);

const sameBytes = (a: string, b: string) => {
  const [x, y] = [a, b].map((s) => createHash('sha256').update(s).digest());
  return timingSafeEqual(x!, y!);
};

function cookieToken(req: Request): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === sessionCookie) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/**
 * A browser says where a request comes from in Origin; a page of another site cannot forge it. Every change must
 * come from a page of the console's own host (behind a proxy, Host is the public host).
 */
function requireSameOrigin(req: Request): void {
  const origin = req.get('origin');
  let host: string | undefined;
  try {
    host = origin ? new URL(origin).host : undefined;
  } catch {
    host = undefined;
  }
  if (!host || host !== req.get('host')) {
    throw new ApiError(403, 'csrf_origin', 'Changes are accepted only from the console itself', [{ path: 'headers.origin', message: origin ? 'another origin' : 'missing' }]);
  }
}

function setCookie(req: Request, res: Response, value: string, maxAgeMs: number): void {
  const secure = req.secure || req.get('x-forwarded-proto') === 'https';
  res.cookie(sessionCookie, value, { httpOnly: true, sameSite: 'strict', secure, path: '/console', maxAge: maxAgeMs });
}

const sessionBody = (s: ConsoleSession) => ({ admin: s.admin, csrfToken: s.csrfToken, expiresAt: s.expiresAt });

/**
 * The console's own sign-in. A session is a cookie (httpOnly, SameSite=Strict, path /console) naming a row in
 * `admin_sessions`; every change also needs the session's CSRF token in `X-CSRF-Token` and an Origin of this host.
 * The signed-in admin is what decisions record as `by`; the bearer API under /admin stays as it was for scripts.
 */
export function consoleSessionRouter(deps: { db: Db; adminApiKey: string }): Router {
  const router = Router();
  router.use('/console/api', (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.post('/console/api/session', express.json({ limit: '4kb' }), async (req, res) => {
    requireSameOrigin(req);
    const body = signIn.safeParse(req.body ?? {});
    if (!body.success) throw new ApiError(400, 'invalid_body', 'Body must be {"name", "password"} or {"adminKey"}', zodDetails(body.error));
    const admin =
      'adminKey' in body.data
        ? sameBytes(body.data.adminKey, deps.adminApiKey) && adminKeyUser
        : (await checkAdminPassword(deps.db, body.data.name, body.data.password)) && body.data.name;
    if (!admin) throw new ApiError(401, 'invalid_credentials', 'Wrong name, password or admin key');
    const { token, session } = await openSession(deps.db, admin);
    setCookie(req, res, token, sessionLifetimeMs);
    res.status(201).json(sessionBody(session));
  });

  router.get('/console/api/session', requireConsoleSession(deps.db), (_req, res) => {
    res.json(sessionBody(res.locals.consoleSession as ConsoleSession));
  });

  router.delete('/console/api/session', requireConsoleSession(deps.db), async (req, res) => {
    await closeSession(deps.db, cookieToken(req)!);
    setCookie(req, res, '', 0);
    res.status(204).end();
  });

  return router;
}

/** A signed-in admin, and for anything but a read the CSRF token and same Origin. Sets `res.locals.admin`. */
export function requireConsoleSession(db: Db): RequestHandler {
  return async (req, res, next) => {
    const token = cookieToken(req);
    const session = token ? await findSession(db, token) : undefined;
    if (!session) throw new ApiError(401, 'not_signed_in', 'Sign in to the console first', [{ path: `cookies.${sessionCookie}`, message: token ? 'expired or signed out' : 'missing' }]);
    if (!['GET', 'HEAD'].includes(req.method)) {
      requireSameOrigin(req);
      const sent = req.get('x-csrf-token');
      if (!sent || !sameBytes(sent, session.csrfToken)) {
        throw new ApiError(403, 'csrf_token', 'X-CSRF-Token is missing or is not this session\'s', [{ path: 'headers.x-csrf-token', message: sent ? 'wrong token' : 'missing' }]);
      }
    }
    res.locals.consoleSession = session;
    res.locals.admin = session.admin;
    next();
  };
}
