import { createTriageState, hydrateTriageState, triageBatch, type Incident, type TriageBatchResult } from '../../../src/core/triage';
import { HOUR, alert } from '../triage/helpers';

/** What a store would hold: the latest version of every incident document. */
function store(batches: readonly TriageBatchResult[]): Incident[] {
  const latest = new Map<string, Incident>();
  for (const batch of batches) for (const c of batch.changes) latest.set(c.incident.id, c.incident);
  return [...latest.values()];
}

function stream() {
  return Array.from({ length: 40 }, (_, i) =>
    alert({ id: `e${i}`, at: i * 4, host: `h${i % 3}`, ...(i % 5 === 0 ? { user: 'alice' } : {}), rule: `R${i % 4}`, severity: 20 + (i % 7) * 10 }),
  );
}

describe('resume after restart', () => {
  it('continues the same incidents with the same ids and counts as an uninterrupted run', () => {
    const alerts = stream();
    const uninterrupted = createTriageState({ windowMs: HOUR });
    const head = triageBatch(uninterrupted, alerts.slice(0, 20));
    const tail = triageBatch(uninterrupted, alerts.slice(20));

    const resumed = hydrateTriageState({ windowMs: HOUR }, store([head]));
    const tailAfterRestart = triageBatch(resumed, alerts.slice(20));

    expect(tailAfterRestart.results.map((r) => r.incidentId)).toEqual(tail.results.map((r) => r.incidentId));
    const counts = (b: TriageBatchResult) => b.changes.map((c) => [c.incident.id, c.incident.status, c.incident.alert_count]);
    expect(counts(tailAfterRestart)).toEqual(counts(tail));
    for (const c of tailAfterRestart.changes) {
      const before = store([head]).find((i) => i.id === c.incident.id);
      if (before !== undefined) expect(c.incident.version).toBeGreaterThan(before.version);
    }
  });

  it('closes resumed incidents that the first new alert shows to be idle', () => {
    const first = triageBatch(createTriageState({ windowMs: HOUR }), [alert({ id: 'a', at: 0, host: 'web01' })]);
    const resumed = hydrateTriageState({ windowMs: HOUR }, store([first]));
    const out = triageBatch(resumed, [alert({ id: 'b', at: 200, host: 'web01' })]);
    expect(out.changes.find((c) => c.incident.id === first.results[0]!.incidentId)?.incident.status).toBe('closed');
    expect(out.results[0]!.incidentId).not.toBe(first.results[0]!.incidentId);
  });

  it('ignores merged incidents and keeps a closed case reachable under its id', () => {
    const state = createTriageState({ windowMs: HOUR });
    const batches = [
      triageBatch(state, [alert({ id: 'c1', at: 0, caseId: 'CASE-1' }), alert({ id: 'x', at: 1, host: 'a' }), alert({ id: 'y', at: 2, user: 'bob' })]),
      triageBatch(state, [alert({ id: 'z', at: 3, host: 'a', user: 'bob' })]),
      triageBatch(state, [alert({ id: 'late', at: 200, host: 'far' })]),
    ];
    const stored = store(batches);
    expect(stored.map((i) => i.status).sort()).toEqual(['closed', 'closed', 'merged', 'open']);
    const resumed = hydrateTriageState({ windowMs: HOUR }, stored);
    const out = triageBatch(resumed, [alert({ id: 'c2', at: 201, caseId: 'CASE-1' })]);
    expect(out.changes[0]!.incident).toMatchObject({ case_id: 'CASE-1', status: 'open', alert_count: 2 });
  });

  it('restores hubs: an entity shared by two open incidents does not merge them after a restart', () => {
    const gateway = '10.0.0.1';
    const options = { windowMs: HOUR, hubMergeLimit: 2 };
    const state = createTriageState(options);
    const hosts = ['a', 'b', 'c'].map((h, i) => ({ name: `ws-${h}`, ip: `10.0.2.${i + 1}` }));
    const before = triageBatch(state, [
      alert({ id: 'fw', at: 0, host: 'fw', hostIp: [gateway], rule: 'Config change' }),
      ...hosts.map((h, i) => alert({ id: `own-${h.name}`, at: 1 + i, host: h.name, hostIp: [h.ip], rule: 'Malware' })),
      ...hosts.map((h, i) => alert({ id: `flow-${h.name}`, at: 5 + i, src: h.ip, dst: gateway, rule: 'Flow' })),
    ]);
    const stored = store([before]);
    // Two merges (ws-a, ws-b into the gateway's incident) made the gateway a hub; ws-c kept its own incident.
    expect(stored.filter((i) => i.status === 'open' && i.entities.ips.includes(gateway))).toHaveLength(2);
    const resumed = hydrateTriageState(options, stored);
    const out = triageBatch(resumed, [alert({ id: 'again', at: 9, src: '10.0.2.3', dst: gateway, rule: 'Flow 2' })]);
    expect(out.changes.map((c) => c.kind)).toEqual(['updated']);
    expect(out.results[0]!.incidentId).toBe(before.results[3]!.incidentId);
  });
});
