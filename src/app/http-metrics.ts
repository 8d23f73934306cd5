import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { LlmPort, LlmRequest, LlmResult } from '../core/ports/llm';
import type { StageMetrics } from '../core/ports/metrics';
import type { DocumentStore } from '../core/ports/store';
import type { AgentStageCounters } from '../stages/agent/agent-event-handler';
import type { FeedbackCounters } from '../stages/feedback/feedback-handler';
import type { TriageCounters } from '../stages/triage/counters';

/** One consumer group's lag per partition: the topic's end offset minus the group's committed offset. */
export interface PartitionLag {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly lag: number;
}

/**
 * The Prometheus registry of `ira serve` (prom-client): running totals read from the stages' counters at scrape
 * time, histograms and labelled counts fed through the StageMetrics port, the store (bulk latency) and the LLM
 * (calls, tokens) wrapped here, consumer lag from a reader the composition root gives. Names follow Prometheus
 * conventions: `ira_` prefix, `_total` for counters, base units (seconds).
 */
export interface ServeMetrics extends StageMetrics {
  readonly registry: Registry;
  attachTriage(counters: Readonly<TriageCounters>): void;
  attachAgent(counters: Readonly<AgentStageCounters>): void;
  attachFeedback(counters: Readonly<FeedbackCounters>): void;
  setLagReader(read: () => Promise<readonly PartitionLag[]>): void;
  instrumentStore(store: DocumentStore): DocumentStore;
  instrumentLlm<T extends LlmPort>(llm: T): T;
}

type Sources = {
  triage?: Readonly<TriageCounters>;
  agent?: Readonly<AgentStageCounters>;
  feedback?: Readonly<FeedbackCounters>;
  lag?: () => Promise<readonly PartitionLag[]>;
};

/** A counter whose value is a running total kept elsewhere; read when Prometheus scrapes. */
function totalCounter(registry: Registry, name: string, help: string, labelNames: readonly string[], read: () => [Record<string, string>, number][]): void {
  new Counter({
    name,
    help,
    labelNames: [...labelNames],
    registers: [registry],
    collect() {
      this.reset();
      for (const [labels, value] of read()) this.inc(labels, value);
    },
  });
}

