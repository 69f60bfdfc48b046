import { ConfigError, loadConfig } from './config.js';
import { logger } from './logger.js';
import { startService, type Role } from './service.js';

/** `npm start` (both roles), `npm run worker`, `npm run api`. */
export async function run(roles: Role[]): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  // Settings checked only at start-up (a TLS file that cannot be read) stop the service like the rest of the config.
  const service = await startService(config, { roles }).catch((err: unknown) => {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(2);
  });
  logger.info({ roles, api: service.apiUrl, taskQueue: config.temporal.taskQueue }, 'KGC integration running');
  const stop = async () => {
    await service.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await service.done;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run(['api', 'worker']).catch((err) => {
    logger.fatal({ err }, 'failed to start');
    process.exit(1);
  });
}
