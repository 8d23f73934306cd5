import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { searchBody } from '../../../src/adapters/sources/elasticsearch-source';
import { fileSource, readAlertFile } from '../../../src/adapters/sources/file-source';
import { parseKafkaPosition } from '../../../src/adapters/sources/kafka-source';
import { prepareRecords } from '../../../src/replay/prepare';

/** The replay sources' pure parts and the file formats (real alert files of datasets/). */
const datasets = join(__dirname, '..', '..', '..', 'datasets');

describe('file source formats', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'ira-sources-'));
  });
  afterAll(async () => rm(directory, { recursive: true, force: true }));

  it('reads Wazuh alerts.json written one object per line despite the .json name', async () => {
    const records = await readAlertFile(join(datasets, 'ait-lds-insect', 'ossec_insect.json'));
    expect(records).toHaveLength(497);
    expect(records.every((record) => !record.text)).toBe(true);
    const prepared = prepareRecords(records);
    expect(prepared.rejections).toEqual([]);
    expect(prepared.alerts.every((alert) => alert.ira.format === 'wazuh')).toBe(true);
  });

  it('reads a JSON array and a single JSON object, and AIT-ADS CSV rows without their labels', async () => {
    const eve = { timestamp: '2024-01-01T00:00:00.000000+0000', event_type: 'alert', src_ip: '10.0.0.1', dest_ip: '10.0.0.2', proto: 'TCP', alert: { signature_id: 1, signature: 'x', category: 'c', severity: 2 } };
    await writeFile(join(directory, 'array.json'), JSON.stringify([eve, { ...eve, src_ip: '10.0.0.3' }]));
    await writeFile(join(directory, 'one.json'), JSON.stringify(eve, null, 2));
    await writeFile(join(directory, 'ait.csv'), 'time,name,ip,host,short,time_label,event_label\n1642991114,Wazuh: ClamAV database update,192.168.231.56,davey_mail,W-Sys-Cav,false_positive,-\n');
    expect((await readAlertFile(join(directory, 'array.json'))).map((r) => r.origin)).toEqual([`${directory}/array.json[0]`, `${directory}/array.json[1]`]);
    expect(await readAlertFile(join(directory, 'one.json'))).toHaveLength(1);
    const csv = await readAlertFile(join(directory, 'ait.csv'));
    expect(csv).toHaveLength(1);
    expect(csv[0]!.raw).not.toContain('false_positive');
    const folder = await fileSource(directory).read(new AbortController().signal);
    expect(folder.systemDescription).toBeUndefined();
    expect(folder.records).toHaveLength(4);
  });

  it('fails with the path when the source does not exist', async () => {
    await expect(fileSource(join(directory, 'nope')).read(new AbortController().signal)).rejects.toThrow(/no such file or folder/);
  });
});

describe('Elasticsearch source query', () => {
  it('filters [from, to) on the time field in ISO form, adds the query string, sorts by time then _doc', () => {
    const body = searchBody({ index: 'x', timeField: '@timestamp', from: '2024-01-01T00:00:00Z', to: '2024-01-02T00:00:00Z', query: 'rule.level:>5', maxAlerts: 10 }, 100, [1, 2]);
    expect(body).toEqual({
      size: 100,
      query: { bool: { filter: [
        { range: { '@timestamp': { format: 'strict_date_optional_time||epoch_millis', gte: '2024-01-01T00:00:00Z', lt: '2024-01-02T00:00:00Z' } } },
        { query_string: { query: 'rule.level:>5' } },
      ] } },
      sort: [{ '@timestamp': { order: 'asc', unmapped_type: 'date' } }, { _doc: 'asc' }],
      search_after: [1, 2],
    });
    expect(searchBody({ index: 'x', timeField: 't', maxAlerts: 1 }, 5, undefined)).toEqual({
      size: 5, query: { bool: { filter: [] } }, sort: [{ t: { order: 'asc', unmapped_type: 'date' } }, { _doc: 'asc' }],
    });
  });
});

describe('Kafka positions', () => {
  it('parses one offset for all partitions, offsets per partition, and instants', () => {
    expect(parseKafkaPosition('1200')).toEqual({ kind: 'offsets', all: 1200n, byPartition: new Map() });
    expect(parseKafkaPosition('0:5,3:7')).toEqual({ kind: 'offsets', byPartition: new Map([[0, 5n], [3, 7n]]) });
    expect(parseKafkaPosition('2024-05-01T10:00:00Z')).toEqual({ kind: 'time', ms: Date.parse('2024-05-01T10:00:00Z') });
    expect(() => parseKafkaPosition('0:5,x')).toThrow();
  });
});
