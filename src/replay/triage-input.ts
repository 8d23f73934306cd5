import type { NormalizedAlert } from '../core/alert/schema';
import type { DocumentStore, IndexNames, WriteOperation } from '../core/ports/store';
import { createTriageState, triageBatch, type Incident, type TriageOptions, type TriagedAlert } from '../core/triage';
import { ErrorCodes, IraError } from '../errors';
import { alertWrites, incidentWrites } from '../stages/triage/triage-writes';

/**
 * Stage 1 offline: triage every alert (the same pure triage as the live pipeline), then write the alert and incident
 * documents with the live pipeline's builders and operations (create by alert id; incident upsert guarded by version).
 */
export interface TriagedIncident {
  readonly incident: Incident;
  readonly alerts: NormalizedAlert[];
}

export function triageAll(alerts: readonly NormalizedAlert[], options: TriageOptions, batchSize: number): { triaged: TriagedAlert[]; incidents: Map<string, Incident> } {
  const state = createTriageState(options);
  const triaged: TriagedAlert[] = [];
  const incidents = new Map<string, Incident>();
  for (let start = 0; start < alerts.length; start += batchSize) {
    const result = triageBatch(state, alerts.slice(start, start + batchSize));
    triaged.push(...result.results);
    for (const change of result.changes) incidents.set(change.incident.id, change.incident);
  }
  return { triaged, incidents };
}

/** Follows `merged_into` links to the surviving incident (a later batch may have merged an earlier one). */
function survivor(id: string, incidents: ReadonlyMap<string, Incident>): string {
  let current = id;
  for (let hops = 0; hops < 64; hops++) {
    const next = incidents.get(current)?.merged_into;
    if (next === undefined) return current;
    current = next;
  }
  return current;
}

/** Incidents worth replaying first: highest score, then most alerts; merged ones never. */
export function groupByIncident(triaged: readonly TriagedAlert[], incidents: ReadonlyMap<string, Incident>): TriagedIncident[] {
  const groups = new Map<string, NormalizedAlert[]>();
  for (const item of triaged) {
    const id = survivor(item.incidentId, incidents);
    groups.set(id, [...(groups.get(id) ?? []), item.alert]);
  }
  return [...groups]
    .flatMap(([id, alerts]) => {
      const incident = incidents.get(id);
      return incident === undefined || incident.status === 'merged' ? [] : [{ incident, alerts }];
    })
    .sort((a, b) => b.incident.score - a.incident.score || b.alerts.length - a.alerts.length || a.incident.id.localeCompare(b.incident.id));
}

export async function writeInChunks(store: DocumentStore, operations: readonly WriteOperation[], signal: AbortSignal, size = 1000): Promise<void> {
  for (let start = 0; start < operations.length; start += size) {
    const outcomes = await store.bulk(operations.slice(start, start + size), signal);
    const rejected = outcomes.find((outcome) => outcome.status === 'rejected');
    if (rejected !== undefined && rejected.status === 'rejected') {
      throw new IraError(ErrorCodes.storeRejected, `store rejected ${rejected.id}: ${rejected.errorType}: ${rejected.reason}`);
    }
  }
}

export async function writeTriage(
  store: DocumentStore,
  indices: IndexNames,
  triaged: readonly TriagedAlert[],
  incidents: ReadonlyMap<string, Incident>,
  ingestedAt: string,
  signal: AbortSignal,
): Promise<void> {
  const alertOps = alertWrites(triaged, indices, ingestedAt);
  const incidentOps = incidentWrites(incidents.values(), indices);
  await writeInChunks(store, alertOps, signal);
  await writeInChunks(store, incidentOps, signal);
}
