import { Worker } from '@temporalio/worker';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { installTemporalRuntime } from '../../src/temporal-runtime.js';
import { workflowBundle } from '../support/harness.js';

const dir = fileURLToPath(new URL('../fixtures/histories/', import.meta.url));
// The replay workers' state changes go to this file's log, not the console.
installTemporalRuntime();

/** Workflow types with at least one recorded history; a new workflow type belongs here with its recordings. */
const recordedTypes = ['partner-sync', 'gdpr-delete', 'koko', 'initial-bulk-sync', 'rental-expiry', 'repair-done-email', 'customer-notification', 'twenty-person-batcher', 'vip-welcome', 'upsell', 'win-back', 'new-product', 'marketing-opt-out'];

/**
 * Histories recorded from real runs (`npm run record:histories`) must replay on the current code: a change that
 * would break running workflows fails here, before it ships.
 */
describe('every workflow replays its recorded histories', async () => {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json'));

  it.each(recordedTypes)('has recorded histories of %s', (prefix) => {
    expect(files.filter((f) => f.startsWith(prefix)).length, `no recorded history of ${prefix}`).toBeGreaterThan(0);
  });

  it.each(files)('%s replays without nondeterminism', async (file) => {
    const history = JSON.parse(await readFile(`${dir}${file}`, 'utf8'));
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, file.replace(/\.json$/, ''));
  });
});
