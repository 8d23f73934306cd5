import { createTriageState, triageBatch } from '../../../src/core/triage';
import { BASE_MS, HOUR, alert, change } from './helpers';

describe('window expiry', () => {
  it('closes an incident on the first batch past last_seen + window, and a later alert opens a new one', () => {
    const state = createTriageState({ windowMs: HOUR });
    const first = triageBatch(state, [alert({ id: 'a', at: 0, host: 'web01' }), alert({ id: 'b', at: 20, host: 'web01', rule: 'R2' })]);
    const id = first.results[0]!.incidentId;

    // Exactly at last_seen + window: still open (idle not longer than the window), nothing reported for it.
    const atEdge = triageBatch(state, [alert({ id: 'c', at: 80, host: 'unrelated' })]);
    expect(atEdge.changes.map((c) => c.incident.id)).not.toContain(id);

    const past = triageBatch(state, [alert({ id: 'd', at: 81, host: 'unrelated2' })]);
    const closed = change(past, id);
    expect(closed.kind).toBe('updated');
    expect(closed.incident).toMatchObject({ status: 'closed', alert_count: 2 });
    expect(closed.incident.last_seen).toBe(new Date(Date.parse(first.results[1]!.alert['@timestamp'])).toISOString());

    const after = triageBatch(state, [alert({ id: 'e', at: 82, host: 'web01' })]);
    expect(after.results[0]!.incidentId).not.toBe(id);
    expect(after.changes[0]!.kind).toBe('opened');
  });

  it('keeps an incident alive while alerts keep coming within the window', () => {
    const state = createTriageState({ windowMs: HOUR });
    const alerts = Array.from({ length: 10 }, (_, i) => alert({ id: `a${i}`, at: i * 50, host: 'web01' }));
    const out = triageBatch(state, alerts);
    expect(new Set(out.results.map((r) => r.incidentId)).size).toBe(1);
    expect(out.changes[0]!.incident.status).toBe('open');
  });

  it('honours a configurable window', () => {
    const state = createTriageState({ windowMs: 5 * 60_000 });
    const out = triageBatch(state, [alert({ id: 'a', at: 0, host: 'h' }), alert({ id: 'b', at: 6, host: 'h' })]);
    expect(out.results[0]!.incidentId).not.toBe(out.results[1]!.incidentId);
    expect(change(out, out.results[0]!.incidentId).incident.status).toBe('closed');
  });

  it('bounds open incidents: past maxTrackedIncidents the least recently touched closes', () => {
    const state = createTriageState({ windowMs: HOUR, maxTrackedIncidents: 3 });
    const out = triageBatch(state, ['a', 'b', 'c', 'd'].map((h, i) => alert({ id: h, at: i, host: h })));
    const statuses = out.results.map((r) => change(out, r.incidentId).incident.status);
    expect(statuses).toEqual(['closed', 'open', 'open', 'open']);
  });

  it('keeps memory flat over a long stream (100k alerts, many hosts, many hours)', () => {
    const state = createTriageState({ windowMs: HOUR });
    const internals = state as unknown as { open: Map<string, unknown>; entities: Map<string, unknown>; signatures: Map<string, unknown> };
    let peak = 0;
    const template = alert({ id: 'template', at: 0 });
    for (let b = 0; b < 200; b++) {
      // 500 alerts per batch, one every 3 seconds over 50 hosts drawn deterministically; hosts rotate every ~4 h.
      // Built from one schema-checked template: parsing 100k alerts through zod would dominate the test.
      const batch = Array.from({ length: 500 }, (_, i) => {
        const n = b * 500 + i;
        return {
          ...template,
          '@timestamp': new Date(BASE_MS + n * 3000).toISOString(),
          rule: { name: `R${n % 13}` },
          host: { name: `h${(n * 7919) % 50}-${Math.floor(n / 5000)}` },
          source: { ip: `10.0.${n % 200}.${(n * 31) % 250}` },
          ira: { ...template.ira, alert_id: `s${n}` },
        };
      });
      triageBatch(state, batch);
      peak = Math.max(peak, internals.entities.size + internals.signatures.size + internals.open.size);
    }
    // One window holds 1,200 alerts; everything tracked is bounded by what one or two windows can hold, not by 100k.
    expect(peak).toBeLessThan(2 * 3 * 1200);
  });
});
