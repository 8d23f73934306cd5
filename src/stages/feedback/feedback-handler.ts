import type { BatchControl, BatchHandler, InboundMessage, MessageProducer } from '../../core/ports/messaging';
import type { Document, DocumentStore, IndexNames, StoredDocument } from '../../core/ports/store';
import { summaryStatusPatch, type RecommendationStatus } from '../../core/documents/recommendation-status';
import type { Logger } from '../../logger';
import { incidentEventMessage, type IncidentEvent } from '../incident-event';
import { persist } from '../persist';
import { feedbackDeadLetter, parseFeedbackRecord, type FeedbackRejection, type ParsedFeedback } from './feedback-message';

/** Running totals of the feedback stage, for logs and /metrics. Mutated only by the handler. */
export interface FeedbackCounters {
  received: number;
  /** Recommendations whose status was updated. */
  applied: number;
  /** Incident events produced so stage 2 steps the incident with the feedback. */
  events: number;
  /** Incidents closed as false positives. */
  closed: number;
  deadLettered: number;
  retries: number;
}

export interface FeedbackHandlerOptions {
  store: DocumentStore;
  producer: MessageProducer;
  indices: Pick<IndexNames, 'incidents' | 'recommendations'>;
  topics: { dlq: string; incidentEvents: string };
  logger: Logger;
  signal: AbortSignal;
  now: () => Date;
}

/** The recommendation lifecycle keeps its five states; a false positive rejects the recommendation it is about. */
const recommendationStatus = (status: ParsedFeedback['status']): RecommendationStatus => (status === 'false-positive' ? 'rejected' : status);

/** Rounds of read-then-conditional-write on the incident before the closure is written unconditionally. */
const MAX_ROUNDS = 4;

type Applied = { kind: 'applied' } | { kind: 'rejected'; rejection: FeedbackRejection };

/**
 * Stage 3 of `ira serve`: `ira.feedback` → the recommendation's `ira.status` (and `ira.feedback`), and the incident
 * summary's `latest_recommendation.status` when it names that recommendation → an incident event of kind
 * `feedback` on `ira.incident-events` (key = incident id), so stage 2 steps the incident through its normal path
 * with the feedback attached. `false-positive` closes the incident instead (`status: closed`, `ira.closed`): stage 2
 * steps it no more, and stage 1 closes it in its triage state and never writes it open again. Invalid messages go to
 * `ira.feedback.dlq` with the reason. The batch is committed only after every write and every message it caused is
 * acknowledged; each write is idempotent.
 */
