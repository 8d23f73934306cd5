import { detectFormat, parseInput, type NormalizedAlert } from '../../../src/core/alert';
import { countBy, expectAlertInvariants, fixtureLines, normalizeOk, normalizeRejected } from './fixtures';

const WAZUH_3 = fixtureLines('wazuh/ait-lds-v1.1/ossec_insect.json');
const WAZUH_4 = fixtureLines('wazuh/ait-ads-fox/wazuh_attack_lines.ndjson');

interface WazuhRecord {
  id: string;
  location: string;
  full_log: string;
  rule: { level: number; mitre?: { id: string[]; tactic: string[]; technique: string[] } };
  data?: Record<string, unknown>;
}
const parse = (line: string): WazuhRecord => JSON.parse(line) as WazuhRecord;

function normalizeEvery(lines: readonly string[]): NormalizedAlert[] {
  return lines.map((line) => {
    const parsed = parseInput(line);
    expect(parsed.ok && detectFormat(parsed.value)).toBe('wazuh');
    const alert = normalizeOk(line);
    expectAlertInvariants(alert, line, 'wazuh');
    return alert;
  });
}

describe('wazuh normaliser, 3.x alerts.json (AIT-LDS v1.1 "insect")', () => {
  const alerts = normalizeEvery(WAZUH_3);

  it('normalises all 497 records to distinct alerts, none with ATT&CK (3.x has no rule.mitre)', () => {
    expect(alerts).toHaveLength(497);
    expect(new Set(alerts.map((alert) => alert.ira.alert_id)).size).toBe(497);
    expect(alerts.map((alert) => alert.event.id)).toEqual(WAZUH_3.map((line) => parse(line).id));
    expect(alerts.every((alert) => alert.threat.technique.id.length === 0 && alert.threat.tactic.name.length === 0)).toBe(true);
  });

  it('orders severities like the rule levels they come from (levels 3, 5, 6, 8, 10 occur)', () => {
    const severityByLevel = new Map<number, Set<number>>();
    WAZUH_3.forEach((line, index) => {
      const level = parse(line).rule.level;
      severityByLevel.set(level, (severityByLevel.get(level) ?? new Set()).add(alerts[index]?.event.severity ?? -1));
    });
    const levels = [...severityByLevel.keys()].sort((a, b) => a - b);
    expect(levels).toEqual([3, 5, 6, 8, 10]);
    const severities = levels.map((level) => [...(severityByLevel.get(level) ?? [])]);
    expect(severities.every((set) => set.length === 1)).toBe(true);
    const flat = severities.map((set) => set[0] ?? -1);
    expect([...flat].sort((a, b) => a - b)).toEqual(flat);
    expect(new Set(flat).size).toBe(levels.length);
  });

  it('reads the first record: a Suricata fast.log line decoded by Wazuh, dstip carrying the port', () => {
    expect(alerts[0]).toMatchObject({
      '@timestamp': '2020-03-04T13:55:05.224939+00:00',
      message: 'First time this IDS alert is generated.',
      event: { id: '1588001006.9628221', severity: 53 },
      rule: { id: '20100', name: 'First time this IDS alert is generated.', category: 'ids, fts' },
      host: { name: 'user-0' },
      source: { ip: '192.168.10.18' },
      destination: { ip: '192.168.10.21', port: 80 },
    });
  });

  it('reads the PAM login failure: the account from dstuser', () => {
    expect(alerts[15]).toMatchObject({
      '@timestamp': '2020-03-04T14:14:30.000000+00:00',
      message: 'PAM: User login failed.',
      rule: { id: '5503', category: 'pam, syslog, authentication_failed' },
      source: { ip: '127.0.0.1' },
      user: { name: 'violet' },
    });
  });

  it('agrees with the suricata-eve normaliser on the 87 EVE records Wazuh embedded in full_log', () => {
    const embedded = WAZUH_3.map(parse)
      .map((record, index) => ({ record, alert: alerts[index] }))
      .filter(({ record }) => record.location.endsWith('eve.json'));
    expect(embedded).toHaveLength(87);
    for (const { record, alert } of embedded) {
      const eve = normalizeOk(record.full_log);
      expect(eve.ira.format).toBe('suricata-eve');
      expect(eve['@timestamp']).toBe(alert?.['@timestamp']);
      expect(eve.source).toEqual(alert?.source);
      expect(eve.destination).toEqual(alert?.destination);
    }
  });
});

