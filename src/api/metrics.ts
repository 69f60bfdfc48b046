import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
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
      help: 'Time from a verified KGC webhook to its durable hand-off to Temporal',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
