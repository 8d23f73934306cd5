import { detectFormat, parseInput } from '../../../src/core/alert';
import { expectAlertInvariants, fixtureLines, normalizeOk, normalizeRejected } from './fixtures';

// Two findings verbatim from the Get findings API example of the OpenSearch documentation, three constructed to
// the documented finding shape with the tags Security Analytics writes ([level, log type, ...Sigma tags]).
const DOCS = fixtureLines('opensearch-finding/docs-example-findings.ndjson');
const CONSTRUCTED = fixtureLines('opensearch-finding/constructed-findings.ndjson');

describe('opensearch-finding normaliser', () => {
  const all = [...DOCS, ...CONSTRUCTED].map((line) => {
    const parsed = parseInput(line);
    expect(parsed.ok && detectFormat(parsed.value)).toBe('opensearch-finding');
    const alert = normalizeOk(line);
    expectAlertInvariants(alert, line, 'opensearch-finding');
    return alert;
  });

  it('normalises the 2 documented and 3 constructed findings to 5 distinct alerts', () => {
    expect(all).toHaveLength(5);
    expect(new Set(all.map((alert) => alert.ira.alert_id)).size).toBe(5);
  });

  it('reads the documented API example: epoch-millisecond time, no tags so the default severity', () => {
    expect(all[0]).toMatchObject({
      '@timestamp': '2022-09-28T21:38:08.804Z',
      message: 'Security Analytics finding on sbwhrzgdlg: 3',
      event: { id: '2b9663f4-ae77-4df8-b84f-688a0195723b', severity: 47 },
      rule: { id: 'f1bff160-587b-4500-b60c-ab22c7abc652', name: '3' },
      threat: { tactic: { id: [], name: [] }, technique: { id: [], name: [] } },
    });
    expect(all[1]?.event.id).toBe('f43a2701-0ef5-4931-8254-bdf510f73952');
  });

  it('takes severity, log type and ATT&CK from the query tags', () => {
    expect(all[2]).toMatchObject({
      '@timestamp': '2025-01-17T09:44:35.123Z',
      event: { severity: 73 },
      rule: { category: 'windows' },
      threat: { tactic: { id: ['TA0002'], name: ['Execution'] }, technique: { id: ['T1059.001'], name: [] } },
    });
    // Two matched queries: the highest level wins, the ATT&CK tags of both are kept.
    expect(all[3]).toMatchObject({
      event: { severity: 99 },
      rule: { category: 'network' },
      threat: {
        tactic: { id: ['TA0007', 'TA0001'], name: ['Discovery', 'Initial Access'] },
        technique: { id: ['T1046', 'T1190'] },
      },
    });
  });

  it('reads who and where from the matched document of an API finding', () => {
    expect(all[4]).toMatchObject({
      event: { severity: 21 },
      host: { name: 'intranet-web', ip: ['192.168.131.10'] },
      source: { ip: '192.168.128.170', port: 51234 },
      destination: { ip: '192.168.131.10', port: 22 },
      user: { name: 'admin' },
      threat: { tactic: { name: ['Credential Access'] }, technique: { id: ['T1110'] } },
    });
  });

  it('does not take an alerting-plugin alert (finding_ids, no queries) for a finding', () => {
    const alert = {
      id: 'alert_id_1',
      detector_id: 'detector_12345',
      finding_ids: ['finding_id_1'],
      related_doc_ids: ['docId1'],
      state: 'ACTIVE',
      start_time: '2022-10-13T20:39:04.995023Z',
    };
    const parsed = parseInput(JSON.stringify(alert));
    expect(parsed.ok && detectFormat(parsed.value)).toBe('generic-json');
  });

  it('rejects a finding without timestamp as invalid', () => {
    const { timestamp: _time, ...finding } = JSON.parse(DOCS[0] ?? '{}') as Record<string, unknown>;
    expect(normalizeRejected(JSON.stringify(finding))).toMatchObject({ reason: 'invalid', format: 'opensearch-finding' });
  });
});
