import { FeedbackMessage, parseRecommendationId, type FeedbackStatus } from '../../core/documents/feedback';
import { stableHash } from '../../core/hash';
import type { InboundMessage, OutboundMessage } from '../../core/ports/messaging';

/** Why a feedback message went to `ira.feedback.dlq`. */
export type FeedbackRejectionReason = 'unparseable' | 'invalid' | 'unknown-recommendation' | 'store-rejected';

export interface FeedbackRejection {
  readonly reason: FeedbackRejectionReason;
  readonly message: string;
  readonly issues?: readonly string[];
}

/** A valid feedback message with what the stage derives from it. */
export interface ParsedFeedback {
  readonly message: FeedbackMessage;
  readonly id: string;
  readonly incidentId: string;
  readonly step: number;
  readonly status: FeedbackStatus;
}

/** Parses one `ira.feedback` record; an expected failure is a value, sent to the dead letter with its reason. */
export function parseFeedbackRecord(record: InboundMessage): { ok: true; value: ParsedFeedback } | { ok: false; rejection: FeedbackRejection } {
  const text = record.value?.toString('utf8') ?? '';
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, rejection: { reason: 'unparseable', message: `invalid JSON: ${error instanceof Error ? error.message : String(error)}` } };
  }
  const parsed = FeedbackMessage.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(message)'}: ${issue.message}`);
    return { ok: false, rejection: { reason: 'invalid', message: 'not an ira feedback message (docs/feedback.schema.json)', issues } };
  }
  const message = parsed.data;
  const { incidentId, step } = parseRecommendationId(message.recommendation_id);
  // Without an id, the content names the report: a redelivery of the same bytes is the same report.
  const id = message.feedback_id ?? `fb-${stableHash(`${message.recommendation_id}|${message.status}|${message.comment ?? ''}|${message.reported_at ?? text}`)}`;
  return { ok: true, value: { message, id, incidentId, step, status: message.status } };
}

/** The dead-letter record: the reason, the position and the original bytes, keyed like the original. */
export function feedbackDeadLetter(record: InboundMessage, rejection: FeedbackRejection): OutboundMessage {
  const letter = {
    reason: rejection.reason,
    message: rejection.message,
    issues: [...(rejection.issues ?? [])],
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    original_base64: (record.value ?? Buffer.alloc(0)).toString('base64'),
  };
  return { key: record.key, value: JSON.stringify(letter), headers: { 'ira-reason': rejection.reason } };
}
