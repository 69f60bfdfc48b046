import { Context } from '@temporalio/activity';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { MainActivities, TwentyActivities, TwentyErasureActivities, TwentyPaymentStatusActivities, TwentyPersonBatchActivities } from '../../src/activities/index.js';
import { twentyTaskQueue } from '../../src/contracts/task-queues.js';
import { installTemporalRuntime } from '../../src/temporal-runtime.js';
import { eventually } from './eventually.js';
import { workflowBundle } from './harness.js';

/** Stub activities have the real ones' names and signatures, so a renamed or reshaped activity fails to compile. */
export type MainStubs = Partial<MainActivities>;
export type TwentyStubs = Partial<TwentyActivities & TwentyPaymentStatusActivities & TwentyErasureActivities & TwentyPersonBatchActivities>;

export interface ActivityCall {
  workflowId: string;
  name: string;
  input: any;
}

/** An activity the test holds until it lets it go: to send signals while the workflow is busy. */
export function gate() {
  const waiting: Array<() => void> = [];
  return {
    /** Resolves once the test opens it. */
    wait: () => new Promise<void>((resolve) => waiting.push(resolve)),
    /** Lets the oldest waiting call through, once one is waiting. */
    async open() {
      await eventually(() => waiting.length > 0, 'an activity waiting at the gate', 10_000);
      waiting.shift()!();
    },
    get waiting() {
      return waiting.length;
    },
  };
}

/**
 * The real workflow code on workers of the shared dev server with stub activities (plain functions, every call
 * recorded), on a task queue of its own and its `-twenty` twin: a workflow's decisions, timers and messages in
 * seconds, without Postgres or the stand-ins. The end-to-end tests prove the real activities.
 */
export async function startStubWorkers(stubs: { main: MainStubs; twenty?: TwentyStubs }) {
  installTemporalRuntime();
  const address = inject('temporalAddress');
  const taskQueue = `fast-${randomUUID()}`;
  const calls: ActivityCall[] = [];
  const recorded = (fns: object) =>
    Object.fromEntries(
      Object.entries(fns).map(([name, fn]) => [
        name,
        (input: unknown) => {
          calls.push({ workflowId: Context.current().info.workflowExecution?.workflowId ?? '', name, input });
          return (fn as (i: unknown) => unknown)(input);
        },
      ]),
    );

  const workerConnection = await NativeConnection.connect({ address });
  const workers = [
    await Worker.create({ connection: workerConnection, taskQueue, workflowBundle: await workflowBundle(), activities: recorded(stubs.main) }),
    ...(stubs.twenty ? [await Worker.create({ connection: workerConnection, taskQueue: twentyTaskQueue(taskQueue), activities: recorded(stubs.twenty) })] : []),
  ];
  const running = workers.map((w) => w.run());
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });

  return {
    client,
    taskQueue,
    calls,
    /** The inputs one workflow gave one activity, in call order. */
    callsOf(workflowId: string, name: string): any[] {
      return calls.filter((c) => c.workflowId === workflowId && c.name === name).map((c) => c.input);
    },
    /** The activities one workflow called, in order. */
    namesOf(workflowId: string): string[] {
      return calls.filter((c) => c.workflowId === workflowId).map((c) => c.name);
    },
    async close() {
      for (const w of workers) w.shutdown();
      await Promise.all(running);
      await connection.close();
      await workerConnection.close();
    },
  };
}

export type StubWorkers = Awaited<ReturnType<typeof startStubWorkers>>;