export function createServeMetrics(): ServeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ira_' });
  const sources: Sources = {};
  const triage = (read: (counters: Readonly<TriageCounters>) => number) => (): [Record<string, string>, number][] =>
    sources.triage ? [[{}, read(sources.triage)]] : [];
  const agent = (read: (counters: Readonly<AgentStageCounters>) => number) => (): [Record<string, string>, number][] =>
    sources.agent ? [[{}, read(sources.agent)]] : [];
  const feedback = (read: (counters: Readonly<FeedbackCounters>) => number) => (): [Record<string, string>, number][] =>
    sources.feedback ? [[{}, read(sources.feedback)]] : [];

  totalCounter(registry, 'ira_alerts_consumed_total', 'Messages taken from the alerts topic (redeliveries included).', [], triage((c) => c.consumed));
  totalCounter(registry, 'ira_alerts_indexed_total', 'Alert documents newly written to the alerts index.', [], triage((c) => c.indexed));
  totalCounter(registry, 'ira_alerts_duplicate_total', 'Alerts already indexed (redeliveries): nothing new written.', [], triage((c) => c.duplicates));
  totalCounter(registry, 'ira_incident_events_total', 'Incident events produced by stage 1.', [], triage((c) => c.events));
  totalCounter(registry, 'ira_dead_letters_total', 'Messages sent to a dead-letter topic, by input topic.', ['input'], () => [
    ...(sources.triage ? [[{ input: 'alerts' }, sources.triage.dlq] as [Record<string, string>, number]] : []),
    ...(sources.feedback ? [[{ input: 'feedback' }, sources.feedback.deadLettered] as [Record<string, string>, number]] : []),
  ]);
  totalCounter(registry, 'ira_write_retries_total', 'Write attempts retried after a wait (store or Kafka unavailable), by stage.', ['stage'], () => [
    ...(sources.triage ? [[{ stage: 'triage' }, sources.triage.retries] as [Record<string, string>, number]] : []),
    ...(sources.feedback ? [[{ stage: 'feedback' }, sources.feedback.retries] as [Record<string, string>, number]] : []),
  ]);
  totalCounter(registry, 'ira_agent_events_total', 'Incident events read by stage 2.', [], agent((c) => c.events));
  totalCounter(registry, 'ira_agent_steps_total', 'Agent steps written (recommendations, abstentions included).', [], agent((c) => c.steps));
  totalCounter(registry, 'ira_agent_steps_skipped_total', 'Events already folded into a step (redeliveries) or of closed incidents.', [], agent((c) => c.skipped));
  totalCounter(registry, 'ira_agent_conflicts_total', 'Agent state writes that lost a race and were stepped again.', [], agent((c) => c.conflicts));
  totalCounter(registry, 'ira_feedback_received_total', 'Messages read from the feedback topic.', [], feedback((c) => c.received));
  totalCounter(registry, 'ira_feedback_applied_total', 'Feedback applied to a recommendation.', [], feedback((c) => c.applied));
  totalCounter(registry, 'ira_incidents_closed_total', 'Incidents closed as false positives by feedback.', [], feedback((c) => c.closed));

  const abstentions = new Counter({ name: 'ira_agent_abstentions_total', help: 'Agent steps that abstained, by code.', labelNames: ['code'], registers: [registry] });
  const stepDuration = new Histogram({
    name: 'ira_agent_step_duration_seconds',
    help: 'Wall-clock duration of one agent step (LLM calls included), by decision.',
    labelNames: ['decision'],
    buckets: [0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800],
    registers: [registry],
  });
  const queueDepth = new Gauge({ name: 'ira_queue_depth', help: 'Incidents waiting for a step in the current batch, by stage.', labelNames: ['stage'], registers: [registry] });
  const bulkDuration = new Histogram({
    name: 'ira_store_bulk_duration_seconds',
    help: 'Latency of one bulk request to Elasticsearch/OpenSearch (retries inside the store included), by outcome.',
    labelNames: ['outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const llmCalls = new Counter({ name: 'ira_llm_calls_total', help: 'LLM calls, by purpose and outcome (ok, invalid-answer, error).', labelNames: ['purpose', 'outcome'], registers: [registry] });
  const llmTokens = new Counter({ name: 'ira_llm_tokens_total', help: 'LLM tokens, by kind (prompt, completion).', labelNames: ['kind'], registers: [registry] });
  new Gauge({
    name: 'ira_consumer_lag',
    help: "Messages not yet committed by a consumer group: the partition's end offset minus the group's committed offset.",
    labelNames: ['group', 'topic', 'partition'],
    registers: [registry],
    async collect() {
      if (!sources.lag) return;
      const lags = await sources.lag().catch(() => undefined);
      if (lags === undefined) return; // Kafka unreachable: keep the last values, /readyz says why.
      this.reset();
      for (const item of lags) this.set({ group: item.group, topic: item.topic, partition: String(item.partition) }, item.lag);
    },
  });

  return {
    registry,
    agentStepEnded: (step) => {
      stepDuration.observe({ decision: step.decision }, step.seconds);
      if (step.decision === 'abstain') abstentions.inc({ code: step.abstainCode ?? 'unknown' });
    },
    queueDepth: (stage, depth) => queueDepth.set({ stage }, depth),
    attachTriage: (counters) => void (sources.triage = counters),
    attachAgent: (counters) => void (sources.agent = counters),
    attachFeedback: (counters) => void (sources.feedback = counters),
    setLagReader: (read) => void (sources.lag = read),
    instrumentStore: (store) => ({
      ...bindAll(store),
      bulk: async (operations, signal) => {
        const end = bulkDuration.startTimer();
        try {
          const result = await store.bulk(operations, signal);
          end({ outcome: 'ok' });
          return result;
        } catch (error) {
          end({ outcome: 'error' });
          throw error;
        }
      },
    }),
    instrumentLlm: <T extends LlmPort>(llm: T): T => {
      const complete = async <V>(request: LlmRequest<V>): Promise<LlmResult<V>> => {
        try {
          const result = await llm.complete(request);
          const usage = result.ok ? result.value.usage : result.error.usage;
          llmCalls.inc({ purpose: request.purpose, outcome: result.ok ? 'ok' : 'invalid-answer' });
          llmTokens.inc({ kind: 'prompt' }, usage.promptTokens);
          llmTokens.inc({ kind: 'completion' }, usage.completionTokens);
          return result;
        } catch (error) {
          llmCalls.inc({ purpose: request.purpose, outcome: 'error' });
          throw error;
        }
      };
      return Object.assign(Object.create(llm) as T, { complete });
    },
  };
}

/** The store's methods bound to it, so a wrapper can replace one of them. */
function bindAll(store: DocumentStore): DocumentStore {
  return {
    ensureTemplates: (templates, signal) => store.ensureTemplates(templates, signal),
    bulk: (operations, signal) => store.bulk(operations, signal),
    get: (index, id, signal) => store.get(index, id, signal),
    search: (request, signal) => store.search(request, signal),
    refresh: (index, signal) => store.refresh(index, signal),
    close: () => store.close(),
  };
}
