import type { WorklogStatus } from '../contracts/kgc-events.js';
import { mainActivities, profiles } from './activity-profiles.js';

const { postWorklogStatus } = mainActivities(profiles.sync);

export interface WorklogStatusInput {
  worklogId: string;
  status: WorklogStatus;
  statusHu: string;
  estimatedCompletion?: string | null;
  conversationId: number;
}

/** `worklog-status/<worklog id>/<status>`: the status, in Hungarian, in the conversation the worklog came from; once, never backwards. */
export async function worklogStatus(input: WorklogStatusInput): Promise<{ worklogId: string; status: WorklogStatus; posted: boolean; reason?: string }> {
  const r = await postWorklogStatus(input);
  return { worklogId: input.worklogId, status: input.status, ...r };
}
