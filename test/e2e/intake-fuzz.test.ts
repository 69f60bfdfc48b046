import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import http from 'node:http';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzPlan, materialize, type FuzzPlan, type FuzzRequest } from '../support/intake-fuzz-requests.js';
import { captureLogs, startHarness, webhookSecret, type Harness } from '../support/harness.js';

/**
 * Generated requests against the signed intakes (`/webhooks/kgc`, `/webhook/kgc/{event}`, `/webhooks/chatwoot`).
 * Invariants: never a 5xx; every 4xx has the documented error body; a rejected request writes no row (an unknown
 * event: its one audit row) and starts no workflow; the service is healthy after. `npm test` runs FUZZ_RUNS=400
 * with a fixed seed; `FUZZ_RUNS=5000 npx vitest run test/e2e/intake-fuzz.test.ts` (or `npm run fuzz`) the full run,
 * `FUZZ_SEED` another sequence. The API runs without a worker, so a started workflow stays where the intake left it.
 */

const runs = Number(process.env.FUZZ_RUNS ?? 400);
const seed = Number(process.env.FUZZ_SEED ?? 20261201);
const chatwootSecret = 'test-chatwoot-bot-secret-0123456789';

let h: Harness;
const logs = captureLogs();
beforeAll(async () => {
  h = await startHarness({ roles: ['api'], env: { CHATWOOT_WEBHOOK_SECRET: chatwootSecret, CHATWOOT_BOT_ID: '1' } });
});
afterAll(async () => {
  await h?.close();
});

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function post(r: FuzzRequest): Promise<Answer | undefined> {
  if (r.contentLength !== undefined) return postShort(r);
  const url = new URL(h.apiUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method: 'POST', path: r.path, agent, headers: { ...r.headers, 'Content-Length': String(r.body.length) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error('no answer within 30 s')));
    req.end(r.body);
  });
}

