jest.setTimeout(120_000);

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { elasticsearchSource } from '../../src/adapters/sources/elasticsearch-source';
import { kafkaSource, parseKafkaPosition } from '../../src/adapters/sources/kafka-source';
import { silentLogger } from '../../src/logger';
import { prepareRecords } from '../../src/replay/prepare';
import { createTopics, testKafka } from './helpers/kafka';
import { endpoints, testConfig } from './helpers/services';

/**
 * The replay sources against the real services: an Elasticsearch time range (+ query, paged) and a Kafka topic
 * between offsets and between instants. Alerts are real Wazuh 3.x alerts of the bundled AIT-LDS insect incident.
 */
const wazuhLines = readFileSync(join(__dirname, '..', '..', 'datasets', 'ait-lds-insect', 'ossec_insect.json'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .slice(0, 12);
const signal = new AbortController().signal;

describe.each([
  ['elasticsearch', endpoints.elasticsearch],
  ['opensearch', endpoints.opensearch],
] as const)('%s replay source', (flavor, node) => {
  const index = `ira-it-replay-src-${randomUUID().slice(0, 8)}`;
  const es = (path: string, init: RequestInit = {}) => fetch(`${node}${path}`, { ...init, headers: { 'content-type': 'application/json' } });

  beforeAll(async () => {
    const mapping = { mappings: { properties: { timestamp: { type: 'date', format: "yyyy-MM-dd'T'HH:mm:ss.SSSSSSZ" }, rule: { properties: { level: { type: 'integer' } } } } } };
    expect((await es(`/${index}`, { method: 'PUT', body: JSON.stringify(mapping) })).ok).toBe(true);
    const body = wazuhLines.map((line, i) => `${JSON.stringify({ index: { _index: index, _id: `a${i}` } })}\n${line}\n`).join('');
    const bulk = await fetch(`${node}/_bulk?refresh=true`, { method: 'POST', body, headers: { 'content-type': 'application/x-ndjson' } });
    expect(((await bulk.json()) as { errors: boolean }).errors).toBe(false);
  });

  afterAll(async () => {
    await es(`/${index}`, { method: 'DELETE' });
  });

  it('reads a time range in time order across pages, with a Lucene query, as normalisable Wazuh alerts', async () => {
    const times = wazuhLines.map((line) => (JSON.parse(line) as { timestamp: string }).timestamp).sort();
    const from = times[2]!.replace('+0000', 'Z');
    const to = times[10]!.replace('+0000', 'Z');
    const config = testConfig({ IRA_STORE_FLAVOR: flavor, IRA_ES_NODE: node });
    const all = await elasticsearchSource(config.store, { index, timeField: 'timestamp', from, to, maxAlerts: 100, pageSize: 3 }).read(signal);
    const inRange = times.filter((t) => t >= times[2]! && t < times[10]!).length;
    expect(all.records).toHaveLength(inRange);
    const prepared = prepareRecords(all.records);
    expect(prepared.rejections).toEqual([]);
    expect(prepared.alerts.every((alert) => alert.ira.format === 'wazuh')).toBe(true);
    const stamps = prepared.alerts.map((alert) => Date.parse(alert['@timestamp']));
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));

    const levels = wazuhLines.map((line) => (JSON.parse(line) as { rule: { level: number } }).rule.level);
    const queried = await elasticsearchSource(config.store, { index, timeField: 'timestamp', query: 'rule.level:>=6', maxAlerts: 100 }).read(signal);
    expect(queried.records).toHaveLength(levels.filter((level) => level >= 6).length);
    const capped = await elasticsearchSource(config.store, { index, timeField: 'timestamp', maxAlerts: 5, pageSize: 2 }).read(signal);
    expect(capped.records).toHaveLength(5);
  });
});

describe('Kafka replay source', () => {
  const topic = `ira-it-replay-src-${randomUUID().slice(0, 8)}`;
  const base = Date.parse('2024-05-01T10:00:00Z');

  beforeAll(async () => {
    const kafka = testKafka();
    await createTopics(kafka, [topic], 2);
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    // Five messages per partition, one second apart, with explicit create times.
    for (const partition of [0, 1]) {
      await producer.send({
        topic,
        acks: -1,
        messages: wazuhLines.slice(partition * 5, partition * 5 + 5).map((value, i) => ({ partition, value, timestamp: String(base + i * 1000) })),
      });
    }
    await producer.disconnect();
  });

  afterAll(async () => {
    const admin = testKafka().admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  const config = () => testConfig({}).kafka;

  it('reads every partition between two offsets, [from, to)', async () => {
    const input = await kafkaSource(config(), { topic, from: parseKafkaPosition('1'), to: parseKafkaPosition('3'), maxAlerts: 100 }, silentLogger).read(signal);
    expect(input.records.map((record) => record.origin)).toEqual([`${topic}/0@1`, `${topic}/0@2`, `${topic}/1@1`, `${topic}/1@2`]);
    expect(input.records[0]!.raw).toBe(wazuhLines[1]);
    const perPartition = await kafkaSource(config(), { topic, from: parseKafkaPosition('0:4,1:0'), to: parseKafkaPosition('0:5,1:1'), maxAlerts: 100 }, silentLogger).read(signal);
    expect(perPartition.records.map((record) => record.origin)).toEqual([`${topic}/0@4`, `${topic}/1@0`]);
  });

  it('reads between two instants by the broker time index, and to the end without --to', async () => {
    const from = parseKafkaPosition(new Date(base + 3000).toISOString());
    const windowed = await kafkaSource(config(), { topic, from, to: parseKafkaPosition(new Date(base + 4000).toISOString()), maxAlerts: 100 }, silentLogger).read(signal);
    expect(windowed.records.map((record) => record.origin)).toEqual([`${topic}/0@3`, `${topic}/1@3`]);
    const tail = await kafkaSource(config(), { topic, from, maxAlerts: 100 }, silentLogger).read(signal);
    expect(tail.records).toHaveLength(4);
    expect(prepareRecords(tail.records).alerts).toHaveLength(4);
  });

  it('refuses a position that is neither an offset nor a time', () => {
    expect(() => parseKafkaPosition('yesterday-ish')).toThrow(/not a Kafka offset or ISO time/);
  });
});
