import { loadConfig } from '../../src/config.js';
import { startService } from '../../src/service.js';

/** The service (worker and API) in its own process, so its peak RSS is the worker's alone. Prints the API URL. */
const service = await startService(loadConfig(process.env), { port: 0 });
process.stdout.write(`${service.apiUrl}\n`);
process.once('SIGTERM', () => {
  void service.close().then(() => process.exit(0));
});
