import { runAgentStep, type AgentConfig, type AgentDeps, type StepOutcome } from '../../core/agent';
import { runPool } from '../../core/agent/pool';
import type { TriageView } from '../../core/agent/types';
import type { DocumentStore, IndexNames } from '../../core/ports/store';
import { noMetrics, type StageMetrics } from '../../core/ports/metrics';
import { analystFeedbackOf } from '../../core/documents/feedback';
import type { AnalystFeedback } from '../../core/agent/types';
import { sleep } from '../../retry';
import { linkDeadline } from '../../deadline';
import { ErrorCodes, IraError } from '../../errors';
import type { Logger } from '../../logger';
import { IncidentEvent } from '../incident-event';
import type { BatchHandler, InboundMessage, MessageProducer } from '../../core/ports/messaging';
import { coalesceEvents, type IncidentWork } from './coalesce';
import { loadIncidentAgent, loadStepAlerts, saveStepOutcome } from './incident-agent-store';

export interface AgentStageCounters {
  events: number;
  invalidEvents: number;
  steps: number;
  skipped: number;
  abstentions: number;
  actionsPublished: number;
  conflicts: number;
}

export interface AgentEventHandlerOptions {
  store: DocumentStore;
  producer: MessageProducer;
  indices: IndexNames;
  deps: AgentDeps;
  agentConfig: AgentConfig;
  /** Wait until the oldest event of a burst is this old before stepping, so a burst becomes one step. */
  coalesceMs: number;
  maxAlertsPerStep: number;
  incidentConcurrency: number;
  stepTimeoutMs: number;
  /** Given to every step; the agent keeps it in the incident's state (StepInput.systemDescription). */
  systemDescription?: string | undefined;
  actionsTopic?: string | undefined;
  logger: Logger;
  signal: AbortSignal;
  /** /metrics of `ira serve`: step durations, abstentions by code, queue depth. */
  metrics?: StageMetrics;
}

const MAX_CONFLICT_RETRIES = 3;

/**
 * Stage 2: incident events → one agent step per incident (at most one at a time per incident: events are keyed by
 * incident id, so one incident's work lands on one partition) → recommendation, conjectures, incident state →
 * optional action event → commit. Nothing is committed before every write it caused is acknowledged.
 */
