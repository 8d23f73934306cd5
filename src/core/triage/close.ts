import type { IncidentRecord } from './incident-record';
import { dropOpen, type TriageState } from './state';

/**
 * Applies analysts' closures (a false positive, reported through the feedback stage) to triage state: each incident
 * it holds — open, or closed for idleness but remembered for its case — is closed for good. A closed incident links
 * nothing more (entity lookups skip incidents that are not open), so a later alert about the same entities opens a
 * new incident, and a later alert of its case opens a new incident for the case instead of reopening this one.
 * Nothing is written: the feedback stage already stored the closure. Ids triage does not hold (merged, expired,
 * never seen, already closed this way) are ignored, so applying the same list again is harmless. Returns the ids
 * closed by this call.
 */
export function closeIncidents(state: TriageState, ids: Iterable<string>): string[] {
  const closed: string[] = [];
  const notOpen = new Set<string>();
  for (const id of ids) {
    const record = dropOpen(state, id);
    if (record === undefined) notOpen.add(id);
    else if (closeForGood(record)) closed.push(id);
  }
  if (notOpen.size === 0) return closed;
  for (const record of state.cases.values()) {
    if (notOpen.has(record.id) && closeForGood(record)) closed.push(record.id);
  }
  return closed;
}

function closeForGood(record: IncidentRecord): boolean {
  if (record.closedByAnalyst || record.status === 'merged') return false;
  record.status = 'closed';
  record.closedByAnalyst = true;
  return true;
}
