import { stableHash } from '../../../src/core/hash';
import { createTriageState, triageBatch } from '../../../src/core/triage';
import { HOUR, alert, change } from './helpers';

describe('an incident id carried by the alert', () => {
  it('wins over entity correlation and gives a deterministic id', () => {
    const state = createTriageState({ windowMs: HOUR });
    const out = triageBatch(state, [
      alert({ id: 'a', at: 0, host: 'web01', rule: 'R1' }),
      alert({ id: 'b', at: 1, host: 'web01', rule: 'R2', caseId: 'CASE-42' }),
      alert({ id: 'c', at: 2, host: 'other', rule: 'R3', caseId: 'CASE-42' }),
    ]);
    const [byEntity, byCase, sameCase] = out.results.map((r) => r.incidentId);
    expect(byCase).not.toBe(byEntity);
    expect(sameCase).toBe(byCase);
    expect(byCase).toBe('inc-' + stableHash('case:CASE-42'));
    expect(change(out, byCase!).incident).toMatchObject({ case_id: 'CASE-42', alert_count: 2 });
    expect(change(out, byEntity!).incident.alert_count).toBe(1);
  });

  it('is the same id in a fresh state (a replay, another consumer)', () => {
    const run = () =>
      triageBatch(createTriageState({ windowMs: HOUR }), [alert({ id: 'z', at: 0, caseId: 'CASE-7' })]).results[0]!.incidentId;
    expect(run()).toBe(run());
  });

  it('does not pull uncased alerts into the case through shared entities', () => {
    const state = createTriageState({ windowMs: HOUR });
    const out = triageBatch(state, [
      alert({ id: 'a', at: 0, host: 'web01', caseId: 'CASE-1' }),
      alert({ id: 'b', at: 1, host: 'web01' }),
    ]);
    expect(out.results[0]!.incidentId).not.toBe(out.results[1]!.incidentId);
  });

  it('reopens the same case incident after it closed, counts continuing', () => {
    const state = createTriageState({ windowMs: HOUR });
    const first = triageBatch(state, [alert({ id: 'a', at: 0, caseId: 'CASE-9' })]);
    const id = first.results[0]!.incidentId;
    const closing = triageBatch(state, [alert({ id: 'x', at: 120, host: 'elsewhere' })]);
    expect(change(closing, id).incident.status).toBe('closed');
    const again = triageBatch(state, [alert({ id: 'b', at: 121, caseId: 'CASE-9' })]);
    expect(again.results[0]!.incidentId).toBe(id);
    expect(change(again, id).incident).toMatchObject({ status: 'open', alert_count: 2 });
  });
});
