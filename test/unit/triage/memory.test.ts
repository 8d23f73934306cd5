import { createTriageState, triageBatch } from '../../../src/core/triage';
import { estimateTriageBytes } from '../../../src/core/triage/state';
import { BASE_MS, HOUR, alert } from './helpers';

describe('memory bounded in bytes', () => {
  it('10,000 incidents with large entity sets stay under the byte budget; the idlest go first', () => {
    const budget = 8 * 1024 * 1024;
    // A count bound that would never bite: only the byte budget limits memory here.
    const state = createTriageState({ windowMs: 24 * HOUR, maxTrackedIncidents: 1_000_000, maxMemoryBytes: budget });
    const template = alert({ id: 't', at: 0 });
    const pad = 'x'.repeat(200);
    let peak = 0;
    let firstId = '';
    let lastId = '';
    for (let b = 0; b < 100; b++) {
      const batch = Array.from({ length: 100 }, (_, i) => {
        const n = b * 100 + i;
        return {
          ...template,
          '@timestamp': new Date(BASE_MS + n * 1000).toISOString(),
          event: { ...template.event, id: `e${n}` },
          host: { name: `host-${n}-${pad}`, ip: Array.from({ length: 32 }, (_, k) => `10.${n >> 8 & 255}.${n & 255}.${k + 1}`) },
          user: { name: `user-${n}-${pad}` },
          ira: { ...template.ira, alert_id: `a${n}` },
        };
      });
      const out = triageBatch(state, batch);
      if (b === 0) firstId = out.results[0]!.incidentId;
      lastId = out.results.at(-1)!.incidentId;
      peak = Math.max(peak, estimateTriageBytes(state));
    }
    expect(peak).toBeLessThanOrEqual(budget);
    const internals = state as unknown as { open: Map<string, unknown> };
    // Eviction took the oldest (idle) incidents and kept the newest.
    expect(internals.open.has(firstId)).toBe(false);
    expect(internals.open.has(lastId)).toBe(true);
    expect(internals.open.size).toBeGreaterThan(100);
    expect(internals.open.size).toBeLessThan(10_000);
  });

  it('the estimate grows with the size of what is held (not just the count)', () => {
    const small = createTriageState({ windowMs: HOUR });
    const large = createTriageState({ windowMs: HOUR });
    triageBatch(small, [alert({ id: 'a', at: 0, host: 'h' })]);
    triageBatch(large, [alert({ id: 'a', at: 0, host: 'h'.repeat(5000), hostIp: ['10.0.0.1', '10.0.0.2', '10.0.0.3'] })]);
    expect(estimateTriageBytes(large)).toBeGreaterThan(estimateTriageBytes(small) + 10_000);
  });
});
