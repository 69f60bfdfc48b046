import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { sql } from 'drizzle-orm';
import { rentalCampaignStart } from '../../contracts/rental-campaign-start.js';
import { emailCampaignSubjects } from '../../db/schema.js';
import { workflowIds } from '../../contracts/workflow-ids.js';
import { type rentalExpiryCampaign } from '../../workflows/rental-expiry-campaign.js';
import type { Handoff } from './handoff.js';
import { rentalChanged, rentalClosed, type RentalEvent } from '../../contracts/workflow-messages.js';

/**
 * rental.started: the rental's details go to Postgres (the workflow gets ids only), then `rental-expiry/<rental_id>`
 * is signalled, or started and signalled. A repeated rental.started, an extension, wakes the running campaign,
 * which re-reads the rental in KGC and moves its timer; a finished campaign stays finished.
 */
export const rentalStartedHandoff: Handoff<'rental.started'> = async (temporal, taskQueue, event, db) => {
  const d = event.data;
  const customerId = d.customer_id;
  await db
    .insert(emailCampaignSubjects)
    .values({
      campaign: 'rental-expiry',
      subjectId: d.rental_id,
      customerId,
      customerPhone: customerId ? null : d.customer_phone,
      details: { machine_name: d.machine_name, rental_end: d.rental_end },
    })
    .onConflictDoUpdate({
      target: [emailCampaignSubjects.campaign, emailCampaignSubjects.subjectId],
      set: { details: sql`excluded.details`, customerId: sql`coalesce(${emailCampaignSubjects.customerId}, excluded.customer_id)`, updatedAt: new Date() },
    });
  const start = rentalCampaignStart({ rentalId: d.rental_id, customerId, eventType: event.type, taskQueue });
  try {
    await temporal.workflow.signalWithStart<typeof rentalExpiryCampaign, [RentalEvent]>('rentalExpiryCampaign', {
      ...start,
      signal: rentalChanged,
      signalArgs: [{ eventType: event.type, eventId: event.eventId }],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  return { workflowId: start.workflowId };
};

/** rental.ended / rental.completed: the machine is back, so the rental's campaign (if one runs) ends now. */
export const rentalClosedHandoff: Handoff<'rental.ended' | 'rental.completed'> = async (temporal, _taskQueue, event) => {
  const workflowId = workflowIds.rentalExpiry(event.data.rental_id);
  try {
    await temporal.workflow.getHandle(workflowId).signal(rentalClosed, { eventType: event.type, eventId: event.eventId });
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
  return { workflowId };
};
