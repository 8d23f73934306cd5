import { detectJsonFormat, parseInput } from '../../../src/core/alert';
import { expectAlertInvariants, normalizeOk, normalizeRejected, readFixture } from './fixtures';

const QUERY_ALERT = 'elastic-security/kibana-cypress-query_alert.data.json';
const INDICATOR_ALERT = 'elastic-security/kibana-alerts-8.1.0.doc1.data.json';

type Doc = Record<string, unknown>;
/** The alert body of a Kibana es_archiver record (`{type: 'doc', value: {id, index, source}}`). */
const sourceOf = (relative: string): Doc => (JSON.parse(readFixture(relative)) as { value: { source: Doc } }).value.source;

/** Every dotted key expanded into nested objects: the same alert in the other spelling Kibana accepts. */
function nest(record: Doc): Doc {
  const nested: Doc = {};
  for (const [key, value] of Object.entries(record)) {
    const parts = key.split('.');
    let target = nested;
    for (const part of parts.slice(0, -1)) target = (target[part] ??= {}) as Doc;
    const last = parts[parts.length - 1] as string;
    const existing = target[last];
    const inner = isPlain(value) ? nest(value) : value;
    target[last] = isPlain(existing) && isPlain(inner) ? { ...existing, ...inner } : inner;
  }
  return nested;
}

/** Every nested object flattened into dotted keys (arrays left alone). */
function flatten(record: Doc, prefix = '', out: Doc = {}): Doc {
  for (const [key, value] of Object.entries(record)) {
    if (isPlain(value)) flatten(value, `${prefix}${key}.`, out);
    else out[`${prefix}${key}`] = value;
  }
  return out;
}

const isPlain = (value: unknown): value is Doc => typeof value === 'object' && value !== null && !Array.isArray(value);
const withoutOriginal = ({ event: { original: _original, ...event }, ...alert }: ReturnType<typeof normalizeOk>) => ({ ...alert, event });

