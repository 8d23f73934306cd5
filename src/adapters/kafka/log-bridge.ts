import { logLevel, type logCreator } from 'kafkajs';
import type { Logger, LogLevel } from '../../logger';

/** kafkajs' own log level for ours: it filters before building entries, which keeps its debug chatter cheap. */
export function kafkaLogLevel(level: LogLevel): logLevel {
  switch (level) {
    case 'debug':
      return logLevel.DEBUG;
    case 'info':
      return logLevel.INFO;
    case 'warn':
      return logLevel.WARN;
    case 'error':
      return logLevel.ERROR;
  }
}

/** Bridges kafkajs' `logCreator` into our JSON logger, one child per kafkajs namespace. */
export function kafkaLogCreator(logger: Logger): logCreator {
  const base = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, logger: _name, ...fields } = log;
      const entry = { namespace, ...fields };
      if (level === logLevel.ERROR) base.error(message, entry);
      else if (level === logLevel.WARN) base.warn(message, entry);
      else if (level === logLevel.INFO) base.info(message, entry);
      else base.debug(message, entry);
    };
}
