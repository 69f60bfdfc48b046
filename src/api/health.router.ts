import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { TwentySetup, TwentySetupProblem } from '../clients/twenty-provision.js';
import type { ModuleFlags } from '../modules.js';
import type { Metrics } from './metrics.js';

type Check = 'ok' | 'unreachable' | 'not configured' | 'setup_error' | 'misconfigured';

async function reachable(url: string | undefined): Promise<Check> {
  if (!url) return 'not configured';
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return res.status < 500 ? 'ok' : 'unreachable';
  } catch {
    return 'unreachable';
  }
}

async function chatwootCheck(targets: ReadyTargets): Promise<[Check, string[]]> {
  const reach = await reachable(targets.chatwootUrl);
  if (reach !== 'ok' || !targets.chatwootProblems) return [reach, []];
  try {
    const problems = await targets.chatwootProblems();
    return [problems.length > 0 ? 'misconfigured' : 'ok', problems];
  } catch {
    return ['unreachable', []];
  }
}

export interface ReadyTargets {
  twentyUrl?: string;
  chatwootUrl?: string;
  /** What Chatwoot lacks of this service's settings (KOKO_TEAMS ids it does not know); any makes it misconfigured. */
  chatwootProblems?: () => Promise<string[]>;
  /** Checked only when Gemini is configured: without it Koko escalates every message, which is degraded, not down. */
  geminiUrl?: string;
  /** Verifies the SMTP connection (nodemailer `verify`), when SMTP is configured. */
  smtp?: () => Promise<boolean>;
  /** Whether Twenty accepts the key and has the whole data model (a setup error stops every sync alike). */
  twentySetup?: () => Promise<TwentySetup>;
}

/** Liveness, readiness of Temporal, the database and each enabled system, and Prometheus metrics. */
export function healthRouter(deps: { db: Db; temporal: Client; metrics: Metrics; modules: ModuleFlags; targets: ReadyTargets }): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/ready', async (_req, res) => {
    const [temporal, database] = await Promise.all([
      deps.temporal
        .withDeadline(Date.now() + 2_000, () => deps.temporal.workflowService.getSystemInfo({}))
        .then((): Check => 'ok', (): Check => 'unreachable'),
      deps.db.execute(sql`select 1`).then((): Check => 'ok', (): Check => 'unreachable'),
    ]);
    const modules = database === 'ok' ? await deps.modules.current() : { crm: false, support: false };
    const smtpCheck = deps.targets.smtp;
    const [twenty, [chatwoot, chatwootProblems], gemini, smtp] = await Promise.all([
      modules.crm ? reachable(deps.targets.twentyUrl) : Promise.resolve<Check>('ok'),
      modules.support ? chatwootCheck(deps.targets) : Promise.resolve<[Check, string[]]>(['ok', []]),
      modules.support && deps.targets.geminiUrl ? reachable(deps.targets.geminiUrl) : Promise.resolve<Check>('not configured'),
      smtpCheck ? smtpCheck().then((ok): Check => (ok ? 'ok' : 'unreachable'), (): Check => 'unreachable') : Promise.resolve<Check>('not configured'),
    ]);
    let twentyCheck = twenty;
    let setup: TwentySetupProblem | undefined;
    const setupCheck = deps.targets.twentySetup;
    if (modules.crm && twenty === 'ok' && setupCheck) {
      const result = await setupCheck().catch((): 'unreachable' => 'unreachable');
      if (result === 'unreachable') twentyCheck = 'unreachable';
      else if (!result.ok) {
        twentyCheck = 'setup_error';
        setup = { code: result.code, message: result.message, ...(result.missing && { missing: result.missing }) };
      }
    }
    const body = {
      temporal,
      database,
      modules: {
        crm: { enabled: modules.crm, twenty: twentyCheck, ...(setup && { setup }) },
        support: { enabled: modules.support, chatwoot, gemini, smtp, ...(chatwootProblems.length > 0 && { problems: chatwootProblems }) },
      },
    };
    const ok = (c: Check) => c !== 'unreachable';
    const ready =
      temporal === 'ok' && database === 'ok' && (!modules.crm || twentyCheck === 'ok') && (!modules.support || (chatwoot === 'ok' && ok(gemini))) && ok(smtp);
    res.status(ready ? 200 : 503).json(body);
  });

  router.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return router;
}
