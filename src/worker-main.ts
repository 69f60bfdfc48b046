import { logger } from './logger.js';
import { run } from './main.js';

run(['worker']).catch((err) => {
  logger.fatal({ err }, 'worker failed to start');
  process.exit(1);
});
