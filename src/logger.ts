import { pino } from 'pino';
import { errorSummary } from './clients/errors.js';

/**
 * Where the log lines go: stdout, and any stream added with `logStreams.add`. Under vitest not stdout: the tests'
 * setup (test/support/test-logs.ts) keeps each file's lines and shows them only for a failing test.
 */
export const logStreams = pino.multistream(process.env.VITEST ? [] : [{ stream: pino.destination(1), level: 'trace' }]);

/**
 * One logger for the process. Log ids (customer, workflow, event), never names, emails, phones or secrets:
 * the redact list is a safety net, not a licence. Errors go in as `err` objects, never as their message: the
 * serializer keeps type, code and our own fixed messages, and drops whatever an upstream or Postgres quoted.
 */
export const logger = pino(
  {
    level: process.env.LOG_LEVEL ?? 'info',
    serializers: { err: errorSummary, error: errorSummary, cause: errorSummary },
    redact: {
      paths: ['*.name', '*.email', '*.phone', '*.phone_number', 'headers.authorization', '*.apiKey', '*.secret', 'params', '*.params', 'detail', '*.detail'],
      censor: '[redacted]',
    },
  },
  logStreams,
);

export type Logger = typeof logger;
