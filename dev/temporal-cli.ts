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
 * Dev-server settings: the priority-aware task matcher, so that live Twenty calls go before the batches of a bulk
 * sync on the shared Twenty queue; a 1.29 server without it dispatches in arrival order. Everything else, partitions
 * included, stays at the server's defaults.
 */
export const devServerExtraArgs = ['--dynamic-config-value', 'matching.useNewMatcher=true'];
