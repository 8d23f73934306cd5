import { detectFormat, parseInput } from '../../../src/core/alert';
import { countBy, expectAlertInvariants, fixtureLines, normalizeOk, normalizeRejected, readFixture } from './fixtures';

const TWIN = 'snort/esorics26-digital-twin/';
const WAZUH_3 = fixtureLines('wazuh/ait-lds-v1.1/ossec_insect.json');
const FAST_LOG = fixtureLines('snort/ait-lds-v1.1-fast-log/fast.log');

/** The sids the digital twin's gateway runs (its local.rules). */
const GATEWAY_SIDS = new Set([...readFixture(`${TWIN}snort-local.rules`).matchAll(/sid:(\d+);/g)].map((match) => match[1]));

describe.each([
  ['logs.txt', 126, 89, '2026-06-10T13:10:'],
  ['logs_four_servers_diverse.txt', 91, 37, '2026-06-12T13:06:'],
])('snort normaliser on the digital twin log %s', (file, alertLines, distinctLines, minute) => {
  const lines = fixtureLines(`${TWIN}${file}`);
  const results = lines.map((line) => ({ line, parsed: parseInput(line) }));
  const snortLines = results.filter(({ parsed }) => parsed.ok && detectFormat(parsed.value) === 'snort');

  it(`detects exactly the ${alertLines} alert lines and no prose line`, () => {
    expect(snortLines).toHaveLength(alertLines);
    expect(snortLines.every(({ line }) => line.includes(' Alert: [pri='))).toBe(true);
    const prose = lines.filter((line) => !line.includes(' Alert: [pri='));
    expect(prose.length).toBeGreaterThan(5);
    for (const line of prose) {
      expect(normalizeRejected(line)).toMatchObject({ reason: 'unknown-format' });
    }
  });

  it('normalises every alert line; identical lines share an id, distinct lines never do', () => {
    const alerts = snortLines.map(({ line }) => {
      const alert = normalizeOk(line);
      expectAlertInvariants(alert, line, 'snort');
      expect(GATEWAY_SIDS.has(alert.rule.id)).toBe(true);
      expect(alert['@timestamp'].startsWith(minute)).toBe(true);
      return alert;
    });
    expect(new Set(snortLines.map(({ line }) => line)).size).toBe(distinctLines);
    expect(new Set(alerts.map((alert) => alert.ira.alert_id)).size).toBe(distinctLines);
  });
});

describe('snort normaliser, digital-twin line shape', () => {
  it('reads an SMB alert exactly (UTC time, priority 3 → 21)', () => {
    const line =
      '2026-06-10 13:10:51,407 [    INFO] Alert: [pri=3 cls=Generic Protocol Command Decode] {TCP} 10.0.1.11:51184 -> 10.0.2.12:139 [1:1000004:2] SMB traffic to Samba server (NetBIOS)';
    expect(readFixture(`${TWIN}logs.txt`)).toContain(line);
    expect(normalizeOk(line)).toMatchObject({
      '@timestamp': '2026-06-10T13:10:51.407Z',
      message: 'SMB traffic to Samba server (NetBIOS)',
      event: { severity: 21 },
      rule: { id: '1000004', name: 'SMB traffic to Samba server (NetBIOS)', category: 'Generic Protocol Command Decode' },
      source: { ip: '10.0.1.11', port: 51184 },
      destination: { ip: '10.0.2.12', port: 139 },
      network: { transport: 'tcp' },
    });
  });

  it('maps pri=1/2/3 to 73/47/21 over the whole run', () => {
    const alerts = fixtureLines(`${TWIN}logs.txt`)
      .filter((line) => line.includes(' Alert: [pri='))
      .map((line) => [line, normalizeOk(line)] as const);
    expect(countBy(alerts, ([line, alert]) => `${/pri=(\d)/.exec(line)?.[1]}→${alert.event.severity}`)).toEqual({
      '1→73': 40,
      '2→47': 40,
      '3→21': 46,
    });
  });

  it('gives a line the same id whatever line terminator it arrived with', () => {
    const line = fixtureLines(`${TWIN}logs.txt`).find((candidate) => candidate.includes('Alert:')) ?? '';
    const crlf = normalizeOk(`${line}\r\n`);
    expect(crlf.ira.alert_id).toBe(normalizeOk(line).ira.alert_id);
    expect(crlf.event.original).toBe(`${line}\r\n`);
  });
});

describe('snort normaliser, classic fast-alert lines (Suricata fast.log from AIT-LDS v1.1)', () => {
  it('normalises all 75 lines', () => {
    expect(FAST_LOG).toHaveLength(75);
    for (const line of FAST_LOG) expectAlertInvariants(normalizeOk(line), line, 'snort');
  });

  it('agrees with what Wazuh decoded from the same lines (data.srcip, data.dstip, data.id)', () => {
    const decoded = WAZUH_3.map((line) => JSON.parse(line) as { location: string; full_log: string; data: Record<string, string> })
      .filter((record) => record.location.endsWith('fast.log'));
    expect(decoded.map((record) => record.full_log)).toEqual(FAST_LOG);
    for (const record of decoded) {
      const alert = normalizeOk(record.full_log);
      expect(alert.source.ip).toBe(record.data.srcip);
      expect(`${alert.destination.ip}:${alert.destination.port}`).toBe(record.data.dstip);
      expect(alert.rule.id).toBe(record.data.id?.split(':')[1]);
    }
  });

  it('reads the first line exactly', () => {
    expect(normalizeOk(FAST_LOG[0] ?? '')).toMatchObject({
      '@timestamp': '2020-03-04T13:55:05.224939Z',
      message: 'SURICATA HTTP Host header invalid',
      event: { severity: 21 },
      rule: { id: '2221028', category: 'Generic Protocol Command Decode' },
      source: { ip: '192.168.10.18', port: 41334 },
      destination: { ip: '192.168.10.21', port: 80 },
    });
  });

  it('rejects a fast-alert line without a year (Snort without -y) as invalid', () => {
    const noYear = (FAST_LOG[0] ?? '').replace('03/04/2020-', '03/04-');
    expect(normalizeRejected(noYear)).toMatchObject({
      reason: 'invalid',
      format: 'snort',
      issues: ['@timestamp: the line has no date with a year (Snort writes one only when run with -y)'],
    });
  });

  it('reads bracketed IPv6 endpoints', () => {
    const line =
      '03/04/2020-13:55:05.224939  [**] [1:2221028:1] SURICATA HTTP Host header invalid [**] [Classification: Generic Protocol Command Decode] [Priority: 3] {TCP} [2001:db8::1]:41334 -> [2001:db8::2]:80';
    expect(normalizeOk(line)).toMatchObject({
      source: { ip: '2001:db8::1', port: 41334 },
      destination: { ip: '2001:db8::2', port: 80 },
    });
  });

  it('refuses a JSON message when the connector says snort', () => {
    expect(normalizeRejected('{"timestamp":"2020-03-04T13:55:05Z"}', 'snort')).toMatchObject({
      reason: 'invalid',
      format: 'snort',
      issues: ['snort alerts are text lines; this message is a JSON document'],
    });
  });
});