export function createFeedbackHandler(options: FeedbackHandlerOptions): { handleBatch: BatchHandler; counters: FeedbackCounters } {
  const counters: FeedbackCounters = { received: 0, applied: 0, events: 0, closed: 0, deadLettered: 0, retries: 0 };
  const { store, indices, logger, signal } = options;
  const persistOptions = { logger, signal, baseDelayMs: 200, maxDelayMs: 5000, onRetry: () => void counters.retries++ };

  const deadLetter = async (record: InboundMessage, rejection: FeedbackRejection): Promise<void> => {
    await options.producer.send(options.topics.dlq, [feedbackDeadLetter(record, rejection)], signal);
    counters.deadLettered++;
    logger.warn('feedback-rejected', { reason: rejection.reason, detail: rejection.message, partition: record.partition, offset: record.offset });
  };

  const updateRecommendation = async (feedback: ParsedFeedback, receivedAt: string): Promise<Applied> => {
    const { message } = feedback;
    const doc: Document = {
      ira: {
        status: recommendationStatus(feedback.status),
        status_updated_at: receivedAt,
        feedback: {
          id: feedback.id,
          status: feedback.status,
          ...(message.comment === undefined ? {} : { comment: message.comment }),
          ...(message.actor === undefined ? {} : { actor: message.actor }),
          ...(message.source === undefined ? {} : { source: message.source }),
          reported_at: message.reported_at ?? receivedAt,
          received_at: receivedAt,
        },
      },
    };
    const [result] = await store.bulk([{ op: 'update', index: indices.recommendations, id: message.recommendation_id, doc, upsert: false }], signal);
    if (result?.status === 'written' || result?.status === 'noop') return { kind: 'applied' };
    return { kind: 'rejected', rejection: { reason: 'store-rejected', message: `recommendation update refused: ${JSON.stringify(result)}` } };
  };

  /** The incident's change: the closure of a false positive, and the summary's latest recommendation status. */
  const incidentChange = (source: Document, feedback: ParsedFeedback, message: unknown, receivedAt: string): Document | undefined => {
    const patch = summaryStatusPatch(source, feedback.message.recommendation_id, recommendationStatus(feedback.status), message);
    const summary = patch?.['ira'] as Document | undefined;
    if (feedback.status !== 'false-positive') return summary === undefined ? undefined : { ira: summary };
    const { comment, actor } = feedback.message;
    const closed = {
      reason: 'false-positive',
      at: receivedAt,
      recommendation_id: feedback.message.recommendation_id,
      ...(comment === undefined ? {} : { comment }),
      ...(actor === undefined ? {} : { actor }),
    };
    return { status: 'closed', ira: { closed, ...summary } };
  };

  /**
   * Pinned to the seq_no read, so a summary stage 2 rewrote in between (a newer recommendation) is read again rather
   * than overwritten. A false positive's closure must land even if the incident keeps changing: the last round
   * writes it unconditionally.
   */
  const updateIncident = async (feedback: ParsedFeedback, recommendation: StoredDocument, incident: StoredDocument, receivedAt: string): Promise<void> => {
    const message = recommendation.source['message'];
    let current: StoredDocument | undefined = incident;
    for (let round = 0; current !== undefined; round++) {
      const doc = incidentChange(current.source, feedback, message, receivedAt);
      if (doc === undefined) return;
      const last = round + 1 >= MAX_ROUNDS;
      const condition = last ? {} : { condition: { seqNo: current.seqNo, primaryTerm: current.primaryTerm } };
      const [result] = await store.bulk([{ op: 'update', index: indices.incidents, id: feedback.incidentId, doc, upsert: false, ...condition }], signal);
      if (result?.status !== 'conflict' || last) return;
      current = await store.get(indices.incidents, feedback.incidentId, signal);
    }
  };

  const apply = async (record: InboundMessage, feedback: ParsedFeedback): Promise<Applied> => {
    const receivedAt = options.now().toISOString();
    const recommendation = await store.get(indices.recommendations, feedback.message.recommendation_id, signal);
    if (!recommendation) {
      return { kind: 'rejected', rejection: { reason: 'unknown-recommendation', message: `no recommendation ${feedback.message.recommendation_id} in ${indices.recommendations}` } };
    }
    const incident = await store.get(indices.incidents, feedback.incidentId, signal);
    if (!incident) return { kind: 'rejected', rejection: { reason: 'unknown-recommendation', message: `no incident ${feedback.incidentId} in ${indices.incidents}` } };
    const updated = await updateRecommendation(feedback, receivedAt);
    if (updated.kind === 'rejected') return updated;
    counters.applied++;
    await updateIncident(feedback, recommendation, incident, receivedAt);
    if (feedback.status === 'false-positive') {
      counters.closed++;
      logger.info('incident-closed', { incidentId: feedback.incidentId, reason: 'false-positive', recommendationId: feedback.message.recommendation_id });
      return updated;
    }
    await options.producer.send(options.topics.incidentEvents, [incidentEventMessage(feedbackEvent(incident, feedback, receivedAt))], signal);
    counters.events++;
    logger.info('feedback-applied', { incidentId: feedback.incidentId, step: feedback.step, status: feedback.status, feedbackId: feedback.id, offset: record.offset });
    return updated;
  };

  const handleOne = async (record: InboundMessage, control: BatchControl): Promise<boolean> => {
    counters.received++;
    const parsed = parseFeedbackRecord(record);
    const outcome = await persist(
      'feedback',
      async (): Promise<Applied> => {
        const applied = parsed.ok ? await apply(record, parsed.value) : ({ kind: 'rejected', rejection: parsed.rejection } as const);
        if (applied.kind === 'rejected') await deadLetter(record, applied.rejection);
        return applied;
      },
      control,
      persistOptions,
    );
    return outcome.done;
  };

  const handleBatch: BatchHandler = async (batch, control) => {
    for (const record of batch.messages) {
      if (!(await handleOne(record, control))) return;
      await control.commit(record.offset);
    }
  };

  return { handleBatch, counters };
}

function numberField(source: Document, field: string, fallback: number): number {
  const value = source[field];
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** The event stage 2 reads: the incident as stored (no new alerts), with the feedback attached. */
export function feedbackEvent(incident: StoredDocument, feedback: ParsedFeedback, emittedAt: string): IncidentEvent {
  const source = incident.source;
  const status = source['status'];
  return {
    kind: 'feedback',
    incident_id: feedback.incidentId,
    version: numberField(source, 'version', 0),
    status: status === 'merged' || status === 'closed' ? status : 'open',
    alert_ids: [],
    alert_ids_truncated: false,
    alert_count: numberField(source, 'alert_count', 0),
    unique_alert_count: numberField(source, 'unique_alert_count', 0),
    score: numberField(source, 'score', 0),
    max_severity: numberField(source, 'max_severity', 0),
    last_seen: typeof source['last_seen'] === 'string' ? source['last_seen'] : emittedAt,
    emitted_at: emittedAt,
    feedback: [
      {
        id: feedback.id,
        recommendation_id: feedback.message.recommendation_id,
        step: feedback.step,
        status: feedback.status,
        ...(feedback.message.comment === undefined ? {} : { comment: feedback.message.comment }),
      },
    ],
  };
}
