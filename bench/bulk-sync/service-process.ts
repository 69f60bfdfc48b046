import { loadConfig } from '../../src/config.js';
import { startService, type Role } from '../../src/service.js';

/** One role of the service in its own process (BENCH_ROLE), so the worker's RSS is measured alone. Prints a line when up. */
const role = (process.env.BENCH_ROLE ?? 'worker') as Role;
const service = await startService(loadConfig(process.env), { roles: [role], port: 0 });
process.stdout.write(`${service.apiUrl ?? 'worker-ready'}\n`);
process.once('SIGTERM', () => {
  void service.close().then(() => process.exit(0));
});
