import { normalizeAlert } from '../../../src/core/alert/normalize';
import { AlertDocument, alertDocument } from '../../../src/core/documents/alert-document';
import { createTriageState, triageBatch } from '../../../src/core/triage';

/** What triage ignored on an alert (its clock, its flood of entities) is recorded on the alert's document. */
describe('alert document', () => {
  const ingest = Date.parse('2026-12-02T10:00:00Z');

  function triaged(raw: Record<string, unknown>) {
    const result = normalizeAlert(JSON.stringify(raw));
    if (!result.ok) throw new Error(result.error.message);
    return triageBatch(createTriageState({ windowMs: 3_600_000 }), [result.value], [ingest]).results[0]!;
  }

  it('records the clock skew of an alert dated far from its ingest time', () => {
    const item = triaged({ '@timestamp': '2100-01-01T00:00:00Z', message: 'from the future', rule: { name: 'r' }, source: { ip: '10.0.0.9' }, event: { kind: 'alert', id: 'f1' } });
    const document = AlertDocument.parse(alertDocument(item, new Date(ingest).toISOString()));
    expect(document.ira.clock_skew_ms).toBeGreaterThan(70 * 365 * 24 * 3_600_000);
    expect(Date.parse(document['@timestamp'])).toBe(Date.parse('2100-01-01T00:00:00Z'));
  });

  it('records nothing for an alert on time', () => {
    const item = triaged({ '@timestamp': '2026-12-02T09:59:00Z', message: 'on time', rule: { name: 'r' }, source: { ip: '10.0.0.9' }, event: { kind: 'alert', id: 'f2' } });
    const document = AlertDocument.parse(alertDocument(item, new Date(ingest).toISOString()));
    expect(document.ira.clock_skew_ms).toBeUndefined();
  });
});
