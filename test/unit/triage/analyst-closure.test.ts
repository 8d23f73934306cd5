import { closeIncidents, createTriageState, hydrateTriageState, triageBatch } from '../../../src/core/triage';
import { HOUR, alert, change } from './helpers';

/**
 * An analyst's closure (false positive) is final: triage drops the incident from what it holds open, and a later
 * alert about the same entities (or of the same case) opens a new incident instead of joining or reopening it.
 */
describe('closeIncidents: an analyst closed an incident', () => {
  it('a later alert on the same host opens a new incident; before the closure it would have joined', () => {
    const state = createTriageState({ windowMs: HOUR });
    const first = triageBatch(state, [alert({ id: 'a', at: 0, host: 'web01', src: '10.0.0.5' })]).results[0]!.incidentId;
    expect(triageBatch(state, [alert({ id: 'b', at: 1, host: 'web01' })]).results[0]!.incidentId).toBe(first);

    expect(closeIncidents(state, [first])).toEqual([first]);
    const later = triageBatch(state, [alert({ id: 'c', at: 2, host: 'web01', src: '10.0.0.5' })]);
    const fresh = later.results[0]!.incidentId;
    expect(fresh).not.toBe(first);
    expect(change(later, fresh)).toMatchObject({ kind: 'opened', incident: { status: 'open', alert_count: 1 } });
    expect(later.changes.map((item) => item.incident.id)).toEqual([fresh]);
    expect(later.results[0]!.repeat).toBe(false);
    // The new incident links on from here.
    expect(triageBatch(state, [alert({ id: 'd', at: 3, src: '10.0.0.5' })]).results[0]!.incidentId).toBe(fresh);
  });

  it('is idempotent and ignores ids triage does not hold', () => {
    const state = createTriageState({ windowMs: HOUR });
    const id = triageBatch(state, [alert({ id: 'a', at: 0, host: 'web01' })]).results[0]!.incidentId;
    expect(closeIncidents(state, ['inc-unknown', id])).toEqual([id]);
    expect(closeIncidents(state, [id])).toEqual([]);
    expect(state.open.size).toBe(0);
  });

  it('a case incident is not reopened by a later alert of the case: the case goes on in a new incident', () => {
    const state = createTriageState({ windowMs: HOUR });
    const cased = triageBatch(state, [alert({ id: 'a', at: 0, caseId: 'CASE-9' })]).results[0]!.incidentId;
    expect(closeIncidents(state, [cased])).toEqual([cased]);
    const later = triageBatch(state, [alert({ id: 'b', at: 1, caseId: 'CASE-9' })]);
    const next = later.results[0]!.incidentId;
    expect(next).not.toBe(cased);
    expect(change(later, next).incident).toMatchObject({ status: 'open', case_id: 'CASE-9', alert_count: 1 });
    expect(triageBatch(state, [alert({ id: 'c', at: 2, caseId: 'CASE-9' })]).results[0]!.incidentId).toBe(next);
  });

  it('closes a case incident triage had closed for idleness and still remembers (after a restart too)', () => {
    const state = createTriageState({ windowMs: HOUR });
    const cased = triageBatch(state, [alert({ id: 'a', at: 0, caseId: 'CASE-5' })]);
    const incident = cased.changes[0]!.incident;
    // A restart: the stored incident comes back closed (idle), remembered for its case.
    const resumed = hydrateTriageState({ windowMs: HOUR }, [{ ...incident, status: 'closed' }]);
    expect(closeIncidents(resumed, [incident.id])).toEqual([incident.id]);
    const later = triageBatch(resumed, [alert({ id: 'b', at: 1, caseId: 'CASE-5' })]);
    expect(later.results[0]!.incidentId).not.toBe(incident.id);
    expect(later.changes.map((item) => item.incident.id)).not.toContain(incident.id);
  });

  it('an incident merged before the closure arrived: nothing to close, the survivor stays open', () => {
    const state = createTriageState({ windowMs: HOUR });
    const out = triageBatch(state, [
      alert({ id: 'a', at: 0, host: 'h1' }),
      alert({ id: 'b', at: 1, host: 'h2' }),
      alert({ id: 'c', at: 2, host: 'h1', dst: '10.9.9.9' }),
      alert({ id: 'd', at: 3, host: 'h2', dst: '10.9.9.9' }),
    ]);
    const survivor = out.results[0]!.incidentId;
    const loser = out.changes.find((item) => item.kind === 'merged')!.incident.id;
    expect(closeIncidents(state, [loser])).toEqual([]);
    expect(triageBatch(state, [alert({ id: 'e', at: 4, host: 'h2' })]).results[0]!.incidentId).toBe(survivor);
  });
});
