import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Where the Temporal CLI is: TEMPORAL_CLI_PATH, else the copy scripts/ensure-temporal.sh built.
 * Undefined lets @temporalio/testing download its own (machines with internet and no Go).
 */
export function temporalCliPath(): string | undefined {
  const local = fileURLToPath(new URL('../.tools/bin/temporal', import.meta.url));
  const candidate = process.env.TEMPORAL_CLI_PATH ?? local;
  return existsSync(candidate) ? candidate : undefined;
}

export function devServerExecutable() {
  const path = temporalCliPath();
  return path ? ({ type: 'existing-path', path } as const) : undefined;
}

/**
 * Dev-server settings: one partition per task queue. A task queue's rate limit (TWENTY_REQUESTS_PER_MINUTE) is
 * split across its partitions; with the default four it becomes four streams at a quarter rate each, whose
 * requests bunch up and are refused by Twenty's token bucket. One partition dispatches one evenly spaced stream.
 * Production servers set the same for the Twenty queues (temporal-config/dynamicconfig).
 */
export const devServerExtraArgs = [
  '--dynamic-config-value',
  'matching.numTaskqueueReadPartitions=1',
  '--dynamic-config-value',
  'matching.numTaskqueueWritePartitions=1',
];
