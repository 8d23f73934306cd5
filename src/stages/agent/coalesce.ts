import type { EventFeedback, IncidentEvent } from '../incident-event';

/** All events of one incident in a batch, folded into the input of one agent step. */
export interface IncidentWork {
  readonly incidentId: string;
  readonly version: number;
  readonly alertIds: string[];
  readonly truncated: boolean;
  readonly oldestEmittedAt: number;
  /** Analyst feedback the events carried (kind `feedback`), oldest first. */
  readonly feedback: readonly EventFeedback[];
  /** Triage score and status of the incident at its newest event (stage 2's priority and skip rules). */
  readonly score: number;
  readonly status: IncidentEvent['status'];
}

/**
 * Groups a batch's events per incident (bursts become one step). A merged-away incident gets no step of its own:
 * its alerts already belong to the survivor, whose own event follows in the same batch or the next.
 */
export function coalesceEvents(events: readonly IncidentEvent[], maxAlerts: number): IncidentWork[] {
  const byIncident = new Map<
    string,
    { version: number; ids: Set<string>; truncated: boolean; oldest: number; feedback: EventFeedback[]; score: number; status: IncidentEvent['status'] }
  >();
  for (const event of events) {
    if (event.status === 'merged') continue;
    const emitted = Date.parse(event.emitted_at);
    const entry = byIncident.get(event.incident_id) ?? {
      version: -1,
      ids: new Set<string>(),
      truncated: false,
      oldest: emitted,
      feedback: [],
      score: event.score,
      status: event.status,
    };
    entry.feedback.push(...(event.feedback ?? []));
    if (event.version >= entry.version) {
      entry.score = event.score;
      entry.status = event.status;
    }
    entry.version = Math.max(entry.version, event.version);
    for (const id of event.alert_ids) entry.ids.add(id);
    entry.truncated ||= event.alert_ids_truncated;
    entry.oldest = Math.min(entry.oldest, Number.isNaN(emitted) ? entry.oldest : emitted);
    byIncident.set(event.incident_id, entry);
  }
  return [...byIncident.entries()].map(([incidentId, entry]) => {
    const ids = [...entry.ids];
    return {
      incidentId,
      version: entry.version,
      alertIds: ids.slice(-maxAlerts),
      truncated: entry.truncated || ids.length > maxAlerts,
      oldestEmittedAt: entry.oldest,
      feedback: entry.feedback,
      score: entry.score,
      status: entry.status,
    };
  });
}
