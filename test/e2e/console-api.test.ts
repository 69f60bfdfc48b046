import { spawn } from 'node:child_process';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminSessions, moduleFlags } from '../../src/db/schema.js';
import { startHarness, type Harness } from '../support/harness.js';

/** The console's sign-in, sessions and CSRF checks, over real HTTP against the whole service. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const password = 'correct horse battery staple';

/** `npm run admin:add -- <name>` as an operator runs it: the password on stdin. */
function adminAdd(name: string, stdin: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/scripts/admin-add.ts', name], { env: { ...process.env, DATABASE_URL: h.databaseUrl } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
    child.stdin.end(stdin);
  });
}

interface Session {
  cookie: string;
  csrfToken: string;
  setCookie: string;
}
async function signIn(body: unknown, origin = h.apiUrl): Promise<{ status: number; session?: Session; body: any }> {
  const res = await fetch(`${h.apiUrl}/console/api/session`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: origin }, body: JSON.stringify(body) });
  const json = (await res.json()) as any;
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { status: res.status, body: json, session: res.ok ? { cookie: setCookie.split(';')[0]!, csrfToken: json.csrfToken, setCookie } : undefined };
}
async function call(s: Session, method: string, path: string, o: { body?: unknown; csrf?: string | null; origin?: string | null; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { Cookie: s.cookie, 'Content-Type': 'application/json', ...o.headers };
  if (o.csrf !== null) headers['X-CSRF-Token'] = o.csrf ?? s.csrfToken;
  if (o.origin !== null) headers.Origin = o.origin ?? h.apiUrl;
  const res = await fetch(`${h.apiUrl}/console/api${path}`, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body) });
  return { status: res.status, body: res.status === 204 ? undefined : ((await res.json()) as any) };
}

