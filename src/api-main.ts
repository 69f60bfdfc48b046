import { logger } from './logger.js';
import { run } from './main.js';

run(['api']).catch((err) => {
  logger.fatal({ err }, 'API failed to start');
  process.exit(1);
});
