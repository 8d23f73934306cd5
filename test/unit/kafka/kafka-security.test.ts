import { createKafka, kafkaSecurityWarnings } from '../../../src/adapters/kafka/kafka-client';
import { translateKafkaError } from '../../../src/adapters/kafka/translate-error';
import { loadConfig } from '../../../src/config';
import { createJsonLogger } from '../../../src/logger';

const SECRET = 'hunter2-do-not-print';

function kafkaConfig(env: Record<string, string>) {
  return loadConfig({ IRA_KAFKA_BROKERS: '127.0.0.1:1', ...env }).kafka;
}

test.each([
  ['SASL PLAIN without TLS', { IRA_KAFKA_SASL_MECHANISM: 'plain' }, ['IRA_KAFKA_SASL_MECHANISM']],
  ['SASL PLAIN over TLS', { IRA_KAFKA_SASL_MECHANISM: 'plain', IRA_KAFKA_SSL: 'true' }, []],
  ['SCRAM without TLS (the password never crosses the wire)', { IRA_KAFKA_SASL_MECHANISM: 'scram-sha-512' }, []],
  ['TLS with certificate checks off', { IRA_KAFKA_SSL: 'true', IRA_KAFKA_SSL_REJECT_UNAUTHORIZED: 'false' }, ['IRA_KAFKA_SSL_REJECT_UNAUTHORIZED']],
  [
    'both',
    { IRA_KAFKA_SASL_MECHANISM: 'plain', IRA_KAFKA_SSL: 'false', IRA_KAFKA_SSL_REJECT_UNAUTHORIZED: 'false' },
    ['IRA_KAFKA_SASL_MECHANISM'],
  ],
  ['TLS with checks on', { IRA_KAFKA_SSL: 'true' }, []],
  ['plaintext, no SASL', {}, []],
])('security warnings: %s', (_name, env, settings) => {
  const config = kafkaConfig({ IRA_KAFKA_SASL_USERNAME: 'ira', IRA_KAFKA_SASL_PASSWORD: SECRET, ...env });
  const warnings = kafkaSecurityWarnings(config);
  expect(warnings.map((warning) => warning.setting)).toEqual(settings);
  expect(JSON.stringify(warnings)).not.toContain(SECRET);
});

test('createKafka logs each warning once, naming the setting and never the password', () => {
  const lines: string[] = [];
  const logger = createJsonLogger({ level: 'debug', write: (line) => lines.push(line) });
  const config = kafkaConfig({ IRA_KAFKA_SASL_MECHANISM: 'plain', IRA_KAFKA_SASL_USERNAME: 'ira', IRA_KAFKA_SASL_PASSWORD: SECRET });
  createKafka(config, logger);
  const warnings = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.message === 'kafka-transport-insecure');
  expect(warnings).toEqual([expect.objectContaining({ setting: 'IRA_KAFKA_SASL_MECHANISM', warning: expect.stringMatching(/clear text/) })]);
  expect(lines.join('\n')).not.toContain(SECRET);
});

test('createKafka warns when certificate checks are off', () => {
  const lines: string[] = [];
  createKafka(kafkaConfig({ IRA_KAFKA_SSL: 'true', IRA_KAFKA_SSL_REJECT_UNAUTHORIZED: 'false' }), createJsonLogger({ level: 'warn', write: (line) => lines.push(line) }));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain('IRA_KAFKA_SSL_REJECT_UNAUTHORIZED=false');
});

function namedError(name: string, message: string, options: { cause?: unknown; code?: string } = {}): Error {
  const error = new Error(message, options.cause === undefined ? undefined : { cause: options.cause });
  error.name = name;
  return Object.assign(error, options.code ? { code: options.code } : {});
}

test('a SASL refusal, even wrapped, becomes a final error naming the settings to check', () => {
  const refusal = namedError('KafkaJSSASLAuthenticationError', 'SASL SCRAM SHA512 authentication failed: invalid credentials');
  const error = translateKafkaError(namedError('KafkaJSNonRetriableError', 'wrapped', { cause: refusal }), 'producer connect');
  expect(error.message).toMatch(/^Kafka SASL authentication failed \(producer connect\): check IRA_KAFKA_SASL_USERNAME\/IRA_KAFKA_SASL_PASSWORD/);
  expect(error.retryable).toBe(false);
});

test('a refused broker certificate becomes a final error naming IRA_KAFKA_SSL_CA_FILE; other connection errors stay retryable', () => {
  const refused = translateKafkaError(namedError('KafkaJSConnectionError', 'Connection error: self-signed certificate in certificate chain', { code: 'SELF_SIGNED_CERT_IN_CHAIN' }), 'connect');
  expect(refused.message).toContain('IRA_KAFKA_SSL_CA_FILE');
  expect(refused.retryable).toBe(false);
  const down = translateKafkaError(namedError('KafkaJSConnectionError', 'Connection error: connect ECONNREFUSED', { code: 'ECONNREFUSED' }), 'connect');
  expect(down.retryable).toBe(true);
});
