import { condition, continueAsNew, setHandler, sleep } from '@temporalio/workflow';
import { cancelNewProduct, newProductProgress, pauseNewProduct, resumeNewProduct, type NewProductProgress } from '../contracts/workflow-messages.js';
import { mainActivities, profiles } from './activity-profiles.js';

export interface NewProductCampaignInput {
  runId: string;
  category: string;
  /** YYYY-MM-DD: customers who rented the category since then. */
  since: string;
  emailsPerMinute: number;
  pageSize?: number;
  /** Carried across continue-as-new. */
  cursor?: string | null;
  progress?: NewProductProgress;
  paused?: boolean;
  prepared?: boolean;
}

const { prepareNewProductCampaign, newProductAudiencePage } = mainActivities(profiles.sweep);
const { sendCustomerEmail } = mainActivities(profiles.email);

/** Which count of the report an email's outcome goes to (the skip reasons of src/activities/email.ts). */
function tally(progress: NewProductProgress, status: string, reason?: string): void {
  if (status === 'sent') progress.sent++;
  else if (status === 'rejected') progress.rejected++;
  else if (reason === 'no marketing consent') progress.skipped_no_consent++;
  else if (reason === 'unsubscribed') progress.unsubscribed++;
  else if (reason === 'frequency cap') progress.capped++;
  else progress.skipped_other++;
}

/**
 * `new-product/<run_id>`, started by an admin: "Új … érkeztek, bérelje ki!" to every customer KGC says rented the
 * category since `since`, one page of the audience at a time, at NEW_PRODUCT_EMAILS_PER_MINUTE. Signals pause,
 * resume and cancel; the query `progress` (and the result) is the report. Continues as new after each page; each
 * recipient's email has its own key, so nothing is sent twice.
 */
export async function newProductCampaign(input: NewProductCampaignInput): Promise<NewProductProgress> {
  const { runId, category, since, emailsPerMinute, pageSize = 100 } = input;
  const progress: NewProductProgress = input.progress ?? {
    category,
    since,
    phase: 'sending',
    processed: 0,
    sent: 0,
    skipped_no_consent: 0,
    capped: 0,
    unsubscribed: 0,
    rejected: 0,
    skipped_other: 0,
    listed: 0,
    moreToList: true,
    startedAt: new Date().toISOString(),
    emailsPerMinute,
  };
  let paused = input.paused ?? false;
  let cancelled = false;
  setHandler(pauseNewProduct, () => void (paused = true));
  setHandler(resumeNewProduct, () => void (paused = false));
  setHandler(cancelNewProduct, () => void (cancelled = true));
  setHandler(newProductProgress, () => ({ ...progress, phase: cancelled ? 'cancelled' : paused && progress.phase === 'sending' ? 'paused' : progress.phase }));

  if (!input.prepared) await prepareNewProductCampaign({ runId, category, since });
  const gapMs = Math.ceil(60_000 / emailsPerMinute);
  let cursor = input.cursor ?? null;
  do {
    const page = await newProductAudiencePage({ runId, category, since, cursor, pageSize });
    progress.listed = (progress.listed ?? 0) + page.customerIds.length;
    progress.moreToList = page.nextCursor !== null;
    for (const customerId of page.customerIds) {
      await condition(() => !paused || cancelled);
      if (cancelled) break;
      const sent = await sendCustomerEmail({ kind: 'new_product', subjectId: `${runId}:${customerId}`, customerId });
      tally(progress, sent.status, sent.reason);
      progress.processed++;
      await sleep(gapMs);
    }
    cursor = page.nextCursor;
    if (cancelled) break;
    // One run per page keeps each history small whatever the audience; the cursor and the report go along.
    if (cursor) await continueAsNew<typeof newProductCampaign>({ ...input, cursor, progress, paused, prepared: true });
  } while (cursor);
  progress.phase = cancelled ? 'cancelled' : 'done';
  return progress;
}
