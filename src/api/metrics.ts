import { count, ne } from 'drizzle-orm';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Db } from '../db/client.js';
import { erasures } from '../db/schema.js';

export function createMetrics(db?: Db) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    webhooks: new Counter({
      name: 'kgc_webhooks_total',
      help: 'KGC webhook deliveries by event and outcome',
      labelNames: ['event', 'outcome'] as const,
      registers: [registry],
    }),
    handoffSeconds: new Histogram({
      name: 'kgc_webhook_handoff_seconds',
      help: 'Time from a verified KGC webhook to its durable hand-off to Temporal, by event',
      labelNames: ['event'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    erasuresNotComplete: new Gauge({
      name: 'kgc_erasures_not_complete',
      help: 'GDPR erasures not complete, by status (incomplete: a step failed or a system is not configured; retry after fixing it)',
      labelNames: ['status'] as const,
      registers: [registry],
      async collect() {
        if (!db) return;
        this.reset();
        const rows = await db.select({ status: erasures.status, n: count() }).from(erasures).where(ne(erasures.status, 'complete')).groupBy(erasures.status);
        for (const status of ['incomplete', 'in_progress']) this.set({ status }, rows.find((r) => r.status === status)?.n ?? 0);
      },
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
