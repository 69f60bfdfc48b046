import { readBody, sendJson } from '../http.js';
import type { Router, RouteContext } from '../router.js';
import type { KgcStore } from './store.js';

/** A franchise tenant as KGC's tenant registry holds it. */
export interface KgcTenant {
  tenant_id: string;
  name: string;
  partner_customer_id: string;
  kind: 'franchise';
  package: 'basic' | 'pro' | 'enterprise';
  modules: { rental: boolean; service: boolean; sales: boolean };
}

type Issue = { path: string; message: string };
type Answer = { status: number; body: unknown };

const invalid = (details: Issue[]): Answer => ({ status: 422, body: { error: { code: 'invalid_body', details } } });

function tenantIssues(b: Record<string, unknown>): Issue[] {
  const issues: Issue[] = [];
  if (typeof b.name !== 'string' || !b.name.trim()) issues.push({ path: 'name', message: 'required' });
  if (typeof b.partner_customer_id !== 'string' || !b.partner_customer_id) issues.push({ path: 'partner_customer_id', message: 'required' });
  if (b.kind !== 'franchise') issues.push({ path: 'kind', message: 'must be franchise' });
  if (!['basic', 'pro', 'enterprise'].includes(String(b.package))) issues.push({ path: 'package', message: 'basic, pro or enterprise' });
  const m = b.modules as Record<string, unknown> | undefined;
  if (!m || !['rental', 'service', 'sales'].every((k) => typeof m[k] === 'boolean')) issues.push({ path: 'modules', message: '{ rental, service, sales } booleans' });
  return issues;
}

/**
 * KGC's write endpoints (seed 001 use cases 2 and 3). Every write needs `Idempotency-Key`; a repeated key is
 * answered with the first answer, status and body, whatever the new body says.
 */
function worklogIssues(b: Record<string, unknown>, store: KgcStore): Issue[] {
  const issues: Issue[] = [];
  if (typeof b.customer_id !== 'string' || !store.customers.has(b.customer_id)) issues.push({ path: 'customer_id', message: 'no such customer' });
  if (typeof b.fault_description !== 'string' || !b.fault_description.trim()) issues.push({ path: 'fault_description', message: 'required' });
  if (b.source !== 'chatwoot_chat') issues.push({ path: 'source', message: 'must be chatwoot_chat' });
  if (b.chatwoot_conversation_id !== undefined && !Number.isInteger(b.chatwoot_conversation_id)) issues.push({ path: 'chatwoot_conversation_id', message: 'an integer' });
  if (b.machine_type !== undefined && b.machine_type !== null && typeof b.machine_type !== 'string') issues.push({ path: 'machine_type', message: 'a string' });
  return issues;
}

export function kgcWriteRoutes(router: Router, store: KgcStore): Router {
  const idempotent = (run: (body: Record<string, unknown>) => Answer) => async (ctx: RouteContext) => {
    const key = ctx.req.headers['idempotency-key'];
    if (typeof key !== 'string' || !key) return sendJson(ctx.res, 400, { error: { code: 'idempotency_key_required', details: [{ path: 'headers.idempotency-key', message: 'required' }] } });
    const scoped = `${ctx.req.method} ${new URL(ctx.req.url ?? '/', 'http://kgc').pathname} ${key}`;
    const replay = store.idempotentAnswers.get(scoped);
    if (replay) return sendJson(ctx.res, replay.status, replay.body, { 'Idempotent-Replayed': 'true' });
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await readBody(ctx.req)) as Record<string, unknown>;
    } catch {
      return sendJson(ctx.res, 400, { error: { code: 'invalid_json', details: [] } });
    }
    const answer = run(body ?? {});
    // Only settled answers are kept: a 422 may be fixed and sent again with the same key.
    if (answer.status < 400 || answer.status === 409) store.idempotentAnswers.set(scoped, answer);
    sendJson(ctx.res, answer.status, answer.body);
  };

  router.on(
    'POST',
    '/api/service/worklogs',
    idempotent((b) => {
      const issues = worklogIssues(b, store);
      if (issues.length) return invalid(issues);
      const worklogId = `W-${String(store.worklogs.size + 1).padStart(5, '0')}`;
      store.putWorklog({
        worklog_id: worklogId,
        customer_id: String(b.customer_id),
        machine_type: typeof b.machine_type === 'string' ? b.machine_type : 'ismeretlen gép',
        issue_description: String(b.fault_description),
        status: 'received',
        status_hu: 'Átvéve',
        ...(typeof b.chatwoot_conversation_id === 'number' ? { chatwoot_conversation_id: b.chatwoot_conversation_id } : {}),
      });
      return { status: 201, body: { worklog_id: worklogId, status: 'received' } };
    }),
  );
  return router.on(
    'POST',
    '/api/tenants',
    idempotent((b) => {
      const issues = tenantIssues(b);
      if (issues.length) return invalid(issues);
      const partner = String(b.partner_customer_id);
      if (!store.customers.has(partner)) return invalid([{ path: 'partner_customer_id', message: 'no such customer' }]);
      const existing = [...store.tenants.values()].find((t) => t.partner_customer_id === partner);
      if (existing) return { status: 409, body: { tenant_id: existing.tenant_id } };
      const tenant: KgcTenant = {
        tenant_id: `T-${String(store.tenants.size + 1).padStart(5, '0')}`,
        name: String(b.name),
        partner_customer_id: partner,
        kind: 'franchise',
        package: b.package as KgcTenant['package'],
        modules: b.modules as KgcTenant['modules'],
      };
      store.tenants.set(tenant.tenant_id, tenant);
      return { status: 201, body: { tenant_id: tenant.tenant_id } };
    }),
  );
}
