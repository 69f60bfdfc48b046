import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { Config } from './config.js';
import { logger } from './logger.js';

/** Every Temporal Schedule the service relies on; created or brought up to date at worker start-up. */
export function scheduleDefinitions(config: Config): ScheduleOptions[] {
  return [
    {
      // Named after the task queue: one deployment's schedules never act on another's queue (tests run many).
      scheduleId: `${config.temporal.taskQueue}/prune-kgc-deliveries`,
      spec: { calendars: [{ hour: 3, minute: 30, comment: 'nightly' }], timezone: 'Europe/Budapest' },
      action: {
        type: 'startWorkflow',
        workflowType: 'pruneDeliveries',
        taskQueue: config.temporal.taskQueue,
        args: [{ olderThanHours: config.kgcDedupRetentionHours }],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    },
    {
      scheduleId: `${config.temporal.taskQueue}/prune-unlinked-personal-data`,
      spec: { calendars: [{ hour: 3, minute: 45, comment: 'nightly' }], timezone: 'Europe/Budapest' },
      action: {
        type: 'startWorkflow',
        workflowType: 'pruneUnlinkedPersonalData',
        taskQueue: config.temporal.taskQueue,
        args: [{ olderThanDays: config.erasure.unlinkedRetentionDays }],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    },
    {
      // The rental expiry campaign's safety net: a lost rental.started must not cost the customer the reminder.
      scheduleId: `${config.temporal.taskQueue}/rental-expiry-sweep`,
      spec: { calendars: [{ hour: config.rentalReminder.hour ?? 10, comment: 'reminder hour' }], timezone: config.rentalReminder.timeZone },
      action: { type: 'startWorkflow', workflowType: 'rentalReminderSweep', taskQueue: config.temporal.taskQueue, args: [{}] },
      // Reminders still make sense later the same day, not the day after.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '12h' },
    },
    {
      // Win-back: customers inactive for WIN_BACK_INACTIVE_AFTER, mailed once per inactive period.
      scheduleId: `${config.temporal.taskQueue}/win-back-sweep`,
      spec: { calendars: [{ hour: 11, comment: 'daily, after the rental reminders' }], timezone: 'Europe/Budapest' },
      action: { type: 'startWorkflow', workflowType: 'winBackSweep', taskQueue: config.temporal.taskQueue, args: [{}] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '12h' },
    },
    ...(config.twenty.webhookSecret
      ? [
          {
            // Franchise onboarding's safety net: Twenty never sends a webhook twice.
            scheduleId: `${config.temporal.taskQueue}/won-deals-sweep`,
            spec: { intervals: [{ every: '1h', offset: '20m' }] },
            action: { type: 'startWorkflow' as const, workflowType: 'wonDealsSweep', taskQueue: config.temporal.taskQueue, args: [{ wonStage: config.twenty.wonStage }] },
            policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1h' },
          },
        ]
      : []),
  ];
}

/** Idempotent: a schedule that exists is updated to the current definition (settings may have changed). */
export async function ensureSchedules(client: Client, definitions: ScheduleOptions[]): Promise<void> {
  for (const definition of definitions) {
    try {
      await client.schedule.create(definition);
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await client.schedule.getHandle(definition.scheduleId).update((previous) => ({ ...previous, spec: definition.spec, action: definition.action, policies: definition.policies }));
    }
    logger.debug({ scheduleId: definition.scheduleId }, 'schedule ensured');
  }
}
