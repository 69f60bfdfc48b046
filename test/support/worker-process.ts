import { loadConfig } from '../../src/config.js';
import { startService } from '../../src/service.js';

/** A worker in an OS process of its own, configured by its environment like `npm run worker`; says when it runs. */
const service = await startService(loadConfig(), { roles: ['worker'] });
process.stdout.write('worker running\n');
process.once('SIGTERM', () => void service.close().then(() => process.exit(0)));
