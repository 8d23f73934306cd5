import { readFileSync } from 'node:fs';
import { Kafka, type KafkaConfig, type SASLOptions } from 'kafkajs';
import type { Config } from '../../config';
import { ErrorCodes, IraError } from '../../errors';
import type { Logger, LogLevel } from '../../logger';
import { kafkaLogCreator, kafkaLogLevel } from './log-bridge';

function ssl(config: Config['kafka']): NonNullable<KafkaConfig['ssl']> {
  if (!config.ssl.enabled) return false;
  if (!config.ssl.caFile) return { rejectUnauthorized: config.ssl.rejectUnauthorized };
  try {
    return { ca: [readFileSync(config.ssl.caFile, 'utf8')], rejectUnauthorized: config.ssl.rejectUnauthorized };
  } catch (error) {
    throw new IraError(ErrorCodes.configInvalid, `IRA_KAFKA_SSL_CA_FILE: cannot read ${config.ssl.caFile}`, { cause: error });
  }
}

function sasl(config: Config['kafka']): SASLOptions | undefined {
  if (!config.sasl) return undefined;
  const { username, password } = config.sasl;
  switch (config.sasl.mechanism) {
    case 'plain':
      return { mechanism: 'plain', username, password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username, password };
  }
}

/** One kafkajs client per process: SASL/TLS from config, logs through our logger. */
export function createKafka(config: Config['kafka'], logger: Logger, level: LogLevel = 'info'): Kafka {
  const mechanism = sasl(config);
  return new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    ssl: ssl(config),
    ...(mechanism ? { sasl: mechanism } : {}),
    // kafkajs' INFO lines are lifecycle chatter (joins, rebalances); keep them unless the user asked for less.
    logLevel: kafkaLogLevel(level),
    logCreator: kafkaLogCreator(logger),
    connectionTimeout: 3000,
    requestTimeout: 30000,
    retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 30000 },
  });
}
