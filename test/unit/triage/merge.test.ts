import { createTriageState, triageBatch } from '../../../src/core/triage';
import { HOUR, alert, change } from './helpers';

describe('merging incidents', () => {
  const first = alert({ id: 'a1', at: 0, rule: 'Web shell upload', host: 'web01' });
  const second = alert({ id: 'b1', at: 10, rule: 'Password spray', user: 'alice', host: 'mail01' });
  const linker = alert({ id: 'c1', at: 20, rule: 'Login from web host', host: 'web01', user: 'alice' });

  it('merges two open incidents when one alert links them; the older survives', () => {
    const state = createTriageState({ windowMs: HOUR });
    const before = triageBatch(state, [first, second]);
    const [older, younger] = before.results.map((r) => r.incidentId);
    expect(older).not.toBe(younger);
    expect(before.changes.map((c) => c.kind)).toEqual(['opened', 'opened']);

    const out = triageBatch(state, [linker]);
    expect(out.results[0]!.incidentId).toBe(older);
    const survivor = change(out, older!);
    const merged = change(out, younger!);
    expect(survivor.kind).toBe('updated');
    expect(survivor.mergedFrom).toEqual([younger]);
    expect(survivor.incident).toMatchObject({ status: 'open', alert_count: 3, unique_alert_count: 3 });
    expect(survivor.incident.entities.hosts.sort()).toEqual(['mail01', 'web01']);
    expect(survivor.incident.first_seen).toBe(first['@timestamp']);
    expect(merged.kind).toBe('merged');
    expect(merged.incident).toMatchObject({ status: 'merged', merged_into: older });
    expect(merged.incident.version).toBeGreaterThan(before.changes.find((c) => c.incident.id === younger)!.incident.version);
  });

  it('later alerts on either side go to the survivor', () => {
    const state = createTriageState({ windowMs: HOUR });
    triageBatch(state, [first, second, linker]);
    const out = triageBatch(state, [alert({ id: 'd1', at: 30, rule: 'Mailbox export', host: 'mail01' })]);
    expect(out.results[0]!.incidentId).toBe(triageBatch(createTriageState({ windowMs: HOUR }), [first]).results[0]!.incidentId);
    expect(out.changes).toHaveLength(1);
    expect(out.changes[0]!.incident.alert_count).toBe(4);
  });

  it('reports the surviving incident for alerts whose incident merged later in the same batch', () => {
    const state = createTriageState({ windowMs: HOUR });
    const out = triageBatch(state, [first, second, linker]);
    expect(new Set(out.results.map((r) => r.incidentId)).size).toBe(1);
    const kinds = Object.fromEntries(out.changes.map((c) => [c.incident.id, c.kind]));
    expect(Object.values(kinds).sort()).toEqual(['merged', 'opened']);
    // The non-merged incidents account for every alert exactly once.
    const total = out.changes.filter((c) => c.incident.status !== 'merged').reduce((n, c) => n + c.incident.alert_count, 0);
    expect(total).toBe(3);
  });

  it('merges three incidents at once into the oldest', () => {
    const state = createTriageState({ windowMs: HOUR });
    const out = triageBatch(state, [
      alert({ id: 'x', at: 5, host: 'b', hostIp: ['10.5.5.5'] }),
      alert({ id: 'y', at: 0, host: 'a' }),
      alert({ id: 'z', at: 7, host: 'c' }),
      alert({ id: 'link', at: 8, host: 'c', src: '10.1.1.1', user: 'eve' }),
      alert({ id: 'link2', at: 9, src: '10.1.1.1', user: 'mallory', hostIp: ['10.9.9.9'] }),
    ]);
    expect(new Set(out.results.slice(2).map((r) => r.incidentId)).size).toBe(1);
    // One alert touching all three: host a (y), user mallory (z's side), destination 10.5.5.5 (x).
    const final = triageBatch(state, [alert({ id: 'all', at: 10, host: 'a', user: 'mallory', src: '10.9.9.9', dst: '10.5.5.5' })]);
    const ids = new Set(final.results.map((r) => r.incidentId));
    expect(ids.size).toBe(1);
    const oldestId = out.results[1]!.incidentId; // 'y' at minute 0 is the oldest alert
    expect([...ids][0]).toBe(oldestId);
    const survivor = change(final, oldestId);
    expect(survivor.incident.alert_count).toBe(6);
    expect(survivor.mergedFrom?.sort()).toEqual([out.results[0]!.incidentId, out.results[2]!.incidentId].sort());
    expect(final.changes.filter((c) => c.kind === 'merged')).toHaveLength(2);
  });
});
