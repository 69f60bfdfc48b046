import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { logger } from './logger.js';

let installed = false;

/**
 * Routes the SDK's own logs (worker state, activity failures) and its native core's through pino at warn and
 * above, once per process: one JSON log stream, no ANSI lines on the console.
 */
export function installTemporalRuntime(): void {
  if (installed) return;
  installed = true;
  const toPino: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };
  try {
    Runtime.install({
      // The failure goes through the logger's error serializer, not as a plain object with all its fields.
      logger: new DefaultLogger('WARN', (entry) => {
        const { error, ...meta } = entry.meta ?? {};
        logger[toPino[entry.level]]({ temporal: meta, ...(error !== undefined && { err: error }) }, entry.message);
      }),
      telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
    });
  } catch {
    // Already installed by the embedding process (a test runner, for instance): keep its choice.
  }
}
