import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { logger } from '../logger.js';
import { workflowsPath } from '../worker.js';

/**
 * `npm run build:workflows [-- out.js]`: bundles the workflow code once, ahead of time, for
 * `WORKFLOW_BUNDLE_PATH`. The bundle must be rebuilt with every workflow change and by the same SDK version.
 */
const out = resolve(process.argv[2] ?? '.build/workflows.js');
const { code } = await bundleWorkflowCode({ workflowsPath });
await mkdir(dirname(out), { recursive: true });
await writeFile(out, code);
logger.info({ out }, 'workflow bundle written');
