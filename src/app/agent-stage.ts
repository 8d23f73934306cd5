import { readFileSync } from 'node:fs';
import { createKafkaBatchConsumer } from '../adapters/kafka/kafka-batch-consumer';
import { createLlm, type ClosableLlm } from '../adapters/llm/create-llm';
import { loadPromptSet } from '../adapters/prompts/load-prompts';
import type { Stage } from '../stages/stage';
import type { ServeContext } from './serve-context';
import { agentConfigFromSettings } from '../core/agent';
import { withCalibratedGamma } from './calibration-file';
import { agentQueueIndex, indexNames } from '../core/ports/store';
import { ErrorCodes, IraError } from '../errors';
import { createAgentEventHandler, type AgentStageCounters } from '../stages/agent/agent-event-handler';
import { createAgentJournal } from '../stages/agent/agent-journal';

export interface AgentStage extends Stage {
  readonly counters: Readonly<AgentStageCounters>;
}

/** The operator's description of the network, if configured; read once, so a bad path stops startup, not a step. */
function readSystemDescription(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (error) {
    throw new IraError(ErrorCodes.configInvalid, `IRA_AGENT_SYSTEM_DESCRIPTION_FILE: cannot read ${path}`, { cause: error });
  }
  if (text === '') throw new IraError(ErrorCodes.configInvalid, `IRA_AGENT_SYSTEM_DESCRIPTION_FILE: ${path} is empty`);
  return text;
}

/** Stage 2 of `ira serve`: the agent consumer group on `ira.incident-events`. */
export async function startAgentStage(context: ServeContext): Promise<AgentStage> {
  const { config, logger, signal } = context;
  const log = logger.child({ stage: 'agent' });
  const systemDescription = readSystemDescription(config.agent.systemDescriptionFile);
  const prompts = loadPromptSet();
  const llm: ClosableLlm = context.metrics.instrumentLlm(context.llm ?? (await createLlm(config.llm, { logger: log, signal })));
  context.onModelLoaded?.();
  const handler = createAgentEventHandler({
    store: context.store,
    producer: context.producer,
    indices: indexNames(config.store.indexPrefix),
    deps: { llm, prompts, now: () => Date.now(), random: Math.random },
    agentConfig: withCalibratedGamma(config, agentConfigFromSettings(config.agent, config.llm)),
    coalesceMs: config.agent.coalesceMs,
    maxAlertsPerStep: config.agent.maxBatch,
    incidentConcurrency: config.agent.incidentConcurrency,
    stepTimeoutMs: config.agent.stepTimeoutMs,
    journal: createAgentJournal(context.store, agentQueueIndex(config.store.indexPrefix)),
    minScore: config.agent.minScore,
    queueMax: config.agent.queueMax,
    budget: { llmCallsPerHour: config.agent.llmCallsPerHour, modelSecondsPerHour: config.agent.modelSecondsPerHour },
    maxAttempts: config.agent.maxAttempts,
    retryBaseMs: config.agent.retryBaseMs,
    retryMaxMs: config.agent.retryMaxMs,
    deadLetter: { topic: config.kafka.topics.incidentEventsDlq, sourceTopic: config.kafka.topics.incidentEvents, maxBytes: config.kafka.deadLetterMaxBytes },
    systemDescription,
    actionsTopic: config.kafka.publishActions ? config.kafka.topics.actions : undefined,
    logger: log,
    signal,
    metrics: context.metrics,
  });
  const consumer = createKafkaBatchConsumer(
    context.kafka,
    {
      groupId: config.kafka.groups.agent,
      topic: config.kafka.topics.incidentEvents,
      partitionsConsumedConcurrently: 1,
      sessionTimeoutMs: config.kafka.sessionTimeoutMs,
      onFatal: context.fail,
    },
    log.child({ component: 'consumer' }),
  );
  // Workers first: they reload the work recorded as queued before a restart, best score first.
  handler.scheduler.start();
  await consumer.run(handler.handleBatch);
  context.metrics.attachAgent(handler.counters);
  log.info('stage-started', { topic: config.kafka.topics.incidentEvents, group: config.kafka.groups.agent, model: llm.model });
  return {
    name: 'agent',
    counters: handler.counters,
    stop: async () => {
      await consumer.stop();
      // The stage signal is aborted by now (shutdown): steps in flight end, their work stays queued in the store.
      if (signal.aborted) await handler.scheduler.stopped();
      await llm.close();
    },
  };
}
