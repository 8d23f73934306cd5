import { detectFormat, parseInput } from '../../../src/core/alert';
import { countBy, expectAlertInvariants, fixtureLines, normalizeOk, normalizeRejected } from './fixtures';

const JSON_LOG = fixtureLines('zeek-notice/007-ssh-honeypot-notice.log');
const TSV_LOG = fixtureLines('zeek-notice/009-kovter-notice.log.labeled');

describe('zeek-notice normaliser, JSON notice.log (Stratosphere SSH honeypot, 2020-09-10)', () => {
  const alerts = JSON_LOG.map((line) => {
    const parsed = parseInput(line);
    expect(parsed.ok && detectFormat(parsed.value)).toBe('zeek-notice');
    const alert = normalizeOk(line);
    expectAlertInvariants(alert, line, 'zeek-notice');
    return alert;
  });

  it('normalises all 345 notices to distinct alerts', () => {
    expect(alerts).toHaveLength(345);
    expect(new Set(alerts.map((alert) => alert.ira.alert_id)).size).toBe(345);
    expect(countBy(alerts, (alert) => `${alert.rule.name} ${alert.event.severity}`)).toEqual({
      'SSH::Interesting_Hostname_Login 47': 344,
      'SSH::Password_Guessing 73': 1,
    });
  });

  it('reads the first notice: uid:note id, microsecond time, literal id.* keys', () => {
    expect(alerts[0]).toMatchObject({
      '@timestamp': '2020-09-10T16:34:40.178714Z',
      message: 'Possible SSH login involving a remote client with an interesting hostname.',
      event: { id: 'CLyQv71Y92H1Pp9ct7:SSH::Interesting_Hostname_Login' },
      rule: { name: 'SSH::Interesting_Hostname_Login', category: 'SSH' },
      source: { ip: '51.77.66.36', port: 59292 },
      destination: { ip: '192.168.1.194', port: 22 },
      network: { transport: 'tcp' },
    });
  });

  it('hashes the message for the password-guessing notice, which has no connection uid', () => {
    const index = JSON_LOG.findIndex((line) => line.includes('SSH::Password_Guessing'));
    expect(alerts[index]).toMatchObject({
      message: '45.141.84.126 appears to be guessing SSH passwords (seen in 30 connections).',
      source: { ip: '45.141.84.126' },
    });
    expect(alerts[index]?.event.id).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('zeek-notice normaliser, TSV notice.log (CTU-Malware-Capture-Botnet-219-2, labelled)', () => {
  const notices = TSV_LOG.filter((line) => !line.startsWith('#'));

  it('normalises the 39 notice lines and refuses the 9 header lines as unknown-format', () => {
    expect(notices).toHaveLength(39);
    const headers = TSV_LOG.filter((line) => line.startsWith('#'));
    expect(headers).toHaveLength(9);
    for (const line of headers) expect(normalizeRejected(line).reason).toBe('unknown-format');
    const alerts = notices.map((line) => {
      const alert = normalizeOk(line);
      expectAlertInvariants(alert, line, 'zeek-notice');
      return alert;
    });
    expect(countBy(alerts, (alert) => `${alert.rule.name} ${alert.event.severity}`)).toEqual({
      'SSL::Invalid_Server_Cert 21': 15,
      'Scan::Address_Scan 73': 24,
    });
  });

  it('reads a scan notice without connection: unset columns left out, p as the destination port', () => {
    // This capture's ts column counts seconds from the capture start, so the times fall in January 1970.
    const line = notices.find((candidate) => candidate.startsWith('233.597905\t')) ?? '';
    const alert = normalizeOk(line);
    expect(alert).toMatchObject({
      '@timestamp': '1970-01-01T00:03:53.597905Z',
      message: '192.168.1.113 scanned at least 25 unique hosts on port 443/tcp in 0m26s',
      rule: { name: 'Scan::Address_Scan' },
      source: { ip: '192.168.1.113' },
      destination: { port: 443 },
      network: { transport: 'tcp' },
    });
    expect(alert.source.port).toBeUndefined();
    expect(alert.destination.ip).toBeUndefined();
  });

  it('reads the same notice identically from JSON and from a TSV line of either column layout', () => {
    const json = JSON.parse(JSON_LOG[0] ?? '{}') as Record<string, string | number>;
    const common = [json.ts, json.uid, json['id.orig_h'], json['id.orig_p'], json['id.resp_h'], json['id.resp_p']];
    const tail = [json.note, json.msg, json.sub, json.src, json.dst, json.p, '-', 'bro', 'Notice::ACTION_LOG', '3600.000000', 'F'];
    const withFileColumns = [...common, '-', '-', '-', json.proto, ...tail].join('\t');
    const withoutFileColumns = [...common, json.proto, ...tail].join('\t');
    const fromJson = normalizeOk(JSON_LOG[0] ?? '');
    for (const line of [withFileColumns, withoutFileColumns]) {
      const fromTsv = normalizeOk(line);
      expect(fromTsv.ira.alert_id).toBe(fromJson.ira.alert_id);
      expect({ ...fromTsv, event: { ...fromTsv.event, original: '' } }).toEqual({
        ...fromJson,
        event: { ...fromJson.event, original: '' },
      });
    }
  });
});
