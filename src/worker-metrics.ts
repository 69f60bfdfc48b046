import type { Worker } from '@temporalio/worker';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

/**
 * The worker role's own `/metrics` (WORKER_METRICS_PORT): Node's process metrics (RSS, heap, open handles,
 * event-loop delay, GC) as prom-client collects them, so that a worker process can be watched like the API, and
 * the workflow runs its cache holds: a cache filling up to WORKER_MAX_CACHED_WORKFLOWS grows the heap as a leak
 * would, so memory is read beside it.
 */
export async function serveWorkerMetrics(port: number, workers: Array<Pick<Worker, 'getStatus'>>): Promise<{ url: string; close(): Promise<void> }> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'kgc_worker_cached_workflows',
    help: 'Workflow runs held in the worker cache (all task queues of this process)',
    registers: [registry],
    collect() {
      this.set(workers.reduce((sum, w) => sum + w.getStatus().numCachedWorkflows, 0));
    },
  });
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
