import type { Client } from '@temporalio/client';

/** Per signal, how long it may take: a coalesced send runs after its callers' own deadlines were set. */
const sendDeadlineMs = 30_000;

interface Waiting {
  send: () => Promise<unknown>;
  done: Promise<void>;
  settle: { resolve: () => void; reject: (err: unknown) => void };
}

/**
 * Signals to one workflow wait for each other on the Temporal server's lock of that execution, so a burst for one
 * customer (thirty updates in a few seconds) queued thirty signal-with-starts behind each other, and under load the
 * last ones outlived their 5 s answer (the chaos run). The partner's workflow needs only to know it is dirty, so
 * one signal can stand for many: per workflow and signal at most one is in flight and one waits, and the waiting
 * one carries the newest event. Every caller resolves after a signal sent after it called, so its event is durable
 * in Temporal before it is acknowledged, as before.
 */
class SignalLanes {
  private readonly lanes = new Map<string, { waiting?: Waiting }>();

  constructor(private readonly temporal: Client) {}

  send(key: string, send: () => Promise<unknown>): Promise<void> {
    const lane = this.lanes.get(key);
    if (!lane) {
      this.lanes.set(key, {});
      return this.run(key, send);
    }
    if (lane.waiting) {
      lane.waiting.send = send;
      return lane.waiting.done;
    }
    let settle!: Waiting['settle'];
    const done = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    lane.waiting = { send, done, settle };
    return done;
  }

  private async run(key: string, send: () => Promise<unknown>): Promise<void> {
    try {
      await this.temporal.withDeadline(Date.now() + sendDeadlineMs, send);
    } finally {
      this.next(key);
    }
  }

  private next(key: string): void {
    const lane = this.lanes.get(key)!;
    const waiting = lane.waiting;
    if (!waiting) {
      this.lanes.delete(key);
      return;
    }
    lane.waiting = undefined;
    this.run(key, waiting.send).then(waiting.settle.resolve, waiting.settle.reject);
  }
}

const lanesOf = new WeakMap<Client, SignalLanes>();

/** Sends `send` (a signal or signal-with-start to `workflowId`) coalesced with others of the same `signal`. */
export function coalescedSignal(temporal: Client, workflowId: string, signal: string, send: () => Promise<unknown>): Promise<void> {
  let lanes = lanesOf.get(temporal);
  if (!lanes) lanesOf.set(temporal, (lanes = new SignalLanes(temporal)));
  return lanes.send(`${workflowId}\n${signal}`, send);
}
