import { detectFormat, parseInput, type AlertFormat } from '../../../src/core/alert';
import { fixtureLines, readFixture } from './fixtures';

const isAlertLine = (line: string): boolean => line.includes(' Alert: [pri=');
const isNotice = (line: string): boolean => !line.startsWith('#');

/** Every fixture record with the format it was collected as. */
const FIXTURES: readonly (readonly [AlertFormat, string, readonly string[]])[] = [
  ['elastic-security', 'query_alert', [readFixture('elastic-security/kibana-cypress-query_alert.data.json')]],
  ['elastic-security', '8.1.0 doc1', [readFixture('elastic-security/kibana-alerts-8.1.0.doc1.data.json')]],
  ['opensearch-finding', 'docs examples', fixtureLines('opensearch-finding/docs-example-findings.ndjson')],
  ['opensearch-finding', 'constructed', fixtureLines('opensearch-finding/constructed-findings.ndjson')],
  ['wazuh', '3.x insect', fixtureLines('wazuh/ait-lds-v1.1/ossec_insect.json')],
  ['wazuh', '4.x fox', fixtureLines('wazuh/ait-ads-fox/wazuh_attack_lines.ndjson')],
  ['suricata-eve', 'wrccdc-2018', fixtureLines('suricata-eve/wrccdc-2018.ndjson')],
  ['suricata-eve', 'honeypot-2018', fixtureLines('suricata-eve/honeypot-2018.ndjson')],
  ['snort', 'digital twin run 1', fixtureLines('snort/esorics26-digital-twin/logs.txt').filter(isAlertLine)],
  ['snort', 'digital twin run 2', fixtureLines('snort/esorics26-digital-twin/logs_four_servers_diverse.txt').filter(isAlertLine)],
  ['snort', 'fast.log', fixtureLines('snort/ait-lds-v1.1-fast-log/fast.log')],
  ['zeek-notice', 'JSON', fixtureLines('zeek-notice/007-ssh-honeypot-notice.log')],
  ['zeek-notice', 'TSV', fixtureLines('zeek-notice/009-kovter-notice.log.labeled').filter(isNotice)],
  ['generic-json', 'AIT-ADS rows', fixtureLines('generic-json/ait-ads-russellmitchell-sample.ndjson')],
];

describe('detectFormat', () => {
  it.each(FIXTURES.map(([format, name, records]) => [format, name, records.length, records] as const))(
    'recognises %s in every record of %s (%d records)',
    (format, _name, _count, records) => {
      const detected = records.map((raw) => {
        const parsed = parseInput(raw);
        return parsed.ok ? detectFormat(parsed.value) : `rejected: ${parsed.error.reason}`;
      });
      expect(detected).toEqual(records.map(() => format));
    },
  );

  it('covers 1,587 fixture records in all', () => {
    expect(FIXTURES.reduce((sum, [, , records]) => sum + records.length, 0)).toBe(1587);
  });

  it.each([
    ['an EVE event that is not an alert', { event_type: 'flow', timestamp: '2018-03-24T14:37:19Z', flow_id: 1 }, 'generic-json'],
    ['a Wazuh-like object without agent or manager', { rule: { level: 5 }, timestamp: '2020-03-04T13:55:44Z' }, 'generic-json'],
    ['nested kibana.alert', { kibana: { alert: { uuid: 'u' } }, '@timestamp': '2023-04-27T11:03:57Z' }, 'elastic-security'],
    ['a Zeek conn record (no note)', { ts: 1599755680.1, uid: 'C1', 'id.orig_h': '10.0.0.1' }, 'generic-json'],
  ])('reads %s as %s', (_case, record, format) => {
    const parsed = parseInput(JSON.stringify(record));
    expect(parsed.ok && detectFormat(parsed.value)).toBe(format);
  });

  it('does not take text that merely looks like an alert for one', () => {
    for (const line of [
      'Hydra output: [22][ssh] host: 10.0.2.11 login: admin password: password123.',
      '[**] no header here [**] [Priority: 1] {TCP} a -> b',
      'a\tb\tc',
    ]) {
      const parsed = parseInput(line);
      expect(parsed.ok && detectFormat(parsed.value)).toBeUndefined();
    }
  });
});
