import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { defaultConnectorsDir, loadConnectors } from '../../../src/adapters/kafka/connectors';
import { normalizeAlert } from '../../../src/core/alert/normalize';
import type { AlertFormat } from '../../../src/core/alert/schema';
import { loadConfig } from '../../../src/config';

// These tests read connectors/ and the alert fixtures from disk (the brief for this suite: every shipped file is
// checked), and write bad connector files to a temp folder; no network, no timers.
const dir = defaultConnectorsDir();

function allFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((entry) => {
    const path = join(folder, entry);
    return statSync(path).isDirectory() ? allFiles(path) : [path];
  });
}

const files = allFiles(dir)
  .map((path) => relative(dir, path)).filter((file) => file !== 'README.md');
const text = (file: string): string => readFileSync(join(dir, file), 'utf8');

/** Each shipper's own file type; anything else in its folder is a mistake. */
const EXTENSIONS: Record<string, RegExp> = {
  filebeat: /\.yml$/,
  logstash: /\.conf$/,
  'elastic-agent': /\.yml$/,
  'data-prepper': /\.yaml$/,
  'kafka-connect': /\.properties$/,
  kcat: /\.sh$/,
  wazuh: /^(custom-[a-z0-9-]+|[a-z0-9-]+\.xml)$/,
};

describe('connectors/ as shipped', () => {
  const connectors = loadConnectors(dir);

  test('every file has a valid header, and the loader reads every file', () => {
    expect(files.length).toBeGreaterThanOrEqual(14);
    expect(connectors.map((connector) => connector.file).sort()).toEqual([...files].sort());
    expect(new Set(connectors.map((connector) => connector.id)).size).toBe(connectors.length);
  });

  test("every connector targets ira's default alerts topic", () => {
    const defaultTopic = loadConfig({}).kafka.topics.alerts;
    expect(defaultTopic).toBe('ira.alerts');
    for (const connector of connectors) expect([connector.id, connector.topic]).toEqual([connector.id, defaultTopic]);
  });

  test('no JSON-wrapped configuration remains: no .json file, no file that parses as JSON', () => {
    for (const file of files) {
      expect(file).not.toMatch(/\.json$/);
      expect(() => JSON.parse(text(file)) as unknown).toThrow();
    }
  });

  test.each(files)('%s is in its shipper folder with that tool\'s file type, and cites https reference docs', (file) => {
    const [shipper, name] = file.split('/');
    expect(Object.keys(EXTENSIONS)).toContain(shipper);
    expect(name).toMatch(EXTENSIONS[shipper ?? ''] ?? /^$/);
    const connector = connectors.find((candidate) => candidate.file === file);
    expect(connector?.docs).toMatch(/^https:\/\//);
    // Besides the header, a comment says which reference section the file follows.
    expect(text(file)).toMatch(/Follows /);
  });

  test('every shipper the issue names is present', () => {
    const shippers = new Set(connectors.map((connector) => connector.shipper));
    for (const shipper of Object.keys(EXTENSIONS)) expect(shippers).toContain(shipper);
    const filebeat = connectors.filter((connector) => connector.shipper === 'filebeat').flatMap((c) => c.formats);
    expect(new Set(filebeat)).toEqual(new Set(['suricata-eve', 'snort', 'zeek-notice', 'wazuh']));
  });

  test('together they cover every source format that has real fixtures (generic JSON aside)', () => {
    const covered = new Set(connectors.flatMap((connector) => connector.formats));
    const formats: AlertFormat[] = ['elastic-security', 'opensearch-finding', 'wazuh', 'suricata-eve', 'snort', 'zeek-notice'];
    for (const format of formats) expect(covered).toContain(format);
  });

  test('Data Prepper reads continuously and has a plaintext and a TLS variant of its Kafka sink', () => {
    const pipelines = files.filter((file) => file.startsWith('data-prepper/'));
    for (const file of pipelines) expect(text(file)).toMatch(/scheduling:\n\s+interval: PT\w+\n\s+index_read_count: \d{3,}/);
    const encryption = pipelines.map((file) => /encryption:\n\s+type: (\w+)/.exec(text(file))?.[1]).sort();
    expect(encryption).toEqual(['none', 'ssl']);
  });

  test('the standalone Elastic Agent policy has a Kafka output named default, and no monitoring into the topic', () => {
    const policy = text('elastic-agent/elastic-security-alerts.yml');
    expect(policy).toMatch(/^outputs:\n {2}default:\n {4}type: kafka\n/m);
    expect(policy).toMatch(/^agent\.monitoring:\n {2}enabled: false$/m);
    for (const use of policy.matchAll(/use_output: (\S+)/g)) expect(use[1]).toBe('default');
  });

  test('every connector that talks to Kafka itself names a TLS setting (as a variant or in a comment)', () => {
    for (const file of files.filter((name) => !name.endsWith('.xml'))) expect([file, /ssl/i.test(text(file))]).toEqual([file, true]);
  });
});

describe('messages the Elastic Security connectors produce are detected as elastic-security', () => {
  const archived = JSON.parse(
    readFileSync(join(__dirname, '..', '..', 'fixtures', 'alerts', 'elastic-security', 'kibana-alerts-8.1.0.doc1.data.json'), 'utf8'),
  ) as { value: { index: string; id: string; source: Record<string, unknown> } };
  const hit = { _index: archived.value.index, _id: archived.value.id, _score: null, _source: archived.value.source, sort: [1] };

  test('Elastic Agent: the search hit lifted to the event root next to the agent fields (httpjson + decode_json_fields)', () => {
    const event = {
      '@timestamp': '2026-06-10T13:00:00.000Z',
      ...hit,
      agent: { type: 'filebeat', name: 'shipper-01', version: '8.19.3' },
      ecs: { version: '8.0.0' },
      input: { type: 'httpjson' },
      data_stream: { type: 'logs', dataset: 'ira.elastic_security_alerts', namespace: 'default' },
    };
    const result = normalizeAlert(JSON.stringify(event));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.ira.format).toBe('elastic-security');
    expect(result.value.event.id).toBe(archived.value.source['kibana.alert.uuid'] ?? archived.value.id);
    // Not the shipper's: the alert's own host.
    expect(result.value.host.name).not.toBe('shipper-01');
  });

  test('Logstash: the json codec sends the alert document itself (plus @version)', () => {
    const result = normalizeAlert(JSON.stringify({ ...archived.value.source, '@version': '1' }));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.ira.format).toBe('elastic-security');
  });
});

