import { createTriageState, triageBatch } from '../../../src/core/triage';
import { HOUR, alert, change } from './helpers';

const WINDOW = HOUR;

describe('repeat folding', () => {
  it('folds the same signature within the window: counted, flagged, not a new unique alert', () => {
    const state = createTriageState({ windowMs: WINDOW });
    const batch = [0, 1, 2, 3].map((i) => alert({ id: `a${i}`, at: i * 10, rule: 'SSH brute force', host: 'web01', src: '203.0.113.9' }));
    const out = triageBatch(state, batch);
    expect(out.results.map((r) => r.repeat)).toEqual([false, true, true, true]);
    expect(out.results.map((r) => r.repeatCount)).toEqual([0, 1, 2, 3]);
    const incident = change(out, out.results[0]!.incidentId).incident;
    expect(incident.alert_count).toBe(4);
    expect(incident.unique_alert_count).toBe(1);
    expect(new Set(out.results.map((r) => r.incidentId)).size).toBe(1);
  });

  it('a repeat scores lower than the first sighting', () => {
    const state = createTriageState({ windowMs: WINDOW });
    const out = triageBatch(state, [
      alert({ id: 'a', at: 0, rule: 'R', host: 'h' }),
      alert({ id: 'b', at: 1, rule: 'R', host: 'h' }),
    ]);
    expect(out.results[1]!.score).toBeLessThan(out.results[0]!.score);
  });

  it('does not fold when any part of the signature differs', () => {
    const state = createTriageState({ windowMs: WINDOW });
    const base = { rule: 'R', host: 'web01', src: '203.0.113.9', dst: '198.51.100.7', user: 'alice' };
    const out = triageBatch(state, [
      alert({ id: 'a', at: 0, ...base }),
      alert({ id: 'b', at: 1, ...base, rule: 'Other rule' }),
      alert({ id: 'c', at: 2, ...base, src: '203.0.113.10' }),
      alert({ id: 'd', at: 3, ...base, dst: '198.51.100.8' }),
      alert({ id: 'e', at: 4, ...base, user: 'bob' }),
      alert({ id: 'f', at: 5, ...base, ruleId: '5710' }),
    ]);
    expect(out.results.map((r) => r.repeat)).toEqual([false, false, false, false, false, false]);
    const incident = change(out, out.results[0]!.incidentId).incident;
    expect(incident.unique_alert_count).toBe(6);
  });

  it('starts a new run once the signature has been idle longer than the window', () => {
    const state = createTriageState({ windowMs: WINDOW });
    const spec = { rule: 'R', host: 'web01' };
    const first = triageBatch(state, [alert({ id: 'a', at: 0, ...spec }), alert({ id: 'b', at: 30, ...spec })]);
    expect(first.results[1]!.repeat).toBe(true);
    // 30 + 61 minutes: past the window since the last sighting.
    const later = triageBatch(state, [alert({ id: 'c', at: 91, ...spec })]);
    expect(later.results[0]!.repeat).toBe(false);
    expect(later.results[0]!.repeatCount).toBe(0);
  });

  it('keeps folding across batches', () => {
    const state = createTriageState({ windowMs: WINDOW });
    triageBatch(state, [alert({ id: 'a', at: 0, rule: 'R', host: 'h' })]);
    const out = triageBatch(state, [alert({ id: 'b', at: 5, rule: 'R', host: 'h' })]);
    expect(out.results[0]).toMatchObject({ repeat: true, repeatCount: 1 });
    expect(out.changes[0]!.incident).toMatchObject({ alert_count: 2, unique_alert_count: 1 });
  });
});
