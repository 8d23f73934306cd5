import { detectFormat, parseInput } from '../../../src/core/alert';
import { countBy, expectAlertInvariants, fixtureLines, normalizeOk, normalizeRejected } from './fixtures';

const WRCCDC = fixtureLines('suricata-eve/wrccdc-2018.ndjson');
const HONEYPOT = fixtureLines('suricata-eve/honeypot-2018.ndjson');
const ALL = [...WRCCDC, ...HONEYPOT];

interface EveRecord {
  src_ip: string;
  src_port: number;
  dest_ip: string;
  dest_port: number;
  alert: { signature: string; signature_id: number; severity: number; category: string };
}
const parse = (line: string): EveRecord => JSON.parse(line) as EveRecord;

describe('suricata-eve normaliser on ET Open alerts (WRCCDC 2018 and a 2018 honeypot)', () => {
  const alerts = ALL.map((line) => {
    const parsed = parseInput(line);
    expect(parsed.ok && detectFormat(parsed.value)).toBe('suricata-eve');
    const alert = normalizeOk(line);
    expectAlertInvariants(alert, line, 'suricata-eve');
    return alert;
  });

  it('normalises all 207 + 44 records to 251 distinct alerts', () => {
    expect(WRCCDC).toHaveLength(207);
    expect(HONEYPOT).toHaveLength(44);
    expect(new Set(alerts.map((alert) => alert.ira.alert_id)).size).toBe(251);
  });

  it('carries signature, addresses and ports over from every record, ports as integers', () => {
    ALL.forEach((line, index) => {
      const record = parse(line);
      expect(alerts[index]).toMatchObject({
        message: record.alert.signature,
        rule: { id: String(record.alert.signature_id), name: record.alert.signature, category: record.alert.category },
        source: { ip: record.src_ip, port: record.src_port },
        destination: { ip: record.dest_ip, port: record.dest_port },
      });
    });
  });

  it('maps EVE severity 1/2/3 to 73/47/21 (1 is the most urgent)', () => {
    const pairs = ALL.map((line, index) => `${parse(line).alert.severity}→${alerts[index]?.event.severity}`);
    expect(countBy(pairs, (pair) => pair)).toEqual({ '1→73': 76, '2→47': 125, '3→21': 50 });
  });

  it('reads the first WRCCDC record exactly', () => {
    expect(alerts[0]).toMatchObject({
      '@timestamp': '2018-03-24T14:37:19.037299-06:00',
      message: 'ET SCAN Potential SSH Scan',
      event: { id: '928532049924531:2018-03-24T14:37:19.037299-0600:2001219', severity: 47, action: 'allowed' },
      rule: { id: '2001219', category: 'Attempted Information Leak' },
      source: { ip: '0.0.0.0', port: 26078 },
      destination: { ip: '10.47.8.150', port: 22 },
      network: { transport: 'tcp' },
      observer: { vendor: 'OISF', product: 'Suricata' },
    });
  });

  it('keeps a 64-bit flow_id exact although JSON.parse rounds it', () => {
    const line = (WRCCDC[0] ?? '').replace('"flow_id":928532049924531', '"flow_id":9223372036854775001');
    const neighbour = line.replace('9223372036854775001', '9223372036854775002');
    const alert = normalizeOk(line);
    expect(alert.event.id).toBe('9223372036854775001:2018-03-24T14:37:19.037299-0600:2001219');
    // Both round to the same double; their ids must still differ.
    expect(normalizeOk(neighbour).event.id).not.toBe(alert.event.id);
  });

  it('maps the ATT&CK keys of ET rule metadata (Suricata ≥ 5) onto threat', () => {
    const record = JSON.parse(WRCCDC[0] ?? '{}') as { alert: Record<string, unknown> };
    record.alert.metadata = {
      mitre_tactic_id: ['TA0043'],
      mitre_tactic_name: ['Reconnaissance'],
      mitre_technique_id: ['T1595'],
      mitre_technique_name: ['Active_Scanning'],
    };
    expect(normalizeOk(JSON.stringify(record)).threat).toEqual({
      tactic: { id: ['TA0043'], name: ['Reconnaissance'] },
      technique: { id: ['T1595'], name: ['Active Scanning'] },
    });
  });

  it('rejects an EVE alert without timestamp as invalid', () => {
    const { timestamp: _time, ...record } = JSON.parse(HONEYPOT[0] ?? '{}') as Record<string, unknown>;
    expect(normalizeRejected(JSON.stringify(record))).toMatchObject({
      reason: 'invalid',
      format: 'suricata-eve',
      issues: ['@timestamp: no timestamp (looked in timestamp)'],
    });
  });
});