/** A body shorter than its Content-Length, then the client stops sending (half-close), as a cut connection does. */
function postShort(r: FuzzRequest): Promise<Answer | undefined> {
  const url = new URL(h.apiUrl);
  return new Promise((resolve) => {
    const socket = net.connect({ host: url.hostname, port: Number(url.port), allowHalfOpen: true });
    const chunks: Buffer[] = [];
    const head = [`POST ${r.path} HTTP/1.1`, `Host: ${url.host}`, `Content-Length: ${r.contentLength}`, 'Connection: close', ...Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`)];
    socket.on('connect', () => {
      socket.write(Buffer.from(head.join('\r\n') + '\r\n\r\n', 'latin1'));
      socket.end(r.body);
    });
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.setTimeout(5_000, () => socket.destroy());
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const m = /^HTTP\/1\.1 (\d{3})[^\r]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*)$/.exec(raw);
      if (!m) return resolve(undefined);
      const contentType = /content-type: *([^\r\n]*)/i.exec(m[2]!)?.[1] ?? '';
      resolve({ status: Number(m[1]), contentType, text: m[3]! });
    });
  });
}

/** Row count and newest row version (xmin) of every table: any insert, update or delete changes one of them. */
async function snapshot(): Promise<Map<string, string>> {
  const tables = await h.db.execute<{ tablename: string }>(sql`select tablename from pg_tables where schemaname = 'public' order by tablename`);
  const query = tables.map((t) => `select '${t.tablename}' as t, count(*)::text || '/' || coalesce(max(xmin::text::bigint), 0)::text as v from "${t.tablename}"`).join(' union all ');
  const rows = await h.db.execute<{ t: string; v: string }>(sql.raw(query));
  return new Map(rows.map((r) => [r.t, r.v]));
}

function changedTables(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...after.keys()].filter((t) => before.get(t) !== after.get(t));
}

/** The documented error body: `{"error":{"code","message","details":[{"path","message"}]}}`, nothing else. */
function errorShapeProblem(a: Answer): string | undefined {
  if (!a.contentType.startsWith('application/json')) return `content-type ${a.contentType}`;
  let body: any;
  try {
    body = JSON.parse(a.text);
  } catch {
    return 'body is not JSON';
  }
  const e = body?.error;
  if (!e || Object.keys(body).length !== 1) return 'no error object';
  if (typeof e.code !== 'string' || !/^[a-z_]+$/.test(e.code)) return 'error.code missing';
  if (typeof e.message !== 'string' || !e.message) return 'error.message missing';
  if (!Array.isArray(e.details) || !e.details.every((d: any) => typeof d?.path === 'string' && typeof d?.message === 'string' && Object.keys(d).length === 2)) return 'error.details malformed';
  if (Object.keys(e).length !== 3) return 'extra keys in error';
  return undefined;
}

function leaves(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => leaves(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => leaves(v, out));
  else if (typeof value === 'string' || typeof value === 'number') out.add(String(value));
  return out;
}

interface Finding {
  rule: string;
  label: string;
  status?: number;
  detail: string;
  excerpt: string;
}

describe(`intake fuzz (${runs} generated requests, seed ${seed})`, () => {
  it('never answers 5xx, refuses with the documented error body, and a refused request writes no row and starts no workflow', { timeout: Math.max(120_000, runs * 200) }, async () => {
    const plans = fc.sample(fuzzPlan, { seed, numRuns: runs });
    const run = randomBytes(3).toString('hex');
    const conversationBase = 1_000_000 + (parseInt(run, 16) % 1000) * 10_000;
    const findings: Finding[] = [];
    const tally = new Map<string, number>();
    const accepted = new Set<string>();
    const rejectedTokens: string[] = [];
    const outcomes = new Map<string, string>();
    let reachedValidation = 0;
    let pristine = 0;

    let before = await snapshot();
    let logLines = logs.length;
    const check = async (plan: FuzzPlan, r: FuzzRequest, token: string, conversationId: number, a: Answer | undefined, replayOf?: Answer) => {
      const after = await snapshot();
      const changed = changedTables(before, after);
      before = after;
      const finding = (rule: string, detail: string) =>
        findings.push({ rule, label: r.label, status: a?.status, detail, excerpt: JSON.stringify(r.intended.slice(0, 160)) + (r.intended.length > 160 ? `… (${r.intended.length} chars)` : '') });
      if (!a) {
        if (r.contentLength === undefined) finding('answers every request', 'no answer');
        return;
      }
      let code = '';
      try {
        code = JSON.parse(a.text)?.error?.code ?? JSON.parse(a.text)?.status ?? '';
      } catch {
        /* reported by the shape check */
      }
      outcomes.set(token, `${r.label} → ${a.status} ${code}`);
      tally.set(`${plan.target} ${a.status} ${code}`, (tally.get(`${plan.target} ${a.status} ${code}`) ?? 0) + 1);
      if (![401, 415].includes(a.status)) reachedValidation++;
      if (a.status >= 500) {
        // The service's own log line says what broke; the answer says only "internal".
        const logged = logs.slice(logLines).filter((l) => /"level":(50|40)/.test(l)).map((l) => JSON.parse(l) as { msg: string; err?: { type?: string; code?: string } });
        finding('never a 5xx', `${a.status} ${code} ${logged.map((l) => `${l.msg} ${l.err?.type ?? ''} ${l.err?.code ?? ''}`).join('; ')}`);
      }
      if (a.status >= 400) {
        const problem = errorShapeProblem(a);
        if (problem) finding('a 4xx has the documented error body', `${problem}: ${a.text.slice(0, 120)}`);
        const allowed = code === 'unknown_event' ? ['integration_log'] : [];
        const written = changed.filter((t) => !allowed.includes(t));
        if (written.length) finding('a refused request writes nothing', `${a.status} ${code} changed ${written.join(', ')}`);
        if (code === 'unknown_event' && !changed.includes('integration_log')) finding('an unknown event is recorded in the audit log', 'no integration_log row');
        rejectedTokens.push(token);
      } else {
        // Chatwoot deliveries are told apart by X-Chatwoot-Delivery only; without one, the Koko run de-duplicates by message id.
        const deduplicated = plan.target === 'kgc' || !!r.headers['X-Chatwoot-Delivery'];
        if (replayOf && replayOf.status < 300 && deduplicated && code !== 'duplicate') finding('a replayed delivery is a duplicate', `${a.status} ${code}`);
        if (code === 'duplicate' && changed.length) finding('a duplicate writes nothing', `changed ${changed.join(', ')}`);
        if (code === 'accepted') {
          accepted.add(token);
          if (plan.target === 'chatwoot') accepted.add(String(conversationId));
          try {
            for (const v of leaves(JSON.parse(r.intended))) accepted.add(v);
          } catch {
            /* a truncated body that was still accepted would have shown up as a finding elsewhere */
          }
        }
      }
      if (r.pristine && a.status !== 202 && !replayOf) finding('a valid, signed event is accepted', `${a.status} ${a.text.slice(0, 200)}`);
      if (r.pristine) pristine++;
      logLines = logs.length;
    };

    for (const [i, plan] of plans.entries()) {
      const token = `fz${run}n${i}x`;
      const conversationId = conversationBase + i * 3;
      const r = materialize(plan, token, conversationId, { kgc: webhookSecret, chatwoot: chatwootSecret });
      let first: Answer | undefined;
      try {
        first = await post(r);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ERR_INVALID_CHAR') continue; // not sendable over HTTP at all
        throw err;
      }
      await check(plan, r, token, conversationId, first);
      if (plan.signing.kind === 'replay' && first) await check(plan, r, token, conversationId, await post(r), first);
    }

    // Visibility is eventually consistent: give it a moment before listing what the intake started.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const unexplained: string[] = [];
    for await (const wf of h.client.workflow.list({ query: `TaskQueue = "${h.taskQueue}"` })) {
      const last = wf.workflowId.split('/').pop()!;
      const byRejected = rejectedTokens.find((t) => wf.workflowId.includes(t) && !accepted.has(t));
      if (byRejected || !(accepted.has(last) || [...accepted].some((t) => t.startsWith('fz') && wf.workflowId.includes(t)))) unexplained.push(wf.workflowId);
      await h.client.workflow.getHandle(wf.workflowId, wf.runId).terminate('intake fuzz done').catch(() => undefined);
    }
    for (const id of unexplained) {
      const conversation = /^koko\/(\d+)$/.exec(id)?.[1];
      const token = conversation ? `fz${run}n${(Number(conversation) - conversationBase) / 3}x` : /fz[0-9a-f]{6}n\d+x/.exec(id)?.[0];
      findings.push({ rule: 'a refused request starts no workflow', label: id, detail: `workflow of no accepted request (${(token && outcomes.get(token)) ?? 'no such request'})`, excerpt: '' });
    }

    const health = await fetch(`${h.apiUrl}/health`);
    if (health.status !== 200) findings.push({ rule: 'the service is healthy after', label: '/health', status: health.status, detail: await health.text(), excerpt: '' });
    const control = materialize({ target: 'kgc', event: 'customer.updated', route: { kind: 'envelope' }, withId: true, mutations: [], envelope: [], signing: { kind: 'valid' }, transport: { contentType: 'application/json', contentEncoding: null, truncate: null, shortContentLength: false, invalidUtf8: false } }, `fz${run}control`, 0, { kgc: webhookSecret, chatwoot: chatwootSecret });
    const after = await post(control);
    if (after?.status !== 202) findings.push({ rule: 'the service is healthy after', label: 'a valid event after the run', status: after?.status, detail: after?.text ?? 'no answer', excerpt: '' });

    const table = [...tally.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `  ${k.padEnd(48)} ${n}`);
    console.log(`intake fuzz: ${runs} plans, seed ${seed}, ${reachedValidation} past signature and content type, ${pristine} pristine\n${table.join('\n')}`);

    const byRule = new Map<string, Finding[]>();
    for (const f of findings) byRule.set(`${f.rule} [${f.status ?? '-'} ${f.detail.slice(0, 60)}]`, [...(byRule.get(`${f.rule} [${f.status ?? '-'} ${f.detail.slice(0, 60)}]`) ?? []), f]);
    const report = [...byRule.entries()].map(([k, fs]) => `${fs.length}× ${k}\n${fs.slice(0, 3).map((f) => `    ${f.label}: ${f.detail.slice(0, 200)} ${f.excerpt}`).join('\n')}`);
    expect(report, `intake invariants broken:\n${report.join('\n')}`).toEqual([]);
    // The generator must get most requests past the signature and content-type checks, or it proves little.
    expect(reachedValidation, 'too few generated requests reached validation').toBeGreaterThan(runs * 0.5);
    expect(pristine, 'no valid control requests were generated').toBeGreaterThan(0);
  });
});