describe('wazuh normaliser, 4.x alerts with rule.mitre (AIT-ADS "fox")', () => {
  const alerts = normalizeEvery(WAZUH_4);
  const records = WAZUH_4.map(parse);

  it('normalises all 100 records to distinct alerts', () => {
    expect(alerts).toHaveLength(100);
    expect(new Set(alerts.map((alert) => alert.ira.alert_id)).size).toBe(100);
  });

  it('maps rule.mitre onto threat for exactly the 47 records that carry it', () => {
    const withMitre = records.filter((record) => record.rule.mitre !== undefined).length;
    expect(withMitre).toBe(47);
    expect(alerts.filter((alert) => alert.threat.technique.id.length > 0)).toHaveLength(withMitre);
    records.forEach((record, index) => {
      const threat = alerts[index]?.threat;
      const mitre = record.rule.mitre;
      if (mitre === undefined) return;
      expect(new Set(threat?.technique.id)).toEqual(new Set(mitre.id));
      expect(new Set(threat?.technique.name)).toEqual(new Set(mitre.technique));
      expect(new Set(threat?.tactic.name)).toEqual(new Set(mitre.tactic));
      expect(threat?.tactic.id).toHaveLength(new Set(mitre.tactic).size);
      expect(threat?.tactic.id.every((id) => /^TA\d{4}$/.test(id))).toBe(true);
    });
    expect(countBy(alerts.flatMap((alert) => alert.threat.technique.id), (id) => id)).toEqual({
      T1078: 31,
      'T1595.002': 8,
      'T1021.004': 4,
      'T1548.003': 3,
      'T1110.001': 1,
    });
  });

  it('reads the first record: Dovecot login, T1078 under four tactics with their ids', () => {
    expect(alerts[0]).toMatchObject({
      '@timestamp': '2022-01-17T09:44:35.000000Z',
      message: 'Dovecot Authentication Success.',
      event: { id: '1686345915.7780992', severity: 20 },
      host: { name: 'wazuh-client', ip: ['192.168.131.228'] },
      threat: {
        tactic: {
          id: ['TA0005', 'TA0003', 'TA0004', 'TA0001'],
          name: ['Defense Evasion', 'Persistence', 'Privilege Escalation', 'Initial Access'],
        },
        technique: { id: ['T1078'], name: ['Valid Accounts'] },
      },
    });
  });

  it('does not mistake the HTTP method in data.protocol for a transport', () => {
    const accessLog = records.findIndex((record) => record.data?.protocol === 'GET');
    expect(accessLog).toBeGreaterThanOrEqual(0);
    expect(alerts[accessLog]?.network?.transport).toBeUndefined();
  });

  it('stays a wazuh alert when its data block is a Suricata EVE alert (12 such records)', () => {
    const eveInside = records.flatMap((record, index) => (record.data?.event_type === 'alert' ? [alerts[index]] : []));
    expect(eveInside).toHaveLength(12);
    expect(eveInside.every((alert) => alert?.ira.format === 'wazuh')).toBe(true);
  });

  it('rejects a record without timestamp as invalid, naming the field', () => {
    const { '@timestamp': _time, ...record } = JSON.parse(WAZUH_4[0] ?? '{}') as Record<string, unknown>;
    expect(normalizeRejected(JSON.stringify(record))).toMatchObject({
      reason: 'invalid',
      format: 'wazuh',
      issues: ['@timestamp: no timestamp (looked in timestamp | @timestamp)'],
    });
    expect(normalizeRejected(JSON.stringify({ ...record, timestamp: 'Jan 17 09:44:35' })).issues).toEqual([
      '@timestamp: timestamp | @timestamp holds "Jan 17 09:44:35", which is not an ISO-8601 time or an epoch number in the years 1970–2200',
    ]);
  });
});