describe('elastic-security normaliser on Kibana alert documents', () => {
  it('normalises the Endpoint Security query-rule alert (Kibana 8.8) from its es_archiver record', () => {
    const raw = readFixture(QUERY_ALERT);
    const parsed = parseInput(raw);
    expect(parsed.ok && parsed.value.kind === 'json' && detectJsonFormat(parsed.value.record)).toBe('elastic-security');
    const alert = normalizeOk(raw);
    expectAlertInvariants(alert, raw, 'elastic-security');
    expect(alert).toMatchObject({
      '@timestamp': '2023-04-27T11:03:57.906Z',
      message: 'malware event with process malware writer, file fake_malware.exe, on Host-fwarau82er created medium alert Endpoint Security.',
      event: { id: 'eabbdefc23da981f2b74ab58b82622a97bb9878caa11bc914e2adfacc94780f1', severity: 47, dataset: 'endpoint', action: 'creation' },
      rule: { id: '9a1a2dae-0b5f-4c3d-8305-a268d404c306', name: 'Endpoint Security', category: 'Custom Query Rule' },
      host: { name: 'Host-fwarau82er', ip: ['10.249.37.72', '10.150.39.243', '10.186.17.170'] },
      user: { name: 'user1' },
      threat: { tactic: { id: [], name: [] }, technique: { id: [], name: [] } },
    });
    expect(alert.ira.case_id).toBeUndefined();
  });

  it('normalises the indicator-match alert (Kibana 8.1): risk score 21, host.ip given as one string', () => {
    const raw = readFixture(INDICATOR_ALERT);
    const alert = normalizeOk(raw);
    expectAlertInvariants(alert, raw, 'elastic-security');
    expect(alert).toMatchObject({
      '@timestamp': '2022-03-19T02:48:12.634Z',
      message: 'event on security-linux-1 created low alert threat-match-rule.',
      event: { id: '30a75fe46d3dbdfab55982036f77a8d60e2d1112e96f277c3b8c22f9bb57817a', severity: 21 },
      rule: { id: '53000028-120c-4e55-a8c0-db092e05aef4', name: 'threat-match-rule', category: 'Indicator Match Rule' },
      host: { name: 'security-linux-1', ip: ['11.200.0.194'] },
    });
  });

  it.each([QUERY_ALERT, INDICATOR_ALERT])('reads %s the same whether its keys are dotted, nested or flattened', (relative) => {
    const source = sourceOf(relative);
    const asStored = normalizeOk(JSON.stringify(source));
    expect(Object.keys(source).some((key) => key.startsWith('kibana.alert.'))).toBe(true);
    expect(withoutOriginal(normalizeOk(JSON.stringify(nest(source))))).toEqual(withoutOriginal(asStored));
    expect(withoutOriginal(normalizeOk(JSON.stringify(flatten(source))))).toEqual(withoutOriginal(asStored));
  });

  it('maps kibana.alert.rule.threat (tactic, technique, sub-technique) onto threat', () => {
    const source = sourceOf(QUERY_ALERT);
    source['kibana.alert.rule.threat'] = [
      {
        framework: 'MITRE ATT&CK',
        tactic: { id: 'TA0002', name: 'Execution', reference: 'https://attack.mitre.org/tactics/TA0002/' },
        technique: [
          {
            id: 'T1059',
            name: 'Command and Scripting Interpreter',
            reference: 'https://attack.mitre.org/techniques/T1059/',
            subtechnique: [{ id: 'T1059.001', name: 'PowerShell', reference: 'https://attack.mitre.org/techniques/T1059/001/' }],
          },
        ],
      },
      { framework: 'MITRE ATT&CK', tactic: { id: 'TA0005', name: 'Defense Evasion' }, technique: [] },
      { framework: 'Custom framework', tactic: { id: 'X1', name: 'Not ATT&CK' }, technique: [] },
    ];
    expect(normalizeOk(JSON.stringify(source)).threat).toEqual({
      tactic: { id: ['TA0002', 'TA0005'], name: ['Execution', 'Defense Evasion'] },
      technique: { id: ['T1059', 'T1059.001'], name: ['Command and Scripting Interpreter', 'PowerShell'] },
    });
  });

  it('takes a case id from kibana.alert.case_ids, else from the EQL sequence group', () => {
    const source = sourceOf(QUERY_ALERT);
    expect(normalizeOk(JSON.stringify({ ...source, 'kibana.alert.group.id': 'seq-7' })).ira.case_id).toBe('seq-7');
    const withCase = { ...source, 'kibana.alert.group.id': 'seq-7', kibana: { alert: { case_ids: ['case-42'] } } };
    expect(normalizeOk(JSON.stringify(withCase)).ira.case_id).toBe('case-42');
  });

  it('reads alerts out of a search hit and falls back to its _id', () => {
    const { 'kibana.alert.uuid': _uuid, ...source } = sourceOf(INDICATOR_ALERT);
    const hit = { _index: '.internal.alerts-security.alerts-default-000001', _id: 'hit-id-1', _source: source };
    const alert = normalizeOk(JSON.stringify(hit));
    expect(alert.ira.format).toBe('elastic-security');
    expect(alert.event.id).toBe('hit-id-1');
  });

  it('rejects an alert without @timestamp (nor kibana.alert.original_time) as invalid, saying so', () => {
    const { '@timestamp': _time, 'kibana.alert.original_time': originalTime, ...source } = sourceOf(INDICATOR_ALERT);
    expect(normalizeOk(JSON.stringify({ ...source, 'kibana.alert.original_time': originalTime }))['@timestamp']).toBe(
      '2022-03-19T02:47:57.376Z',
    );
    const rejection = normalizeRejected(JSON.stringify(source));
    expect(rejection).toMatchObject({ reason: 'invalid', format: 'elastic-security' });
    expect(rejection.issues).toEqual([expect.stringMatching(/^@timestamp: no timestamp/)]);
  });
});
