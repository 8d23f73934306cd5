import type { Kafka } from 'kafkajs';
import type { Config } from '../config';
import type { DocumentStore } from '../core/ports/store';
import type { MessageProducer } from '../core/ports/messaging';
import type { Logger } from '../logger';
import type { ClosableLlm } from '../adapters/llm/create-llm';
import type { ServeMetrics } from './http-metrics';

/** What the stages share: one Kafka client, one producer, one store. */
export interface ServeContext {
  config: Config;
  logger: Logger;
  kafka: Kafka;
  producer: MessageProducer;
  store: DocumentStore;
  /** Aborted on shutdown (or when a consumer dies for good). */
  signal: AbortSignal;
  fail: (error: Error) => void;
  /** /metrics: the stages' counters are attached to it, the store and the LLM instrumented by it. */
  metrics: ServeMetrics;
  /** The LLM to use instead of the configured one (tests: a scripted model). */
  llm?: ClosableLlm | undefined;
  /** Called once the agent stage's model is loaded (readiness). */
  onModelLoaded?: () => void;
}

