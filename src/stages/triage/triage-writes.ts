import { alertDocument } from '../../core/documents/alert-document';
import type { Document, DocumentStore, IndexNames, StoredDocument, WriteOperation, WriteOutcome } from '../../core/ports/store';
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

/** Replay's incident writes (a fresh store, no analyst): the whole snapshot, guarded by version. */
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

/** Rounds before an incident whose document keeps changing under us is reported as a conflict. */
const MAX_ROUNDS = 4;

/** An analyst closed it (`ira.closed`, written by the feedback stage): stage 1 never changes its status again. */
export function closedByAnalyst(source: Document): boolean {
  const ira = source['ira'];
  if (ira === null || typeof ira !== 'object') return false;
  const closed = (ira as Record<string, unknown>)['closed'];
  return closed !== null && typeof closed === 'object';
}

function withoutStatus(incident: Incident): Document {
  const { status: _status, merged_into: _mergedInto, ...rest } = incident;
  return rest;
}

/**
 * How an incident is written without ever reopening one an analyst closed:
 * - `open` (the common case): the update leaves `status` out, so it cannot undo a closure the feedback stage wrote
 *   in the meantime; a document that is not there yet is created whole (a create cannot overwrite anything).
 * - `closed` (idle): written whole; closed over closed changes nothing an analyst said.
 * - `merged`, or `open` with a case id (a case reopens its incident): read first; an analyst-closed document keeps
 *   its status, anything else is written whole, pinned to the seq_no read.
 */
type Plan = 'open' | 'closed' | 'checked';

function planOf(incident: Incident): Plan {
  if (incident.status === 'merged' || (incident.status === 'open' && incident.case_id !== undefined)) return 'checked';
  return incident.status;
}

function guardedUpdate(index: string, incident: Incident, doc: Document, upsert: boolean): WriteOperation {
  return { op: 'update', index, id: incident.id, doc, upsert, onlyIfNewer: { field: 'version', value: incident.version } };
}

/** The checked write of one incident against what is stored: an operation, or the outcome when nothing is to do. */
export function checkedWrite(index: string, incident: Incident, stored: StoredDocument | undefined): WriteOperation | WriteOutcome {
  if (stored === undefined) return { op: 'create', index, id: incident.id, document: { ...incident } };
  const version = stored.source['version'];
  if (typeof version === 'number' && version >= incident.version) return { status: 'noop', id: incident.id };
  const doc = closedByAnalyst(stored.source) ? withoutStatus(incident) : { ...incident };
  return { op: 'update', index, id: incident.id, doc, upsert: false, condition: { seqNo: stored.seqNo, primaryTerm: stored.primaryTerm } };
}

async function writeChecked(store: DocumentStore, index: string, incident: Incident, signal: AbortSignal): Promise<WriteOutcome> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const next = checkedWrite(index, incident, await store.get(index, incident.id, signal));
    if ('status' in next) return next;
    const [outcome] = await store.bulk([next], signal);
    // Someone wrote in between (created it first, or moved its seq_no): read again.
    if (outcome !== undefined && outcome.status !== 'exists' && outcome.status !== 'conflict') return outcome;
  }
  return { status: 'conflict', id: incident.id };
}

/**
 * Stage 1's incident writes for the live pipeline: one outcome per incident, in order. Versions guard against older
 * snapshots as in `incidentWrites`; on top of that no write turns an analyst's closure (`ira.closed`) back to open
 * or into a merge (see Plan). Plain updates go in one bulk per round; only merges and case incidents are read first.
 */
export async function writeIncidentDocuments(
  store: DocumentStore,
  incidents: readonly Incident[],
  index: string,
  signal: AbortSignal,
): Promise<WriteOutcome[]> {
  const outcomes = new Array<WriteOutcome | undefined>(incidents.length).fill(undefined);
  let pending = incidents.map((incident, position) => ({ incident, position, create: false })).filter((entry) => planOf(entry.incident) !== 'checked');
  for (let round = 0; round < MAX_ROUNDS && pending.length > 0; round++) {
    const operations = pending.map(({ incident, create }): WriteOperation => {
      if (create) return { op: 'create', index, id: incident.id, document: { ...incident } };
      return incident.status === 'open' ? guardedUpdate(index, incident, withoutStatus(incident), false) : guardedUpdate(index, incident, { ...incident }, true);
    });
    const results = await store.bulk(operations, signal);
    const next: typeof pending = [];
    results.forEach((result, at) => {
      const entry = pending[at] as (typeof pending)[number];
      // not-found: a new incident, created whole next round; exists: created by someone else meanwhile, update it.
      if (result.status === 'not-found') next.push({ ...entry, create: true });
      else if (result.status === 'exists') next.push({ ...entry, create: false });
      else outcomes[entry.position] = result;
    });
    pending = next;
  }
  for (const entry of pending) outcomes[entry.position] = { status: 'conflict', id: entry.incident.id };
  // After the plain writes, so a merge's survivor is stored before the incident that points at it.
  const checked = incidents.map((incident, position) => ({ incident, position })).filter((entry) => planOf(entry.incident) === 'checked');
  await Promise.all(checked.map(async (entry) => (outcomes[entry.position] = await writeChecked(store, index, entry.incident, signal))));
  return outcomes.map((outcome, position) => outcome ?? { status: 'conflict', id: (incidents[position] as Incident).id });
}
