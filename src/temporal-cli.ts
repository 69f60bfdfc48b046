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
