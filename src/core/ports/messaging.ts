/**
 * What the pipeline needs from a message broker, as plain data. The Kafka adapter (`src/adapters/kafka/`)
 * implements these with kafkajs; tests of the pipeline logic can drive them with arrays.
 */
export interface InboundMessage {
  topic: string;
  partition: number;
  /** Kafka offsets are 64-bit: kept as the decimal string the broker gives. */
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  /** Broker or producer time, milliseconds since the epoch as a decimal string. */
  timestamp: string;
}

export interface InboundBatch {
  topic: string;
  partition: number;
  messages: InboundMessage[];
}

/** The consumer keeps its group membership alive while a handler runs (a store outage can take minutes). */
export interface BatchControl {
  /** False once the consumer is stopping or the partition was taken away: abandon the batch without committing. */
  isRunning(): boolean;
  /** Stops fetching this batch's partition; the returned function resumes it. */
  pause(): () => void;
  /** Commits progress: every message of the batch up to and including `offset` is done. */
  commit(offset: string): Promise<void>;
}

export type BatchHandler = (batch: InboundBatch, control: BatchControl) => Promise<void>;

export interface MessageConsumer {
  /** Joins the group and hands batches to `handler` until `stop()`; resolves once consuming has started. */
  run(handler: BatchHandler): Promise<void>;
  stop(): Promise<void>;
}

export interface OutboundMessage {
  key: string | Buffer | null;
  value: string | Buffer;
  headers?: Record<string, string>;
}

export interface MessageProducer {
  /** Resolves once every message is acknowledged by all in-sync replicas. */
  send(topic: string, messages: readonly OutboundMessage[], signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}
