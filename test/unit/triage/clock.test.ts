import { createTriageState, hydrateTriageState, triageBatch, DEFAULT_TRIAGE_OPTIONS } from '../../../src/core/triage';
import { BASE_MS, HOUR, MINUTE, alert, change } from './helpers';

/** An alert whose @timestamp is `iso`, otherwise like `alert(spec)`. */
function dated(id: string, iso: string, host: string) {
  return { ...alert({ id, at: 0, host }), '@timestamp': iso };
}

const ingestAt = (minutes: number) => BASE_MS + minutes * MINUTE;

describe('poisoned clock', () => {
  it('an alert dated in the year 5138 closes nothing and does not stop time-based closing', () => {
    const state = createTriageState({ windowMs: HOUR });
    const real = triageBatch(state, [alert({ id: 'real', at: 0, host: 'web01' })], [ingestAt(0)]);
    const realId = real.results[0]!.incidentId;

    const poison = triageBatch(state, [dated('poison', '5138-11-16T09:46:40.000Z', 'evil')], [ingestAt(1)]);
    // The real incident is not touched, let alone closed.
    expect(poison.changes.map((c) => c.incident.id)).not.toContain(realId);
    // The alert keeps its own timestamp; the skew is recorded; its incident lives on ingest time.
    const result = poison.results[0]!;
    expect(result.alert['@timestamp']).toBe('5138-11-16T09:46:40.000Z');
    expect(result.clockSkewMs).toBe(Date.parse('5138-11-16T09:46:40.000Z') - ingestAt(1));
    const poisonIncident = change(poison, result.incidentId).incident;
    expect(poisonIncident.last_seen).toBe(new Date(ingestAt(1)).toISOString());

    // The real incident keeps getting alerts ...
    const later = triageBatch(state, [alert({ id: 'real2', at: 30, host: 'web01', rule: 'R2' })], [ingestAt(30)]);
    expect(later.results[0]!.incidentId).toBe(realId);
    expect(change(later, realId).incident.status).toBe('open');
    // ... and time-based closing still works: idle past the window, it closes (and so does the poisoned one).
    const past = triageBatch(state, [alert({ id: 'other', at: 200, host: 'db01' })], [ingestAt(200)]);
    expect(change(past, realId).incident.status).toBe('closed');
    expect(change(past, result.incidentId).incident.status).toBe('closed');
  });

  it('a timestamp far in the past is replaced by ingest time for triage, and the skew recorded', () => {
    const state = createTriageState({ windowMs: HOUR });
    const first = triageBatch(state, [alert({ id: 'a', at: 0, host: 'web01' })], [ingestAt(0)]);
    const old = triageBatch(state, [dated('old', '1970-01-02T00:00:00.000Z', 'web01')], [ingestAt(5)]);
    expect(old.results[0]!.incidentId).toBe(first.results[0]!.incidentId);
    expect(old.results[0]!.clockSkewMs).toBe(Date.parse('1970-01-02T00:00:00.000Z') - ingestAt(5));
  });

  it('skew within the bounds (10 min ahead, 20 h behind) keeps the alert\'s own time and records nothing', () => {
    const state = createTriageState({ windowMs: HOUR });
    const out = triageBatch(
      state,
      [alert({ id: 'a', at: 0, host: 'h' }), alert({ id: 'b', at: 10, host: 'h' })],
      [ingestAt(-10), ingestAt(60 * 20)],
    );
    expect(out.results.map((r) => r.clockSkewMs)).toEqual([undefined, undefined]);
    const incident = change(out, out.results[0]!.incidentId).incident;
    expect(incident.first_seen).toBe(new Date(BASE_MS).toISOString());
    expect(incident.last_seen).toBe(new Date(BASE_MS + 10 * MINUTE).toISOString());
  });

  it('bounds are options with documented defaults (15 min ahead, 7 days behind)', () => {
    expect(DEFAULT_TRIAGE_OPTIONS.maxClockAheadMs).toBe(15 * MINUTE);
    expect(DEFAULT_TRIAGE_OPTIONS.maxClockBehindMs).toBe(7 * 24 * HOUR);
    const state = createTriageState({ windowMs: HOUR, maxClockAheadMs: MINUTE });
    const out = triageBatch(state, [alert({ id: 'a', at: 2, host: 'h' })], ingestAt(0));
    expect(out.results[0]!.clockSkewMs).toBe(2 * MINUTE);
  });

  it('without ingest times, the old call still works (alert time is the clock)', () => {
    const state = createTriageState({ windowMs: HOUR });
    const out = triageBatch(state, [alert({ id: 'a', at: 0, host: 'h' })]);
    expect(out.results[0]!.clockSkewMs).toBeUndefined();
  });
});

describe('poisoned clock across a restart', () => {
  it('a stored incident dated in the future does not stop time-based closing after hydration at ingest time', () => {
    const before = createTriageState({ windowMs: HOUR });
    // Stored by a version without the skew bound: one incident with last_seen in 5138, one real.
    const real = triageBatch(before, [alert({ id: 'real', at: 0, host: 'web01' })]).changes[0]!.incident;
    const poisoned = triageBatch(before, [dated('poison', '5138-11-16T09:46:40.000Z', 'evil')]).changes.find((c) => c.kind === 'opened')!.incident;
    const state = hydrateTriageState({ windowMs: HOUR }, [real, { ...poisoned, status: 'open' }], ingestAt(5));
    const joined = triageBatch(state, [alert({ id: 'real2', at: 10, host: 'web01', rule: 'R2' })], [ingestAt(10)]);
    expect(joined.results[0]!.incidentId).toBe(real.id);
    const past = triageBatch(state, [alert({ id: 'x', at: 200, host: 'db01' })], [ingestAt(200)]);
    expect(change(past, real.id).incident.status).toBe('closed');
    expect(change(past, poisoned.id).incident.status).toBe('closed');
  });
});