export function createAgentEventHandler(options: AgentEventHandlerOptions): { handleBatch: BatchHandler; counters: AgentStageCounters } {
  const counters: AgentStageCounters = { events: 0, invalidEvents: 0, steps: 0, skipped: 0, abstentions: 0, actionsPublished: 0, conflicts: 0 };
  const { logger } = options;
  const metrics = options.metrics ?? noMetrics;

  const parseEvents = (messages: readonly InboundMessage[]): IncidentEvent[] => {
    const events: IncidentEvent[] = [];
    for (const message of messages) {
      counters.events++;
      const parsed = message.value ? safeParseEvent(message.value.toString('utf8')) : undefined;
      if (parsed) events.push(parsed);
      else {
        // Stage 1 is the only producer; a malformed event is a bug, logged with its position, never a reason to stall.
        counters.invalidEvents++;
        logger.error('incident-event-invalid', { topic: message.topic, partition: message.partition, offset: message.offset });
      }
    }
    return events;
  };

  const handleBatch: BatchHandler = async (batch, control) => {
    const last = batch.messages[batch.messages.length - 1];
    if (!last) return;
    const work = coalesceEvents(parseEvents(batch.messages), options.maxAlertsPerStep);
    let waiting = work.length;
    metrics.queueDepth('agent', waiting);
    const oldest = Math.min(...work.map((item) => item.oldestEmittedAt));
    const waitMs = Number.isFinite(oldest) ? options.coalesceMs - (Date.now() - oldest) : 0;
    if (waitMs > 0) await sleep(Math.min(waitMs, options.coalesceMs), options.signal);
    await runPool(
      work.map((item) => async () => {
        await stepIncident(item);
        metrics.queueDepth('agent', --waiting);
      }),
      options.incidentConcurrency,
    );
    if (!control.isRunning()) return;
    await control.commit(last.offset);
  };

  const stepIncident = async (work: IncidentWork): Promise<void> => {
    const log = logger.child({ incidentId: work.incidentId });
    for (let attempt = 0; attempt <= MAX_CONFLICT_RETRIES; attempt++) {
      const snapshot = await loadIncidentAgent(options.store, options.indices, work.incidentId, options.signal);
      // Feedback (kind `feedback` events) steps the incident again at the same version; each report applies once.
      const feedback = work.feedback.filter((item) => !snapshot.feedbackIds.includes(item.id));
      if (snapshot.closed) {
        counters.skipped++;
        log.debug('agent-step-skipped', { reason: 'closed by an analyst', version: work.version });
        return;
      }
      if (snapshot.eventVersion >= work.version && feedback.length === 0) {
        counters.skipped++;
        log.debug('agent-step-skipped', { reason: 'already processed', version: work.version });
        return;
      }
      const feedbackOnly = feedback.length > 0 && work.alertIds.length === 0 && !work.truncated;
      const alerts = feedbackOnly ? [] : await loadStepAlerts(
        options.store,
        options.indices,
        { incidentId: work.incidentId, alertIds: work.alertIds, truncated: work.truncated, limit: options.maxAlertsPerStep },
        options.signal,
      );
      const startedAt = Date.now();
      const outcome = await runStep(snapshot.state, alerts, snapshot.triage, feedback.flatMap((item) => analystFeedbackOf(item) ?? []));
      const eventVersion = Math.max(work.version, snapshot.eventVersion);
      const feedbackIds = feedback.map((item) => item.id);
      const saved = await saveStepOutcome(options.store, options.indices, snapshot, outcome, eventVersion, options.signal, feedbackIds);
      if (saved === 'conflict') {
        // Stage 1 updates the same document (triage fields) at any time; re-read and step again from fresh state.
        counters.conflicts++;
        log.info('agent-step-conflict', { attempt });
        continue;
      }
      await publish(outcome);
      counters.steps++;
      if (outcome.recommendation.decision.kind === 'abstain') counters.abstentions++;
      const { decision } = outcome.recommendation;
      metrics.agentStepEnded({ seconds: (Date.now() - startedAt) / 1000, decision: decision.kind, ...(decision.kind === 'abstain' ? { abstainCode: decision.code } : {}) });
      log.info('agent-step-end', {
        step: outcome.recommendation.step,
        decision: outcome.recommendation.decision.kind,
        llmCalls: outcome.recommendation.usage.llmCalls,
        latencyMs: outcome.recommendation.latencyMs,
      });
      return;
    }
    throw new IraError(ErrorCodes.storeConflict, `incident ${work.incidentId}: agent state kept changing`, { retryable: true });
  };

  const runStep = async (state: Parameters<typeof runAgentStep>[0], alerts: Parameters<typeof runAgentStep>[1]['alerts'], triage?: TriageView, feedback: readonly AnalystFeedback[] = []): Promise<StepOutcome> => {
    // Each step gets its own deadline: composing with the long-lived stage signal via AbortSignal.any leaks on Node 20.
    // A TimeoutError reason tells the step its time budget ran out (it finishes with what it has scored).
    const deadline = linkDeadline(options.signal, options.stepTimeoutMs, () => new DOMException('agent step time budget spent', 'TimeoutError'));
    try {
      const input = {
        alerts,
        ...(options.systemDescription === undefined ? {} : { systemDescription: options.systemDescription }),
        ...(triage === undefined ? {} : { triage }),
        ...(feedback.length === 0 ? {} : { feedback }),
      };
      return await runAgentStep(state, input, options.deps, options.agentConfig, deadline.signal);
    } finally {
      deadline.dispose();
    }
  };

  const publish = async (outcome: StepOutcome): Promise<void> => {
    const { recommendation } = outcome;
    if (!options.actionsTopic || recommendation.decision.kind !== 'act') return;
    await options.producer.send(
      options.actionsTopic,
      [{ key: recommendation.incidentId, value: JSON.stringify({ incident_id: recommendation.incidentId, step: recommendation.step, action: recommendation.decision.action, rationale: recommendation.rationale }) }],
      options.signal,
    );
    counters.actionsPublished++;
  };

  return { handleBatch, counters };
}

function safeParseEvent(text: string): IncidentEvent | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = IncidentEvent.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
