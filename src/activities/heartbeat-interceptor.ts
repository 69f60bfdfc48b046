import type { ActivityInterceptorsFactory } from '@temporalio/worker';

/**
 * Heartbeats while each activity of a worker runs, for activities that keep no progress of their own (it would
 * overwrite heartbeat details). With a short heartbeatTimeout, the work of a worker that was killed is retried
 * within seconds instead of at the activity's startToCloseTimeout. Activities scheduled without a heartbeatTimeout
 * (live calls sharing the worker) are left alone: nobody waits for their heartbeats.
 */
export function heartbeatWhileRunning(everyMs: number): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        if (!ctx.info.heartbeatTimeoutMs) return next(input);
        ctx.heartbeat();
        const beat = setInterval(() => ctx.heartbeat(), everyMs);
        try {
          return await next(input);
        } finally {
          clearInterval(beat);
        }
      },
    },
  });
}
