import { ActivityFailure, ApplicationFailure, setHandler, sleep, TimeoutFailure } from '@temporalio/workflow';
import { historyObjects } from '../activities/twenty-history-objects.js';
import type { ErasedSystem, ErasureSystem } from '../contracts/erasure-steps.js';
import { mainActivities, profiles, twentyActivities } from './activity-profiles.js';
import { gdprDeleteStatus, type GdprDeleteStatus } from '../contracts/workflow-messages.js';

export interface GdprDeleteInput {
  customerId: string;
  /** A reason code (see erasureReasonCode), never KGC's free-text gdpr_reason. */
  reasonCode: string;
}
export interface GdprDeleteResult {
  customerHash: string;
  status: 'complete' | 'incomplete';
  /** The steps still to do (failed, or a system once configured that is not configured now). */
  pending: ErasureSystem[];
}


const main = mainActivities({ ...profiles.erasureStep, heartbeatTimeout: '30s' });
const kgcKeys = mainActivities(profiles.erasureHint);

type Counts = Record<string, number>;
type StepRun = () => Promise<Counts | 'not_configured'>;

/** Why a step failed, as a code for the certificate: the failure's type, HTTP status and code, never its message. */
function failureCode(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) {
    const { status, code } = (cause.details?.[0] ?? {}) as { status?: number; code?: string };
    return [cause.type ?? 'Error', status, code].filter(Boolean).join(':');
  }
  if (cause instanceof TimeoutFailure) return 'timeout';
  return 'unknown';
}

/**
 * Erases one customer everywhere (README "GDPR erasure"). Tombstone first, so nothing can recreate the
 * person; stop the customer's other workflows; gather what the customer can be found by; then every system is its
 * own step that runs whatever the others did and ends erased, nothing_found, not_configured or failed. After the
 * customer's in-flight writes have drained, Twenty and Chatwoot are destroyed a second time. The certificate is
 * `complete` once every step is done; otherwise a later run (operator retry, repeated delete) does what is left.
 */
export async function gdprCascadeDelete({ customerId, reasonCode }: GdprDeleteInput): Promise<GdprDeleteResult> {
  const twenty = twentyActivities(profiles.erasureStep);
  let step: GdprDeleteStatus['step'] = 'tombstone';
  const steps: ErasedSystem[] = [];
  setHandler(gdprDeleteStatus, () => ({ step, steps }));

  const { customerHash, pending, drainMs } = await main.beginErasure({ customerId, reasonCode });
  if (pending.length === 0) return { customerHash, status: 'complete', pending };

  step = 'stopping_workflows';
  await main.stopCustomerWorkflows({ customerId });

  step = 'collecting_keys';
  await kgcKeys.collectKgcErasureKeys({ customerId }).catch(() => undefined);

  const destroyInTwenty = async (): Promise<Counts> => {
    const counts: Counts = {};
    for (const object of historyObjects) counts[object] = nothingIfUnconfigured(await twenty.destroyTwentyHistory({ customerId, object }));
    counts.people = nothingIfUnconfigured(await twenty.destroyTwentyPerson({ customerId }));
    return counts;
  };
  const destroyInChatwoot = async (): Promise<Counts> => {
    const { contacts, conversations } = await main.deleteChatwootContacts({ customerId });
    return { contacts, conversations };
  };

  // Chatwoot, Koko and our own rows are found by the emails and phones Twenty's person held: they wait for those.
  const twentyKeys = pending.includes('twenty') ? settle(twenty.collectTwentyErasureKeys({ customerId })) : Promise.resolve(undefined);
  const chatwootKeys = (async () => {
    await twentyKeys;
    return pending.includes('chatwoot') ? settle(main.collectChatwootErasureKeys({ customerId })) : undefined;
  })();
  /** A system's step once its keys are in: a failed collection fails the step, no credentials mean not_configured. */
  const afterKeys = (keys: Promise<{ configured: boolean } | Error | undefined>, erase: () => Promise<Counts>): StepRun => async () => {
    const collected = await keys;
    if (collected instanceof Error) throw collected;
    return collected && !collected.configured ? 'not_configured' : erase();
  };
  const eraseKoko = () => main.eraseKokoData({ customerId });
  const eraseOwnRows = () => main.eraseIntegrationRows({ customerId });
  const runs: Record<ErasureSystem, { first: StepRun; again: () => Promise<Counts> }> = {
    twenty: { first: afterKeys(twentyKeys, destroyInTwenty), again: destroyInTwenty },
    chatwoot: { first: afterKeys(chatwootKeys, destroyInChatwoot), again: destroyInChatwoot },
    // Koko's and our own rows only need the phones Twenty's person held, whatever became of Twenty's step.
    koko: { first: afterKeys(twentyKeys.then(() => undefined), eraseKoko), again: eraseKoko },
    integration_db: { first: afterKeys(twentyKeys.then(() => undefined), eraseOwnRows), again: eraseOwnRows },
  };

  const record = async (outcome: ErasedSystem) => {
    steps.splice(0, steps.length, ...steps.filter((s) => s.system !== outcome.system), outcome);
    await main.recordErasureStep({ customerId, step: outcome });
    return outcome;
  };
  const runStep = async (system: ErasureSystem, run: StepRun): Promise<ErasedSystem> => {
    const at = () => new Date().toISOString();
    try {
      const result = await run();
      if (result === 'not_configured') return record({ system, status: 'not_configured', erased: {}, at: at() });
      const found = Object.values(result).some((n) => n > 0);
      return record({ system, status: found ? 'erased' : 'nothing_found', erased: result, at: at() });
    } catch (err) {
      return record({ system, status: 'failed', erased: {}, code: failureCode(err), at: at() });
    }
  };

  step = 'erasing';
  const first = await Promise.all(pending.map((system) => runStep(system, runs[system].first)));

  // A write that checked the tombstone just before it was written may land after the first pass, and Chatwoot's
  // keys may name Koko conversations the first pass did not know: once in-flight work has drained, erase again.
  const again = first.filter((o) => o.status === 'erased' || o.status === 'nothing_found');
  if (again.length > 0) {
    step = 'draining';
    await sleep(drainMs);
    step = 'second_pass';
    await Promise.all(
      again.map((done) =>
        runStep(done.system, async () => {
          const more = await runs[done.system].again();
          return Object.fromEntries(Object.entries(done.erased).map(([k, n]) => [k, n + (more[k] ?? 0)]));
        }),
      ),
    );
  }

  step = 'certificate';
  const finished = await main.finishErasure({ customerId });
  step = 'done';
  return { customerHash, ...finished };
}

function nothingIfUnconfigured(result: { configured: false } | { configured: true; destroyed: number }): number {
  return result.configured ? result.destroyed : 0;
}

/** A promise that resolves to its error instead of rejecting, so one step's failure is read where it matters. */
function settle<T>(p: Promise<T>): Promise<T | Error> {
  return p.catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
}
