import { createTriageState, triageBatch, type TriageState } from '../../../src/core/triage';
import { HOUR, alert, change } from './helpers';

const N = 50;
const ipOf = (i: number) => `10.9.${Math.floor(i / 200)}.${(i % 200) + 1}`;

function fifty(state: TriageState): string[] {
  const out = triageBatch(
    state,
    Array.from({ length: N }, (_, i) => alert({ id: `own-${i}`, at: i % 10, host: `ws${i}`, hostIp: [ipOf(i)], severity: i === 17 ? 95 : 40 })),
  );
  return out.results.map((r) => r.incidentId);
}

describe('glue alerts', () => {
  it('one alert listing 50 IPs merges nothing: it joins one incident and records the others as related', () => {
    const state = createTriageState({ windowMs: HOUR });
    const own = fifty(state);
    expect(new Set(own).size).toBe(N);
    const glue = triageBatch(state, [
      alert({ id: 'glue', at: 12, hostIp: Array.from({ length: N }, (_, i) => ipOf(i)), rule: 'Port sweep' }),
    ]);
    expect(glue.changes.filter((c) => c.kind === 'merged')).toEqual([]);
    const joined = glue.results[0]!.incidentId;
    expect(own).toContain(joined);
    // The best one: highest score (the incident of ws17, severity 95), not an arbitrary one.
    expect(joined).toBe(own[17]);
    const related = glue.results[0]!.relatedIncidentIds ?? [];
    expect(related.length).toBeGreaterThan(0);
    expect(related).not.toContain(joined);
    for (const id of related) expect(own).toContain(id);
    expect(change(glue, joined).incident.related?.length).toBeGreaterThan(0);

    // Every other incident is still open and its own entities still lead to it.
    const probe = triageBatch(state, Array.from({ length: N }, (_, i) => alert({ id: `probe-${i}`, at: 20, host: `ws${i}`, hostIp: [ipOf(i)] })));
    expect(probe.results.map((r) => r.incidentId)).toEqual(own);
    expect(probe.changes.every((c) => c.incident.status === 'open')).toBe(true);
  });

  it('linking up to the fan-out limit still merges (ordinary correlation is unchanged)', () => {
    const state = createTriageState({ windowMs: HOUR, maxMergeFanOut: 3 });
    const own = fifty(state);
    const out = triageBatch(state, [alert({ id: 'link3', at: 12, hostIp: [ipOf(0), ipOf(1), ipOf(2)] })]);
    expect(out.changes.filter((c) => c.kind === 'merged').map((c) => c.incident.id).sort()).toEqual([own[1], own[2]].sort());
    expect(out.results[0]!.incidentId).toBe(own[0]);
    expect(out.results[0]!.relatedIncidentIds).toBeUndefined();
  });

  it('the glue alert\'s other entities do not get attached to the incident it joins', () => {
    const state = createTriageState({ windowMs: HOUR });
    const own = fifty(state);
    const glue = triageBatch(state, [alert({ id: 'glue', at: 12, hostIp: Array.from({ length: N }, (_, i) => ipOf(i)) })]);
    const incident = change(glue, glue.results[0]!.incidentId).incident;
    expect(incident.entities.ips).toEqual([ipOf(own.indexOf(glue.results[0]!.incidentId))]);
  });
});
