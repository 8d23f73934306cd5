import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertLines, expectNormalised, requireTool, startGroup } from './helpers/connector-run';
import { collectTopic, createTopics, testKafka } from './helpers/kafka';
import { createScope, type TestScope } from './helpers/scope';
import { endpoints } from './helpers/services';
import { waitFor } from './helpers/wait-for';

/**
 * The kcat connectors run for real against the broker: connectors/kcat/tail-alerts.sh follows an alerts file into
 * a topic, and connectors/wazuh/custom-ira-kafka (what the Wazuh manager's integratord runs) sends one alert file.
 * A consumer reads the messages back and ira's normaliser must accept every one as its source format.
 */
const KCAT_HINT = 'install it with `bash scripts/kcat.sh install` (scripts/test.sh does)';

describe('kcat connectors on the real broker', () => {
  const kafka = testKafka('ira-it-kcat');
  let scope: TestScope;
  let folder: string;

  beforeAll(() => {
    requireTool('kcat', ['-V'], KCAT_HINT);
  });

  beforeEach(() => {
    scope = createScope('kcat', []);
    folder = mkdtempSync(join(tmpdir(), 'ira-kcat-'));
  });

  afterEach(async () => {
    await scope.cleanup();
    rmSync(folder, { recursive: true, force: true });
  });

  test('tail-alerts.sh sends every line of the file, and the lines appended later, one message each', async () => {
    const topic = scope.topic('alerts');
    await createTopics(kafka, [topic], 1);
    const collected = await collectTopic(kafka, scope, topic);
    const file = join(folder, 'eve-and-friends.log');
    const first = alertLines(0);
    const second = alertLines(1);
    writeFileSync(file, first.map((entry) => `${entry.line}\n`).join(''));

    const shipper = startGroup('bash', ['connectors/kcat/tail-alerts.sh', file], {
      ...process.env,
      KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
      IRA_TOPIC: topic,
      KCAT_TAIL_LINES: '+1',
    });
    scope.track(shipper.stop);
    const describeState = (): unknown => ({ received: collected.messages.length, shipper: shipper.output().slice(-500) });

    await waitFor(() => collected.messages.length >= first.length, { timeoutMs: 30_000, description: 'the file\'s lines', describeState });
    appendFileSync(file, second.map((entry) => `${entry.line}\n`).join(''));
    const all = [...first, ...second];
    await waitFor(() => collected.messages.length >= all.length, { timeoutMs: 30_000, description: 'the appended lines', describeState });

    expect(shipper.child.exitCode).toBeNull();
    expectNormalised(collected.messages.map((message) => message.value.toString('utf8')), all);
  });

  test("Wazuh's custom-ira-kafka sends the alert file integratord hands it as one message", async () => {
    const topic = scope.topic('wazuh');
    await createTopics(kafka, [topic], 1);
    const collected = await collectTopic(kafka, scope, topic);
    const alerts = alertLines(0).filter((entry) => entry.format === 'wazuh');
    for (const [index, alert] of alerts.entries()) {
      const alertFile = join(folder, `custom-ira-kafka-${index}.alert`);
      writeFileSync(alertFile, alert.line);
      const hookUrl = `kafka://${endpoints.kafkaBrokers.join(',')}/${topic}`;
      const run = startGroup('sh', ['connectors/wazuh/custom-ira-kafka', alertFile, '', hookUrl], process.env);
      scope.track(run.stop);
      const code = await new Promise<number | null>((resolve) => run.child.on('exit', resolve));
      expect([code, run.output()]).toEqual([0, '']);
    }
    await waitFor(() => collected.messages.length >= alerts.length, { timeoutMs: 30_000, description: 'the Wazuh alerts' });
    expectNormalised(collected.messages.map((message) => message.value.toString('utf8')), alerts);
  });
});