describe('console sign-in', () => {
  it('admin:add stores a scrypt hash read from stdin, and the account signs in with an httpOnly SameSite=Strict cookie', async () => {
    const added = await adminAdd('eva', `${password}\n`);
    expect(added.out, 'admin:add output').toContain('Console admin eva created');
    expect(added.code).toBe(0);
    expect((await adminAdd('x', 'short\n')).code, 'a bad name or short password is refused').toBe(1);

    const ok = await signIn({ name: 'eva', password });
    expect(ok.status).toBe(201);
    expect(ok.body.admin).toBe('eva');
    expect(ok.session!.setCookie).toMatch(/kgc_console=[\w-]{40,};/);
    expect(ok.session!.setCookie).toMatch(/HttpOnly/i);
    expect(ok.session!.setCookie).toMatch(/SameSite=Strict/i);
    expect(ok.session!.setCookie).toMatch(/Path=\/console/);
    const [row] = await h.db.select().from(adminSessions).where(eq(adminSessions.admin, 'eva'));
    expect(row!.tokenHash, 'only a hash of the cookie is stored').not.toBe(decodeURIComponent(ok.session!.cookie.split('=')[1]!));
    expect((await call(ok.session!, 'GET', '/session')).body.admin).toBe('eva');

    expect((await signIn({ name: 'eva', password: 'wrong password!!' })).status).toBe(401);
    expect((await signIn({ name: 'nobody', password })).status).toBe(401);
    expect((await signIn({ name: 'eva', password }, 'http://evil.example')).body.error.code, 'a sign-in posted from another site').toBe('csrf_origin');
  });

  it('refuses a change without the session\'s CSRF token or from another origin, and records the signed-in admin as who switched', async () => {
    const { session } = await signIn({ name: 'eva', password });
    const missing = await call(session!, 'PUT', '/admin/modules/support', { body: { enabled: false }, csrf: null });
    expect(missing.status).toBe(403);
    expect(missing.body.error.code).toBe('csrf_token');
    const other = await signIn({ adminKey: 'test-admin-api-key-0123456789' });
    expect((await call(session!, 'PUT', '/admin/modules/support', { body: { enabled: false }, csrf: other.session!.csrfToken })).body.error.code, 'another session\'s token').toBe('csrf_token');
    expect((await call(session!, 'PUT', '/admin/modules/support', { body: { enabled: false }, origin: 'http://evil.example' })).body.error.code).toBe('csrf_origin');
    expect((await call(session!, 'PUT', '/admin/modules/support', { body: { enabled: false }, origin: null })).body.error.code).toBe('csrf_origin');
    expect((await h.db.select().from(moduleFlags).where(eq(moduleFlags.module, 'support')))[0]!.enabled, 'nothing changed').toBe(true);

    const done = await call(session!, 'PUT', '/admin/modules/support', { body: { enabled: false }, headers: { 'X-Admin-User': 'someone-else' } });
    expect(done.status).toBe(200);
    expect(done.body.support).toBe(false);
    const [flag] = await h.db.select().from(moduleFlags).where(eq(moduleFlags.module, 'support'));
    expect(flag!.updatedBy, 'the session\'s admin, not what the request claims').toBe('eva');
    await call(session!, 'PUT', '/admin/modules/support', { body: { enabled: true } });
  });

  it('keeps the bearer API for scripts and does not let the key stand in for a session', async () => {
    expect((await h.admin('GET', '/admin/modules')).status).toBe(200);
    const noBy = await h.admin('POST', '/koko/suggestions/some-id/approve', {});
    expect(noBy.status, 'the bearer API still needs `by`').toBe(400);
    expect(noBy.body.error.details).toEqual([{ path: 'by', message: expect.any(String) }]);
    const res = await fetch(`${h.apiUrl}/console/api/admin/modules`, { headers: { Authorization: 'Bearer test-admin-api-key-0123456789' } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).error.code).toBe('not_signed_in');
    const signedInWithKey = await signIn({ adminKey: 'test-admin-api-key-0123456789' });
    expect(signedInWithKey.body.admin).toBe('admin-key');
    expect((await signIn({ adminKey: 'wrong-key-0123456789' })).status).toBe(401);
  });

  it('ends a session at logout and when it expires', async () => {
    const a = (await signIn({ name: 'eva', password })).session!;
    expect((await call(a, 'DELETE', '/session', { csrf: null })).status, 'logout is a change: it needs the token too').toBe(403);
    expect((await call(a, 'DELETE', '/session')).status).toBe(204);
    expect((await call(a, 'GET', '/admin/modules')).status).toBe(401);

    const b = (await signIn({ name: 'eva', password })).session!;
    await h.db.update(adminSessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(adminSessions.csrfToken, b.csrfToken));
    expect((await call(b, 'GET', '/admin/overview')).body.error.code).toBe('not_signed_in');
  });

  it('answers the overview, partner search, bulk sync runs, dead letters and erasures to a signed-in admin', async () => {
    const s = (await signIn({ name: 'eva', password })).session!;
    const overview = await call(s, 'GET', '/admin/overview');
    expect(overview.status).toBe(200);
    expect(overview.body.modules.map((m: any) => m.module).sort()).toEqual(['crm', 'support']);
    expect(overview.body.running.find((r: any) => r.type === 'kokoConversation')).toEqual({ type: 'kokoConversation', running: 0 });
    expect((await call(s, 'GET', '/admin/partners?q=')).status, 'an empty search is a bad request').toBe(400);
    expect((await call(s, 'GET', '/admin/partners?q=C-none')).body).toEqual({ partners: [] });
    expect((await call(s, 'GET', '/admin/bulk-sync')).body).toEqual({ runs: [] });
    expect((await call(s, 'GET', '/admin/dead-letters?system=twenty')).body).toEqual({ deadLetters: [] });
    expect((await call(s, 'GET', '/admin/dead-letters?system=mars')).status).toBe(400);
    expect((await call(s, 'GET', '/admin/erasures')).body).toEqual({ erasures: [] });
    expect((await call(s, 'GET', '/koko/feed')).body).toEqual({ pending: [], decided: [] });
  });
});
