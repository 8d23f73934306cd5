import { runAgentStep, type AgentConfig, type AgentDeps, type StepOutcome } from '../../core/agent';
import type { TriageView } from '../../core/agent/types';
import type { DocumentStore, IndexNames } from '../../core/ports/store';
import { noMetrics, type StageMetrics } from '../../core/ports/metrics';
import { analystFeedbackOf } from '../../core/documents/feedback';
import type { AnalystFeedback } from '../../core/agent/types';
import { linkDeadline } from '../../deadline';
import { exponentialDelay } from '../../retry';
import { describeError } from '../../errors';
import type { Logger } from '../../logger';
import { deadLetterRecord } from '../dead-letter';
import { IncidentEvent } from '../incident-event';
import { persist, type PersistOptions } from '../persist';
import type { BatchHandler, InboundMessage, MessageProducer } from '../../core/ports/messaging';
import { createAgentScheduler, type AgentScheduler, type WorkResult } from './agent-scheduler';
import type { AgentJournal, JournalEntry } from './agent-journal';
import { coalesceEvents, type IncidentWork } from './coalesce';
import { isIncidentNotFound, loadIncidentAgent, loadStepAlerts, saveStepOutcome } from './incident-agent-store';
import { LlmBudget, type LlmBudgetSettings, type StepUsage } from './llm-budget';
import { isLlmUnavailable, llmUnavailableOutcome } from './llm-unavailable';
import { WorkQueue, type QueuedWork } from './work-queue';

export interface AgentStageCounters {
  events: number;
  invalidEvents: number;
  steps: number;
  skipped: number;
  abstentions: number;
  actionsPublished: number;
  conflicts: number;
  /** Events recorded as "not analysed: <reason>" without model calls (low score, closed). */
  notAnalysed: number;
  /** Steps ended as `llm-unavailable` and put back with a backoff. */
  llmUnavailable: number;
  /** Work handed to the stage-2 dead-letter topic after IRA_AGENT_MAX_ATTEMPTS failures. */
  deadLettered: number;
}

export interface AgentEventHandlerOptions {
  store: DocumentStore;
  producer: MessageProducer;
  indices: IndexNames;
  /** Stage 2's durable work list (`<prefix>-agent-queue`). */
  journal: AgentJournal;
  deps: AgentDeps;
  agentConfig: AgentConfig;
  /** Wait until the oldest event of a burst is this old before stepping, so a burst becomes one step. */
  coalesceMs: number;
  maxAlertsPerStep: number;
  /** Steps at once (the LLM budget's concurrency). */
  incidentConcurrency: number;
  stepTimeoutMs: number;
  /** Incidents scored below this (0–100) are recorded as not analysed. */
  minScore: number;
  /** In-memory queue bound (incidents). */
  queueMax: number;
  budget: LlmBudgetSettings;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  deadLetter: { topic: string; sourceTopic: string; maxBytes: number };
  /** Given to every step; the agent keeps it in the incident's state (StepInput.systemDescription). */
  systemDescription?: string | undefined;
  actionsTopic?: string | undefined;
  logger: Logger;
  signal: AbortSignal;
  /** /metrics of `ira serve`: step durations, abstentions by code, queue depth. */
  metrics?: StageMetrics;
  now?: () => number;
  /** The step itself; tests inject a scripted one. */
  runStep?: typeof runAgentStep;
  /** Backoff of journal writes while the store is out (persist). */
  persistRetry?: { baseDelayMs: number; maxDelayMs: number };
}

export interface AgentEventHandler {
  handleBatch: BatchHandler;
  counters: AgentStageCounters;
  scheduler: AgentScheduler;
}

/**
 * Stage 2. The consumer side records each incident's events in the durable work list (`<prefix>-agent-queue`:
 * queued, or "not analysed: <reason>" for low scores and closed incidents), offers the queued work to an in-memory
 * queue ordered by triage score, and commits: an event's offset moves on once its work is done or durably recorded.
 * Workers (agent-scheduler.ts) step the best ready incident within the LLM budget: load the state, run one agent
 * step, write the recommendation, conjectures and state, publish an action, mark the work done. A step that fails
 * IRA_AGENT_MAX_ATTEMPTS times goes to the stage-2 dead-letter topic; an unavailable model ends the step as an
 * `llm-unavailable` abstention and the incident is retried after a backoff.
 */
