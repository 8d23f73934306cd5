import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Kafka } from 'kafkajs';
import { createKafka } from '../../src/adapters/kafka/kafka-client';
import { createKafkaProducer } from '../../src/adapters/kafka/kafka-producer';
import { translateKafkaError } from '../../src/adapters/kafka/translate-error';
import { loadConfig } from '../../src/config';
import { IraError } from '../../src/errors';
import { createJsonLogger, type Logger } from '../../src/logger';
import { waitFor } from './helpers/wait-for';

/**
 * serve's Kafka client against a real broker whose only listener is SASL_SSL (SCRAM-SHA-512 over TLS), started by
 * scripts/kafka-secure.sh with a CA and a broker certificate this test makes. If the broker cannot start, beforeAll
 * throws and every test here fails.
 */
const SCRIPT = join(__dirname, '..', '..', 'scripts', 'kafka-secure.sh');
const PORT = process.env.KAFKA_SECURE_PORT ?? '29094';
const run = promisify(execFile);

const password = `pw-${randomBytes(12).toString('hex')}`;
const tlsDir = mkdtempSync(join(tmpdir(), 'ira-kafka-tls-'));

function secureEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    IRA_KAFKA_BROKERS: `127.0.0.1:${PORT}`,
    IRA_KAFKA_CLIENT_ID: 'ira-it-sasl-ssl',
    IRA_KAFKA_SSL: 'true',
    IRA_KAFKA_SSL_CA_FILE: join(tlsDir, 'ca.pem'),
    IRA_KAFKA_SASL_MECHANISM: 'scram-sha-512',
    IRA_KAFKA_SASL_USERNAME: 'ira',
    IRA_KAFKA_SASL_PASSWORD: password,
    ...overrides,
  };
}

/** A logger that keeps every line (debug included), so the test can look for the secret in everything logged. */
function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createJsonLogger({ level: 'debug', write: (line) => lines.push(line) }), lines };
}

beforeAll(async () => {
  const env = { ...process.env, KAFKA_SECURE_TLS_DIR: tlsDir, KAFKA_SECURE_SCRAM_USER: 'ira', KAFKA_SECURE_SCRAM_PASSWORD: password };
  await run('bash', [SCRIPT, 'certs', tlsDir], { env });
  try {
    await run('bash', [SCRIPT, 'start'], { env, timeout: 240_000 });
  } catch (error) {
    const output = error as { stderr?: string; message?: string };
    throw new Error(`the SASL_SSL broker did not start (bash scripts/kafka-secure.sh start): ${output.stderr ?? output.message ?? String(error)}`);
  }
});

afterAll(async () => {
  await run('bash', [SCRIPT, 'stop']).catch(() => undefined);
  rmSync(tlsDir, { recursive: true, force: true });
});

async function consumeOne(kafka: Kafka, topic: string): Promise<string> {
  const consumer = kafka.consumer({ groupId: `ira-it-${randomUUID()}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const received: string[] = [];
    await consumer.run({
      eachMessage: ({ message }) => {
        received.push(message.value?.toString('utf8') ?? '');
        return Promise.resolve();
      },
    });
    return await waitFor(() => received[0], { description: `a message on ${topic} over SASL_SSL`, timeoutMs: 60_000 });
  } finally {
    await consumer.disconnect();
  }
}

test('serve’s Kafka client produces and consumes over SASL_SSL with SCRAM-SHA-512 and the test’s CA', async () => {
  const config = loadConfig(secureEnv());
  const { logger, lines } = capturingLogger();
  const kafka = createKafka(config.kafka, logger, 'debug');
  const topic = `ira-it-secure-${randomUUID()}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
  const producer = await createKafkaProducer(kafka);
  const value = `hello-${randomUUID()}`;
  try {
    await producer.send(topic, [{ key: 'k', value }], AbortSignal.timeout(30_000));
    expect(await consumeOne(kafka, topic)).toBe(value);
  } finally {
    await producer.close();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
  expect(lines.length).toBeGreaterThan(0);
  expect(lines.join('\n')).not.toContain(password);
  expect(lines.join('\n')).not.toContain('kafka-transport-insecure');
});

test('wrong credentials fail with the settings to check, final, and no secret in the error or the logs', async () => {
  const wrongPassword = `wrong-${randomBytes(12).toString('hex')}`;
  const config = loadConfig(secureEnv({ IRA_KAFKA_SASL_PASSWORD: wrongPassword }));
  const { logger, lines } = capturingLogger();
  const kafka = createKafka(config.kafka, logger, 'debug');
  const failure = await createKafkaProducer(kafka).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(IraError);
  const error = failure as IraError;
  expect(error.message).toMatch(/^Kafka SASL authentication failed .*check IRA_KAFKA_SASL_USERNAME\/IRA_KAFKA_SASL_PASSWORD/);
  expect(error.retryable).toBe(false);
  const everything = [error.message, String(error.stack), JSON.stringify(error.details), ...lines].join('\n');
  expect(everything).not.toContain(wrongPassword);
  expect(everything).not.toContain(password);
});

test('a CA that did not sign the broker certificate is refused, with an error naming IRA_KAFKA_SSL_CA_FILE', async () => {
  const otherDir = mkdtempSync(join(tmpdir(), 'ira-kafka-other-ca-'));
  try {
    await run('bash', [SCRIPT, 'certs', otherDir]);
    const config = loadConfig(secureEnv({ IRA_KAFKA_SSL_CA_FILE: join(otherDir, 'ca.pem') }));
    const { logger, lines } = capturingLogger();
    const admin = createKafka(config.kafka, logger, 'error').admin();
    // kafkajs retries connection errors (a refused certificate is one): the refusal is logged at the first attempt.
    const connecting = admin.connect().then(
      () => 'connected',
      (error: unknown) => translateKafkaError(error, 'admin connect').message,
    );
    const refusal = await waitFor(() => lines.find((line) => line.includes('kafka-certificate-refused')), {
      description: 'the certificate refusal in the log',
      timeoutMs: 30_000,
    });
    expect(refusal).toContain('IRA_KAFKA_SSL_CA_FILE');
    expect(refusal).toContain('SELF_SIGNED_CERT_IN_CHAIN');
    await admin.disconnect();
    expect(await connecting).not.toBe('connected');
    expect(lines.join('\n')).not.toContain(password);
  } finally {
    rmSync(otherDir, { recursive: true, force: true });
  }
});
