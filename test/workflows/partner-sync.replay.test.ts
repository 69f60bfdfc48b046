import { Worker } from '@temporalio/worker';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { workflowBundle } from '../support/harness.js';

const dir = fileURLToPath(new URL('../fixtures/histories/', import.meta.url));

/**
 * Histories recorded from real partnerSync runs (`npm run record:histories`) must replay on the current code:
 * a change that would break running workflows fails here, before it ships.
 */
describe('partnerSync replays its recorded histories', async () => {
  const files = (await readdir(dir)).filter((f) => f.startsWith('partner-sync') && f.endsWith('.json'));

  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s replays without nondeterminism', async (file) => {
    const history = JSON.parse(await readFile(`${dir}${file}`, 'utf8'));
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, file.replace(/\.json$/, ''));
  });
});
