import { AgentState, initialAgentState, type StepOutcome } from '../../core/agent';
import type { TriageView } from '../../core/agent/types';
import { NormalizedAlert } from '../../core/alert/schema';
import type { DocumentStore, IndexNames, StoredDocument, WriteOperation } from '../../core/ports/store';
import { ErrorCodes, IraError } from '../../errors';
import {
  asDocument,
  conjectureDocument,
  conjectureId,
  incidentAgentFields,
  previousRecommendationId,
  recommendationDocument,
  recommendationId,
  storedAgentState,
} from '../../core/documents/agent-documents';
import { seenElasticAlertUuids } from '../../core/documents/alert-uuids';
import { supersedeWrite } from '../../core/documents/recommendation-status';

/**
 * Stage 2's view of Elasticsearch: the agent state lives in the incident document (the agent fields, written only
 * by stage 2), beside the triage fields stage 1 keeps updating with partial updates that never name an agent field.
 * A restarted process resumes every incident from there.
 *
 * The agent's write is guarded by its own step counter (`agent_step`, `agent_event_version`), not by the whole
 * document's seq_no: stage 1 bumps the seq_no whenever an alert joins, and a step takes minutes, so a seq_no read
 * before the step would conflict for ever on a busy incident (the step re-run, its model calls wasted, nothing saved).
 */
export interface IncidentAgentSnapshot {
  readonly incidentId: string;
  readonly state: AgentState;
  /** Highest incident-event version already folded into a step; redelivered events at or below it are skipped. */
  readonly eventVersion: number;
  /** Feedback ids already given to a step (`agent_feedback_ids`); a redelivered feedback event is not applied twice. */
  readonly feedbackIds: readonly string[];
  /** Closed by an analyst (`ira.closed`, a false positive): stage 2 steps it no more. */
  readonly closed: boolean;
  /** The stored `agent_step` as read (undefined before the first step): the agent's own compare-and-set token. */
  readonly agentStep?: number | undefined;
  readonly seqNo: number;
  readonly primaryTerm: number;
  /** Stage 1's score and tactics of the incident, for the agent's disagreement guard; absent when not stored. */
  readonly triage?: TriageView;
}

function triageField(source: Record<string, unknown>): { triage?: TriageView } {
  const { score, tactics } = source;
  if (typeof score !== 'number') return {};
  return { triage: { score, tactics: Array.isArray(tactics) ? tactics.filter((tactic): tactic is string => typeof tactic === 'string') : [] } };
}

export async function loadIncidentAgent(
  store: DocumentStore,
  indices: IndexNames,
  incidentId: string,
  signal: AbortSignal,
): Promise<IncidentAgentSnapshot> {
  const stored: StoredDocument | undefined = await store.get(indices.incidents, incidentId, signal);
  if (!stored) {
    // Stage 1 writes the incident before it produces the event, so a miss means the write is not visible yet.
    // After IRA_AGENT_MAX_ATTEMPTS the stage dead-letters it (stage 1's write may have been refused for good).
    throw notFound(incidentId, indices.incidents);
  }
  const parsed = AgentState.safeParse(storedAgentState(stored.source));
  const version = stored.source['agent_event_version'];
  return {
    incidentId,
    state: parsed.success ? parsed.data : initialAgentState(incidentId),
    eventVersion: typeof version === 'number' ? version : -1,
    agentStep: agentStepOf(stored),
    feedbackIds: stringList(stored.source['agent_feedback_ids']),
    closed: isClosed(stored.source['ira']),
    seqNo: stored.seqNo,
    primaryTerm: stored.primaryTerm,
    ...triageField(stored.source),
  };
}

function notFound(incidentId: string, index: string): IraError {
  return new IraError(ErrorCodes.storeUnavailable, `incident ${incidentId} not found in ${index}`, { retryable: true, details: { notFound: true } });
}

