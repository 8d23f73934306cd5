import { execFile } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { alertLines, expectNormalised, REPO_ROOT } from './helpers/connector-run';
import { collectTopic, createTopics, testKafka } from './helpers/kafka';
import { createScope, type TestScope } from './helpers/scope';
import { waitFor } from './helpers/wait-for';

/**
 * connectors/kafka-connect/filestream-alerts.properties runs for real: scripts/kafka-connect.sh starts a standalone
 * Kafka Connect worker (connect-runtime and connect-file of the Kafka version the tests install) with it, and the
 * FileStreamSource connector reads an alerts file into a topic of the real broker. Only the file and the topic
 * are changed from the shipped connector. A missing Java, jar or broker fails the test.
 */
const run = promisify(execFile);
const SCRIPT = join(REPO_ROOT, 'scripts', 'kafka-connect.sh');
const CONNECTOR = join(REPO_ROOT, 'connectors', 'kafka-connect', 'filestream-alerts.properties');

/** The shipped connector with only `file` and `topic` replaced; fails if either setting is not there to replace. */
function connectorFor(file: string, topic: string): string {
  const shipped = readFileSync(CONNECTOR, 'utf8');
  const replaced = shipped.replace(/^file=.*$/m, `file=${file}`).replace(/^topic=.*$/m, `topic=${topic}`);
  expect(replaced.match(/^(file|topic)=.*$/gm)).toEqual([`file=${file}`, `topic=${topic}`]);
  return replaced;
}

describe('Kafka Connect FileStreamSource on the real broker', () => {
  const kafka = testKafka('ira-it-kafka-connect');
  let scope: TestScope;
  let folder: string;

  beforeEach(() => {
    scope = createScope('kconnect', []);
    folder = mkdtempSync(join(tmpdir(), 'ira-kafka-connect-'));
  });

  afterEach(async () => {
    await run('bash', [SCRIPT, 'stop'], { cwd: REPO_ROOT, timeout: 90_000 }).catch(() => undefined);
    await scope.cleanup();
    rmSync(folder, { recursive: true, force: true });
  });

  test('the file\'s lines, and the lines appended while it runs, arrive one message each, verbatim', async () => {
    const topic = scope.topic('alerts');
    await createTopics(kafka, [topic], 1);
    const collected = await collectTopic(kafka, scope, topic);
    const file = join(folder, 'alerts.log');
    const first = alertLines(0);
    const second = alertLines(1);
    writeFileSync(file, first.map((entry) => `${entry.line}\n`).join(''));
    const properties = join(folder, 'filestream-alerts.properties');
    writeFileSync(properties, connectorFor(file, topic));

    // Installs the jars when missing (cached under $IRA_CACHE), starts the worker, waits for RUNNING.
    const started = await run('bash', [SCRIPT, 'start', properties], { cwd: REPO_ROOT, timeout: 240_000 }).catch((error: unknown) => {
      const detail = error as { stderr?: string; message?: string };
      throw new Error(`scripts/kafka-connect.sh start failed: ${detail.stderr ?? detail.message ?? String(error)}`);
    });
    expect(started.stderr).toMatch(/Kafka Connect ready/);

    await waitFor(() => collected.messages.length >= first.length, { timeoutMs: 60_000, description: "the file's lines", describeState: () => collected.messages.length });
    appendFileSync(file, second.map((entry) => `${entry.line}\n`).join(''));
    const all = [...first, ...second];
    await waitFor(() => collected.messages.length >= all.length, { timeoutMs: 60_000, description: 'the appended lines', describeState: () => collected.messages.length });

    expectNormalised(collected.messages.map((message) => message.value.toString('utf8')), all);
    const status = await run('bash', [SCRIPT, 'status'], { cwd: REPO_ROOT, timeout: 30_000 });
    expect(status.stdout).toContain('"ira-alerts-file"');
  });
});
