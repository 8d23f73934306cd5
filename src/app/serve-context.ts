import type { Kafka } from 'kafkajs';
import type { Config } from '../config';
import type { DocumentStore } from '../core/ports/store';
import type { MessageProducer } from '../core/ports/messaging';
import type { Logger } from '../logger';

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
}