export function createAgentEventHandler(options: AgentEventHandlerOptions): AgentEventHandler {
  const counters: AgentStageCounters = {
    events: 0,
    invalidEvents: 0,
    steps: 0,
    skipped: 0,
    abstentions: 0,
    actionsPublished: 0,
    conflicts: 0,
    notAnalysed: 0,
    llmUnavailable: 0,
    deadLettered: 0,
  };
  const { logger, journal } = options;
  const metrics = options.metrics ?? noMetrics;
  const now = options.now ?? Date.now;
  const step = options.runStep ?? runAgentStep;
  const llmFailures = new Map<string, number>();
  const persistOptions: PersistOptions = {
    logger,
    signal: options.signal,
    ...(options.persistRetry ?? { baseDelayMs: 250, maxDelayMs: 5000 }),
    onRetry: () => undefined,
  };
  const backoff = (attempt: number): number => exponentialDelay(attempt, { baseDelayMs: options.retryBaseMs, maxDelayMs: options.retryMaxMs });

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

  const notAnalysedReason = (work: IncidentWork): string | undefined => {
    if (work.status === 'closed') return 'not analysed: the incident is closed';
    if (work.score < options.minScore) return `not analysed: triage score ${work.score} is below IRA_AGENT_MIN_SCORE=${options.minScore}`;
    return undefined;
  };

  const handleBatch: BatchHandler = async (batch, control) => {
    const last = batch.messages[batch.messages.length - 1];
    if (!last) return;
    const work = coalesceEvents(parseEvents(batch.messages), options.maxAlertsPerStep);
    const withFeedback = work.filter((item) => item.feedback.length > 0);
    const plain = work.filter((item) => item.feedback.length === 0);
    const decided = plain.map((item) => ({ item, reason: notAnalysedReason(item) }));
    const entries = decided.map(({ item, reason }) => {
      const entry: JournalEntry = { incidentId: item.incidentId, version: item.version, score: item.score, incidentStatus: item.status, ...(reason ? { reason } : {}) };
      return { entry, status: reason ? ('not-analysed' as const) : ('queued' as const) };
    });
    const at = new Date(now()).toISOString();
    // Recorded before the offset moves on: a restart (or a queue that dropped it) finds the work in the store.
    const recorded = await persist('agent-queue', () => journal.record(entries, at, options.signal), control, persistOptions);
    if (!recorded.done) return;
    for (const { item, reason } of decided) {
      if (reason !== undefined) {
        counters.notAnalysed++;
        scheduler.remove(item.incidentId);
        logger.info('agent-not-analysed', { incidentId: item.incidentId, version: item.version, reason });
        continue;
      }
      scheduler.offer({
        incidentId: item.incidentId,
        version: item.version,
        score: item.score,
        alertIds: item.alertIds,
        truncated: item.truncated,
        readyAt: (Number.isFinite(item.oldestEmittedAt) ? item.oldestEmittedAt : now()) + options.coalesceMs,
        notBefore: 0,
        attempts: 0,
      });
    }
    metrics.queueDepth('agent', scheduler.queued());
    // Analyst feedback is rare and is not recorded in the work list: it is stepped here, before the commit.
    for (const item of withFeedback) {
      const done = await persist('agent-feedback-step', () => scheduler.exclusive(item.incidentId, () => feedbackStep(item)), control, persistOptions);
      if (!done.done) return;
    }
    if (!control.isRunning()) return;
    await persist('commit', () => control.commit(last.offset), control, persistOptions);
  };

  const feedbackStep = async (work: IncidentWork): Promise<void> => {
    for (;;) {
      const result = await stepIncident(work);
      if (result.kind === 'done') return;
      if (options.signal.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, Math.min(result.delayMs, 1000)));
    }
  };

  /** One incident's step; `deferred` when the model is unavailable or another agent writer moved the state. */
  const stepIncident = async (work: IncidentWork | QueuedWork): Promise<WorkResult> => {
    const none: StepUsage = { llmCalls: 0, modelMs: 0 };
    const log = logger.child({ incidentId: work.incidentId });
    const snapshot = await loadIncidentAgent(options.store, options.indices, work.incidentId, options.signal);
    const pendingFeedback = 'feedback' in work ? work.feedback : [];
    // Feedback (kind `feedback` events) steps the incident again at the same version; each report applies once.
    const feedback = pendingFeedback.filter((item) => !snapshot.feedbackIds.includes(item.id));
    if (snapshot.closed) {
      counters.skipped++;
      log.debug('agent-step-skipped', { reason: 'closed by an analyst', version: work.version });
      return { kind: 'done', usage: none };
    }
    if (snapshot.eventVersion >= work.version && feedback.length === 0) {
      counters.skipped++;
      log.debug('agent-step-skipped', { reason: 'already processed', version: work.version });
      return { kind: 'done', usage: none };
    }
    const feedbackOnly = feedback.length > 0 && work.alertIds.length === 0 && !work.truncated;
    const alerts = feedbackOnly
      ? []
      : await loadStepAlerts(
          options.store,
          options.indices,
          { incidentId: work.incidentId, alertIds: work.alertIds, truncated: work.truncated, limit: options.maxAlertsPerStep },
          options.signal,
        );
    const startedAt = now();
    let outcome: StepOutcome;
    try {
      outcome = await runStep(snapshot.state, alerts, snapshot.triage, feedback.flatMap((item) => analystFeedbackOf(item) ?? []));
    } catch (error) {
      if (options.signal.aborted || !isLlmUnavailable(error)) throw error;
      return llmUnavailable(work, snapshot, error, now() - startedAt);
    }
    llmFailures.delete(work.incidentId);
    const eventVersion = Math.max(work.version, snapshot.eventVersion);
    const feedbackIds = feedback.map((item) => item.id);
    const saved = await saveStepOutcome(options.store, options.indices, snapshot, outcome, eventVersion, options.signal, feedbackIds);
    const usage: StepUsage = { llmCalls: outcome.recommendation.usage.llmCalls, modelMs: now() - startedAt };
    if (saved === 'conflict') {
      // Another agent writer (a second process after a rebalance) saved a step meanwhile: read again, from its state.
      counters.conflicts++;
      log.info('agent-step-conflict', { version: work.version });
      return { kind: 'deferred', delayMs: 0, usage };
    }
    await publish(outcome);
    counters.steps++;
    const { decision } = outcome.recommendation;
    if (decision.kind === 'abstain') counters.abstentions++;
    metrics.agentStepEnded({ seconds: usage.modelMs / 1000, decision: decision.kind, ...(decision.kind === 'abstain' ? { abstainCode: decision.code } : {}) });
    log.info('agent-step-end', {
      step: outcome.recommendation.step,
      decision: decision.kind,
      llmCalls: outcome.recommendation.usage.llmCalls,
      latencyMs: outcome.recommendation.latencyMs,
    });
    return { kind: 'done', usage };
  };

  const llmUnavailable = async (
    work: IncidentWork | QueuedWork,
    snapshot: Awaited<ReturnType<typeof loadIncidentAgent>>,
    error: unknown,
    latencyMs: number,
  ): Promise<WorkResult> => {
    const failures = (llmFailures.get(work.incidentId) ?? 0) + 1;
    llmFailures.set(work.incidentId, failures);
    const delayMs = backoff(failures);
    const reason = describeError(error);
    counters.llmUnavailable++;
    logger.warn('agent-llm-unavailable', { incidentId: work.incidentId, failures, retryInMs: delayMs, error: reason });
    // One abstention per outage and incident: written like any recommendation, without advancing the event version.
    if (failures === 1) {
      const outcome = llmUnavailableOutcome(snapshot.state, reason, options.deps.llm.model, now(), latencyMs);
      await saveStepOutcome(options.store, options.indices, snapshot, outcome, snapshot.eventVersion, options.signal);
      counters.abstentions++;
      metrics.agentStepEnded({ seconds: latencyMs / 1000, decision: 'abstain', abstainCode: 'llm-unavailable' });
    }
    await journal.defer(work.incidentId, now() + delayMs, failures, reason, options.signal);
    return { kind: 'deferred', delayMs, pauseAll: true, usage: { llmCalls: 0, modelMs: latencyMs } };
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
      return await step(state, input, options.deps, options.agentConfig, deadline.signal);
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

  const deadLetter = async (work: QueuedWork, error: unknown, attempts: number): Promise<void> => {
    const reason = isIncidentNotFound(error) ? 'incident-not-found' : 'step-failed';
    const message = describeError(error);
    const original = Buffer.from(JSON.stringify({ incident_id: work.incidentId, version: work.version, score: work.score, alert_ids: work.alertIds, alert_ids_truncated: work.truncated }));
    const record = deadLetterRecord(
      work.incidentId,
      { topic: options.deadLetter.sourceTopic, partition: -1, offset: '', timestamp: String(now()) },
      original,
      { reason, message },
      options.deadLetter.maxBytes,
      { incident_id: work.incidentId, attempts },
    );
    await options.producer.send(options.deadLetter.topic, [record], options.signal);
    await journal.finish(work.incidentId, work.version, 'dead-lettered', `${reason}: ${message}`, options.signal);
    counters.deadLettered++;
  };

  const scheduler = createAgentScheduler({
    queue: new WorkQueue({ maxEntries: options.queueMax, maxAlertIds: options.maxAlertsPerStep }),
    budget: new LlmBudget(options.budget),
    concurrency: options.incidentConcurrency,
    maxAttempts: options.maxAttempts,
    retryDelayMs: backoff,
    now,
    run: async (work) => {
      const result = await stepIncident(work);
      if (result.kind === 'done') await journal.finish(work.incidentId, work.version, 'done', undefined, options.signal);
      metrics.queueDepth('agent', scheduler.queued());
      return result;
    },
    refill: (limit) => journal.queued(limit, now(), options.signal),
    deadLetter,
    logger,
    signal: options.signal,
  });

  return { handleBatch, counters, scheduler };
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
