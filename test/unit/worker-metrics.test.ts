import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Worker } from '@temporalio/worker';
import { serveWorkerMetrics } from '../../src/worker-metrics.js';

let metrics: Awaited<ReturnType<typeof serveWorkerMetrics>>;
beforeAll(async () => {
  const cached = (n: number) => ({ getStatus: () => ({ numCachedWorkflows: n }) as ReturnType<Worker['getStatus']> });
  metrics = await serveWorkerMetrics(0, [cached(3), cached(4)]);
});
afterAll(() => metrics.close());

describe('worker metrics (WORKER_METRICS_PORT)', () => {
  it('serves the process metrics a soak watches: RSS, heap, open handles, event-loop delay', async () => {
    const res = await fetch(`${metrics.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const name of ['process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_active_handles_total', 'nodejs_eventloop_lag_p99_seconds']) {
      expect(text, `metric ${name} missing`).toMatch(new RegExp(`^${name} [0-9.e+-]+`, 'm'));
    }
  });

  it("counts the workflow runs cached by all of the process's workers, so memory can be read beside them", async () => {
    const text = await (await fetch(`${metrics.url}/metrics`)).text();
    expect(text).toMatch(/^kgc_worker_cached_workflows 7$/m);
  });

  it('answers 404 to any other path', async () => {
    expect((await fetch(`${metrics.url}/`)).status).toBe(404);
  });
});