describe('the loader refuses a bad connector with the file and the problem named', () => {
  const good = text('filebeat/wazuh-alerts.yml');

  function loadOne(name: string, content: string): () => unknown {
    const root = mkdtempSync(join(tmpdir(), 'ira-connectors-'));
    const [folder, file] = name.includes('/') ? name.split('/') : ['', name];
    mkdirSync(join(root, folder ?? ''), { recursive: true });
    writeFileSync(join(root, folder ?? '', file ?? ''), content);
    return () => loadConnectors(root);
  }

  test('a known file loads from another folder', () => {
    expect(loadOne('filebeat/wazuh-alerts.yml', good)()).toEqual([
      expect.objectContaining({ id: 'filebeat-wazuh-alerts', topic: 'ira.alerts', formats: ['wazuh'], message: 'json' }),
    ]);
  });

  test.each([
    ['an unknown format', good.replace('# ira-formats: wazuh', '# ira-formats: splunk'), /filebeat\/wazuh-alerts\.yml: ira-formats\.0/],
    ['a missing topic', good.replace('# ira-topic: ira.alerts\n', ''), /wazuh-alerts\.yml: ira-topic/],
    ['an id that is not the path', good.replace('ira-connector: filebeat-wazuh-alerts', 'ira-connector: wazuh'), /must be "filebeat-wazuh-alerts"/],
    ['a header topic the body never names', good.replace('# ira-topic: ira.alerts', '# ira-topic: soc.alerts'), /never names the topic "soc\.alerts"/],
    ['a key given twice', good.replace('# ira-message: json', '# ira-message: json\n# ira-message: line'), /"ira-message" given twice/],
    ['an unknown key', good.replace('# ira-message: json', '# ira-message: json\n# ira-codec: json'), /unknown header key "ira-codec"/],
    ['a docs value that is not a URL', good.replace(/# ira-docs: .*/, '# ira-docs: see the manual'), /ira-docs/],
    ['no header at all', 'output.kafka:\n  topic: ira.alerts\n', /ira-connector/],
  ])('%s', (_case, content, message) => {
    expect(loadOne('filebeat/wazuh-alerts.yml', content)).toThrow(message);
  });

  test('a file outside a shipper folder', () => {
    expect(loadOne('wazuh-alerts.yml', good)).toThrow(/wazuh-alerts\.yml: must sit in connectors\/<shipper>\//);
  });

  test('an XML header, one comment per line, is read like the others', () => {
    const xml = text('wazuh/ossec-integration.xml');
    expect(loadOne('wazuh/ossec-integration.xml', xml)()).toEqual([
      expect.objectContaining({ id: 'wazuh-ossec-integration', topic: 'ira.alerts', formats: ['wazuh'] }),
    ]);
  });
});
