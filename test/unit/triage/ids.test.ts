import { stableHash } from '../../../src/core/hash';
import { createTriageState, triageBatch, type TriageBatchResult } from '../../../src/core/triage';
import { HOUR, alert } from './helpers';

function stream() {
  return Array.from({ length: 60 }, (_, i) =>
    alert({ id: `evt-${i}`, at: i * 7, host: `h${i % 4}`, src: `198.51.100.${i % 9}`, rule: `R${i % 5}`, severity: (i * 13) % 100 }),
  );
}

function replay(batchSize: number): TriageBatchResult[] {
  const state = createTriageState({ windowMs: HOUR });
  const alerts = stream();
  const out: TriageBatchResult[] = [];
  for (let i = 0; i < alerts.length; i += batchSize) out.push(triageBatch(state, alerts.slice(i, i + batchSize)));
  return out;
}

describe('deterministic incident ids', () => {
  it('names an incident after the first alert: inc- + stableHash(alert_id)', () => {
    const first = alert({ id: 'evt-1', at: 0, host: 'h' });
    const out = triageBatch(createTriageState({ windowMs: HOUR }), [first, alert({ id: 'evt-2', at: 1, host: 'h' })]);
    expect(out.results.map((r) => r.incidentId)).toEqual(['inc-' + stableHash(first.ira.alert_id), 'inc-' + stableHash(first.ira.alert_id)]);
  });

  it('a replay of the same stream yields the same ids, scores and incident documents', () => {
    const a = replay(10);
    const b = replay(10);
    expect(b).toEqual(a);
  });

  it('ids and assignment do not depend on how the stream is cut into batches', () => {
    const assign = (batches: TriageBatchResult[]) => batches.flatMap((b) => b.results.map((r) => [r.alert.event.id, r.incidentId, r.score]));
    expect(assign(replay(1))).toEqual(assign(replay(60)));
    expect(assign(replay(7))).toEqual(assign(replay(60)));
  });
});
