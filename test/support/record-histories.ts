import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { writeFile } from 'node:fs/promises';
import type { Harness } from './harness.js';

/**
 * With RECORD_HISTORIES=1 the end-to-end tests write the histories of the runs they name to test/fixtures/histories,
 * for the replay test to keep checking in every later build (`npm run record:histories`).
 */
export async function maybeRecordHistory(h: Harness, workflowId: string, name: string): Promise<void> {
  if (!process.env.RECORD_HISTORIES) return;
  const history = await h.client.workflow.getHandle(workflowId).fetchHistory();
  await writeFile(new URL(`../fixtures/histories/${name}.json`, import.meta.url), historyToJSON(history) + '\n');
}
