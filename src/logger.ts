import { pino } from 'pino';

/**
 * One logger for the process. Log ids (customer, workflow, event), never names, emails, phones or secrets:
 * the redact list is a safety net, not a licence.
 */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? 'info',
  redact: {
    paths: ['*.name', '*.email', '*.phone', '*.phone_number', 'headers.authorization', '*.apiKey', '*.secret'],
    censor: '[redacted]',
  },
});

export type Logger = typeof logger;
