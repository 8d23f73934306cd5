import { coalesceEvents } from '../../../src/stages/agent/coalesce';
import type { IncidentEvent } from '../../../src/stages/incident-event';

function event(overrides: Partial<IncidentEvent>): IncidentEvent {
  return {
    kind: 'updated',
    incident_id: 'inc-a',
    version: 1,
    status: 'open',
    alert_ids: [],
    alert_ids_truncated: false,
    alert_count: 1,
    unique_alert_count: 1,
    score: 50,
    max_severity: 47,
    last_seen: '2026-06-10T13:10:51.405Z',
    emitted_at: '2026-06-10T13:10:52.000Z',
    ...overrides,
  };
}

describe('coalesceEvents', () => {
  test('a burst of one incident becomes one unit of work at its highest version, alert ids deduplicated', () => {
    const work = coalesceEvents(
      [
        event({ version: 1, alert_ids: ['a1', 'a2'], emitted_at: '2026-06-10T13:10:53.000Z' }),
        event({ version: 3, alert_ids: ['a2', 'a3'], emitted_at: '2026-06-10T13:10:52.000Z' }),
        event({ version: 2, alert_ids: ['a4'] }),
      ],
      100,
    );
    expect(work).toHaveLength(1);
    expect(work[0]).toMatchObject({ incidentId: 'inc-a', version: 3, alertIds: ['a1', 'a2', 'a3', 'a4'], truncated: false });
    expect(work[0]?.oldestEmittedAt).toBe(Date.parse('2026-06-10T13:10:52.000Z'));
  });

  test('incidents stay apart, and a merged-away incident gets no step of its own', () => {
    const work = coalesceEvents(
      [
        event({ incident_id: 'inc-a', alert_ids: ['a1'] }),
        event({ incident_id: 'inc-b', status: 'merged', merged_into: 'inc-a', alert_ids: ['b1'] }),
        event({ incident_id: 'inc-c', alert_ids: ['c1'] }),
      ],
      100,
    );
    expect(work.map((item) => item.incidentId).sort()).toEqual(['inc-a', 'inc-c']);
  });

  test('more alerts than a step may take keeps the latest ones and marks the work truncated', () => {
    const ids = Array.from({ length: 10 }, (_, index) => `a${index}`);
    const [work] = coalesceEvents([event({ alert_ids: ids })], 4);
    expect(work?.alertIds).toEqual(['a6', 'a7', 'a8', 'a9']);
    expect(work?.truncated).toBe(true);
  });

  test('truncation upstream is carried through', () => {
    const [work] = coalesceEvents([event({ alert_ids: ['a1'], alert_ids_truncated: true })], 4);
    expect(work?.truncated).toBe(true);
  });
});