/** The incident document is missing: not visible yet (a refresh away), or stage 1's write was refused. */
export function isIncidentNotFound(error: unknown): boolean {
  return IraError.isInstance(error) && error.details['notFound'] === true;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function isClosed(ira: unknown): boolean {
  return ira !== null && typeof ira === 'object' && 'closed' in ira && ira.closed !== null && typeof ira.closed === 'object';
}

/** Feedback ids kept per incident for de-duplication (feedback is rare; the newest ones are the ones redelivered). */
const MAX_FEEDBACK_IDS = 200;

/** The alerts an incident's events name, oldest first; falls back to the incident's latest alerts when truncated. */
export async function loadStepAlerts(
  store: DocumentStore,
  indices: IndexNames,
  request: { incidentId: string; alertIds: readonly string[]; truncated: boolean; limit: number },
  signal: AbortSignal,
): Promise<NormalizedAlert[]> {
  const byIds = !request.truncated && request.alertIds.length > 0;
  // Stage 1's bulk writes become searchable at the next refresh; the event may be younger than that. One refresh
  // per step is cheap beside the step's LLM calls, and the step then sees every alert its event names.
  await store.refresh(indices.alerts, signal);
  const result = await store.search(
    {
      index: indices.alerts,
      filters: byIds
        ? [{ kind: 'terms', field: 'ira.alert_id', values: request.alertIds.slice(-request.limit) }]
        : [{ kind: 'term', field: 'incident.id', value: request.incidentId }],
      sort: [{ field: '@timestamp', order: 'desc' }],
      size: request.limit,
    },
    signal,
  );
  const alerts: NormalizedAlert[] = [];
  for (const hit of result.hits) {
    const parsed = NormalizedAlert.safeParse(hit.source);
    if (parsed.success) alerts.push(parsed.data);
  }
  return alerts.reverse();
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

function agentStepOf(stored: StoredDocument): number | undefined {
  const step = stored.source['agent_step'];
  return typeof step === 'number' ? step : undefined;
}

/** Rounds of read-then-conditional-write: each conflict is a stage-1 write within the few ms between the two. */
const SAVE_ROUNDS = 20;

/**
 * Writes one step: the recommendation and conjecture documents first (deterministic ids, so a rerun after a crash
 * overwrites rather than duplicates), then the incident's agent fields as a partial update.
 * Returns 'conflict' only when another agent writer saved a step of this incident since the snapshot was read
 * (its `agent_step` or `agent_event_version` moved); stage 1's updates of the triage fields never make it conflict.
 */
export async function saveStepOutcome(
  store: DocumentStore,
  indices: IndexNames,
  snapshot: IncidentAgentSnapshot,
  outcome: StepOutcome,
  eventVersion: number,
  signal: AbortSignal,
  appliedFeedbackIds: readonly string[] = [],
): Promise<'saved' | 'conflict'> {
  const { incidentId } = snapshot;
  // Checked before the documents too, so a step that lost a race does not overwrite the winner's recommendation.
  const before = await store.get(indices.incidents, incidentId, signal);
  if (before === undefined) throw notFound(incidentId, indices.incidents);
  if (movedOn(before, snapshot)) return 'conflict';
  const { step, createdAt } = outcome.recommendation;
  const alertUuids = await seenElasticAlertUuids(store, indices, outcome.state, signal);
  // The previous recommendation is superseded in the same bulk, unless an analyst already answered it.
  const previousId = previousRecommendationId(incidentId, step);
  const previous = previousId === undefined ? undefined : await store.get(indices.recommendations, previousId, signal);
  const supersede = supersedeWrite(indices.recommendations, previous, recommendationId(incidentId, step), createdAt);
  const documents: WriteOperation[] = [
    {
      op: 'index',
      index: indices.recommendations,
      id: recommendationId(incidentId, step),
      document: asDocument(recommendationDocument(outcome.recommendation, { state: outcome.state, triage: snapshot.triage, alertUuids })),
    },
    ...(supersede === undefined ? [] : [supersede]),
    ...outcome.revisions.map(
      (revision): WriteOperation => ({
        op: 'index',
        index: indices.conjectures,
        id: conjectureId(incidentId, revision.version),
        document: asDocument(conjectureDocument(revision)),
      }),
    ),
  ];
  const written = await store.bulk(documents, signal);
  const refused = written.find((item) => item.status === 'rejected');
  if (refused) {
    throw new IraError(ErrorCodes.storeRejected, `agent document ${refused.id} refused by the store`, { details: { ...refused } });
  }
  return updateIncident(store, indices, snapshot, outcome, eventVersion, signal, appliedFeedbackIds);
}

async function updateIncident(
  store: DocumentStore,
  indices: IndexNames,
  snapshot: IncidentAgentSnapshot,
  outcome: StepOutcome,
  eventVersion: number,
  signal: AbortSignal,
  appliedFeedbackIds: readonly string[],
): Promise<'saved' | 'conflict'> {
  const feedbackIds = appliedFeedbackIds.length === 0 ? {} : { agent_feedback_ids: [...snapshot.feedbackIds, ...appliedFeedbackIds].slice(-MAX_FEEDBACK_IDS) };
  const fields = { ...incidentAgentFields(outcome.state, outcome.recommendation, outcome.revisions), agent_event_version: eventVersion, ...feedbackIds };
  for (let round = 0; round < SAVE_ROUNDS; round++) {
    // Compare-and-set on the agent's own counter: read the current seq_no, check that no agent writer moved on,
    // write pinned to that seq_no. A conflict now is stage 1 writing in between: read again, never re-run the step.
    const current = await store.get(indices.incidents, snapshot.incidentId, signal);
    if (current === undefined) throw notFound(snapshot.incidentId, indices.incidents);
    if (movedOn(current, snapshot)) return 'conflict';
    const [result] = await store.bulk(
      [
        {
          op: 'update',
          index: indices.incidents,
          id: snapshot.incidentId,
          doc: asDocument(fields),
          upsert: false,
          condition: { seqNo: current.seqNo, primaryTerm: current.primaryTerm },
        },
      ],
      signal,
    );
    if (result?.status === 'written' || result?.status === 'noop') return 'saved';
    if (result?.status !== 'conflict') {
      throw new IraError(ErrorCodes.storeRejected, `incident ${snapshot.incidentId} agent update failed: ${JSON.stringify(result)}`);
    }
  }
  throw new IraError(ErrorCodes.storeConflict, `incident ${snapshot.incidentId}: ${SAVE_ROUNDS} stage-1 writes in a row between read and write`, {
    retryable: true,
  });
}

/** Another agent writer saved a step since the snapshot (stage 1 never writes these two fields). */
function movedOn(current: StoredDocument, snapshot: IncidentAgentSnapshot): boolean {
  return agentStepOf(current) !== snapshot.agentStep || numberOr(current.source['agent_event_version'], -1) !== snapshot.eventVersion;
}
