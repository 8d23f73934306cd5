import type { OutboundMessage, InboundMessage } from '../core/ports/messaging';

/** Why a message went to the dead-letter topic: the normaliser's reasons, plus the store refusing the document. */
export type DeadLetterReason = 'unparseable' | 'unknown-format' | 'invalid' | 'empty' | 'store-rejected';

export interface DeadLetter {
  reason: DeadLetterReason;
  message: string;
  issues: string[];
  format: string | null;
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
  /** The original value, byte for byte, so it can be fixed and replayed. */
  original_base64: string;
}

export interface Rejection {
  reason: DeadLetterReason;
  message: string;
  issues?: readonly string[] | undefined;
  format?: string | undefined;
}

/** The DLQ record for one input message: keyed like the original so a replay keeps its partitioning. */
export function deadLetterMessage(source: InboundMessage, rejection: Rejection): OutboundMessage {
  const letter: DeadLetter = {
    reason: rejection.reason,
    message: rejection.message,
    issues: [...(rejection.issues ?? [])],
    format: rejection.format ?? null,
    topic: source.topic,
    partition: source.partition,
    offset: source.offset,
    timestamp: source.timestamp,
    original_base64: (source.value ?? Buffer.alloc(0)).toString('base64'),
  };
  return { key: source.key, value: JSON.stringify(letter), headers: { 'ira-reason': rejection.reason } };
}
