import { alertDocument } from '../../core/documents/alert-document';
import type { IndexNames, WriteOperation } from '../../core/ports/store';
import type { Incident, TriagedAlert } from '../../core/triage';

/**
 * Stage 1's writes, the same for the live pipeline and replay: each alert is created under its own id (a redelivery
 * writes nothing new), each changed incident is upserted only if its version is newer than the stored one.
 */
export function alertWrites(triaged: readonly TriagedAlert[], indices: Pick<IndexNames, 'alerts'>, ingestedAt: string): WriteOperation[] {
  return triaged.map((item) => ({
    op: 'create',
    index: indices.alerts,
    id: item.alert.ira.alert_id,
    document: alertDocument(item, ingestedAt),
  }));
}

export function incidentWrites(incidents: Iterable<Incident>, indices: Pick<IndexNames, 'incidents'>): WriteOperation[] {
  return [...incidents].map((incident) => ({
    op: 'update',
    index: indices.incidents,
    id: incident.id,
    doc: { ...incident },
    upsert: true,
    onlyIfNewer: { field: 'version', value: incident.version },
  }));
}
