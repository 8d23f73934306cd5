import { runServe } from '../../../src/app/serve';
import { loadConfig } from '../../../src/config';
import { createJsonLogger } from '../../../src/logger';

/** Child-process entry for tests that kill `ira serve` for real: config from the environment, SIGTERM stops. */
const config = loadConfig();
const logger = createJsonLogger({ level: config.logLevel });
const controller = new AbortController();
process.once('SIGTERM', () => controller.abort());
runServe(config, logger, controller.signal).then(
  () => process.exit(0),
  (error: unknown) => {
    logger.error('serve-failed', { error: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  },
);
