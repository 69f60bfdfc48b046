import { loadConfig } from '../../src/config.js';
import { startService } from '../../src/service.js';

/** The intake API in a process of its own, as production runs it; prints its URL when listening. */
const service = await startService(loadConfig(), { roles: ['api'], port: 0 });
process.stdout.write(`${service.apiUrl}\n`);
process.once('SIGTERM', () => void service.close().then(() => process.exit(0)));
