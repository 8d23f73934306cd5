import { detectFormat, parseInput } from '../../../src/core/alert';
import { expectAlertInvariants, fixtureLines, normalizeOk, normalizeRejected } from './fixtures';

// Rows of the AIT-ADS alert CSV (russellmitchell scenario) as JSON objects: {time, name, ip, host, short, ...}.
const ROWS = fixtureLines('generic-json/ait-ads-russellmitchell-sample.ndjson');

describe('generic-json normaliser', () => {
  const alerts = ROWS.map((line) => {
    const parsed = parseInput(line);
    expect(parsed.ok && detectFormat(parsed.value)).toBe('generic-json');
    const alert = normalizeOk(line);
    expectAlertInvariants(alert, line, 'generic-json');
    return alert;
  });

  it('normalises all 56 rows; rows repeated verbatim share an id, the 49 distinct ones do not', () => {
    expect(alerts).toHaveLength(56);
    expect(new Set(ROWS).size).toBe(49);
    expect(new Set(alerts.map((alert) => alert.ira.alert_id)).size).toBe(49);
  });

  it('maps every row: epoch seconds, name as rule and message, host and its ip', () => {
    ROWS.forEach((line, index) => {
      const row = JSON.parse(line) as { time: number; name: string; ip: string; host: string };
      expect(alerts[index]).toMatchObject({
        '@timestamp': new Date(row.time * 1000).toISOString(),
        message: row.name,
        rule: { name: row.name },
        host: { name: row.host, ip: [row.ip] },
      });
    });
    expect(alerts[0]).toMatchObject({
      '@timestamp': '2022-01-24T02:25:14.000Z',
      message: 'Wazuh: ClamAV database update',
      host: { name: 'davey_mail', ip: ['192.168.231.56'] },
      event: { severity: 47 },
    });
  });

  it('reads the common names of other producers: ECS or flat, text ports, labels, case ids', () => {
    const alert = normalizeOk(
      JSON.stringify({
        timestamp: 1737107075123,
        msg: 'Outbound connection to known C2',
        severity: 'High',
        src_ip: '10.0.0.5',
        src_port: '51515',
        'destination.ip': '203.0.113.9',
        destination: { port: 443 },
        hostname: 'ws-17',
        username: 'alice',
        signature: 'C2 beacon',
        incident_id: 'INC-2025-0042',
        threat: { technique: { id: ['T1071'], name: ['Application Layer Protocol'] }, tactic: { name: 'Command and Control' } },
      }),
    );
    expect(alert).toMatchObject({
      '@timestamp': '2025-01-17T09:44:35.123Z',
      message: 'Outbound connection to known C2',
      event: { severity: 73 },
      rule: { name: 'C2 beacon' },
      source: { ip: '10.0.0.5', port: 51515 },
      destination: { ip: '203.0.113.9', port: 443 },
      host: { name: 'ws-17' },
      user: { name: 'alice' },
      threat: {
        tactic: { id: ['TA0011'], name: ['Command and Control'] },
        technique: { id: ['T1071'], name: ['Application Layer Protocol'] },
      },
      ira: { case_id: 'INC-2025-0042' },
    });
  });

  it.each([
    [{ severity: 88 }, 88],
    [{ risk_score: 12 }, 12],
    [{ level: 'critical' }, 99],
    [{ priority: 1 }, 73],
    [{ priority: 4 }, 10],
    [{ priority: 'low' }, 21],
    [{ severity: 250 }, 100],
    [{}, 47],
  ])('severity of %p is %d', (fields, severity) => {
    expect(normalizeOk(JSON.stringify({ '@timestamp': '2025-01-17T09:44:35Z', ...fields })).event.severity).toBe(severity);
  });

  it('rejects a record without any time field, listing where it looked', () => {
    expect(normalizeRejected('{"message":"no time here"}')).toMatchObject({
      reason: 'invalid',
      format: 'generic-json',
      issues: ['@timestamp: no timestamp (looked in @timestamp | timestamp | time | event.created)'],
    });
  });

  it('keeps attacker-controlled text as data and types right', () => {
    const alert = normalizeOk(
      JSON.stringify({ time: 1642991114, message: '"; DROP TABLE alerts; --', src_port: 'not-a-port', src_ip: { nested: true } }),
    );
    expect(alert.message).toBe('"; DROP TABLE alerts; --');
    expect(alert.source).toEqual({ ip: undefined, port: undefined });
  });
});
