import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { connect as netConnect } from 'node:net';
import { Kafka, type ISocketFactory, type KafkaConfig, type SASLOptions } from 'kafkajs';
import type { Config } from '../../config';
import { ErrorCodes, IraError } from '../../errors';
import type { Logger, LogLevel } from '../../logger';
import { kafkaLogCreator, kafkaLogLevel } from './log-bridge';
import { certificateRefusal } from './translate-error';

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

/**
 * kafkajs' own socket factory (same options, same keep-alive), plus one error log naming the setting when TLS refuses
 * the broker's certificate: kafkajs treats that as a connection error and retries it, so without this a wrong CA
 * shows up only as repeated "Connection error" lines.
 */
function socketFactory(logger: Logger): ISocketFactory {
  let told = false;
  return ({ host, port, ssl: options, onConnect }) => {
    const socket = options
      ? tlsConnect({ host, port, ...(isIP(host) ? {} : { servername: host }), ...options }, onConnect)
      : netConnect({ host, port }, onConnect);
    socket.setKeepAlive(true, 60_000);
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const refusal = certificateRefusal(error.code);
      if (refusal && !told) {
        told = true;
        logger.error('kafka-certificate-refused', { broker: `${host}:${port}`, code: error.code, hint: refusal });
      }
    });
    return socket;
  };
}

/**
 * Settings that work but leave the connection open to a network attacker. They are the user's call (a lab broker, a
 * self-signed certificate during a migration), so they are warned about at every client creation, not refused.
 */
export function kafkaSecurityWarnings(config: Config['kafka']): { setting: string; warning: string }[] {
  const warnings: { setting: string; warning: string }[] = [];
  if (config.sasl?.mechanism === 'plain' && !config.ssl.enabled) {
    warnings.push({
      setting: 'IRA_KAFKA_SASL_MECHANISM',
      warning: 'SASL PLAIN without TLS sends the Kafka password in clear text: set IRA_KAFKA_SSL=true or use scram-sha-512',
    });
  }
  if (config.ssl.enabled && !config.ssl.rejectUnauthorized) {
    warnings.push({
      setting: 'IRA_KAFKA_SSL_REJECT_UNAUTHORIZED',
      warning: "IRA_KAFKA_SSL_REJECT_UNAUTHORIZED=false: the broker's certificate is not checked, so anyone on the path can impersonate it; give its CA in IRA_KAFKA_SSL_CA_FILE instead",
    });
  }
  return warnings;
}

/** One kafkajs client per process: SASL/TLS from config, logs through our logger. */
export function createKafka(config: Config['kafka'], logger: Logger, level: LogLevel = 'info'): Kafka {
  for (const { setting, warning } of kafkaSecurityWarnings(config)) logger.warn('kafka-transport-insecure', { setting, warning });
  const mechanism = sasl(config);
  return new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    ssl: ssl(config),
    socketFactory: socketFactory(logger),
    ...(mechanism ? { sasl: mechanism } : {}),
    // kafkajs' INFO lines are lifecycle chatter (joins, rebalances); keep them unless the user asked for less.
    logLevel: kafkaLogLevel(level),
    logCreator: kafkaLogCreator(logger),
    connectionTimeout: 3000,
    requestTimeout: 30000,
    retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 30000 },
  });
}
