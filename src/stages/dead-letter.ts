import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AlertRejection } from '../core/alert/schema';
import type { OutboundMessage, InboundMessage } from '../core/ports/messaging';

/**
 * Why a record went to a dead-letter topic. Stage 1 (`ira.alerts.dlq`): the normaliser's reasons, the store refusing
 * an alert (`store-rejected`) or an incident document (`incident-rejected`). Stage 2 (`ira.incident-events.dlq`): an
 * incident that stays missing (`incident-not-found`) or a step that keeps failing (`step-failed`).
 */
export const DeadLetterReasons = [
  'unparseable',
  'unknown-format',
  'invalid',
  'empty',
  'store-rejected',
  'incident-rejected',
  'incident-not-found',
  'step-failed',
] as const;
export type DeadLetterReason = (typeof DeadLetterReasons)[number];

/** Which input bound refused an `unparseable` record (the normaliser's `AlertRejection.code`, limits.ts). */
export const RejectionCodes = ['too-large', 'too-deep'] as const satisfies readonly NonNullable<AlertRejection['code']>[];

export const DeadLetter = z.object({
  reason: z.enum(DeadLetterReasons),
  message: z.string(),
  issues: z.array(z.string()),
  format: z.string().nullable(),
  /** Set when a bound refused the record before it was parsed: `too-large` or `too-deep`. */
  code: z.enum(RejectionCodes).optional(),
  topic: z.string(),
  partition: z.number().int(),
  offset: z.string(),
  timestamp: z.string(),
  /** The original value, byte for byte, so it can be fixed and replayed; only a prefix when `original_truncated`. */
  original_base64: z.string(),
  /** Set when the record had to be cut to fit the broker's limit: the original's size and sha256, and this flag. */
  original_truncated: z.literal(true).optional(),
  original_bytes: z.number().int().nonnegative().optional(),
  original_sha256: z.string().optional(),
  /** Stage 2: the incident and how many times its step was tried. */
  incident_id: z.string().optional(),
  attempts: z.number().int().nonnegative().optional(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;

export interface Rejection {
  reason: DeadLetterReason;
  code?: AlertRejection['code'] | undefined;
  message: string;
  issues?: readonly string[] | undefined;
  format?: string | undefined;
}

/** Where a dead letter's original came from (for stage 2's recovered work there is no message: partition -1). */
export interface DeadLetterOrigin {
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
}

/** The DLQ record for one input message: keyed like the original so a replay keeps its partitioning. */
export function deadLetterMessage(source: InboundMessage, rejection: Rejection, maxBytes: number): OutboundMessage {
  const { topic, partition, offset, timestamp } = source;
  return deadLetterRecord(source.key, { topic, partition, offset, timestamp }, source.value ?? Buffer.alloc(0), rejection, maxBytes);
}

/**
 * A dead-letter record that fits in `maxBytes` (the broker refuses records over its `message.max.bytes`, 1 MB by
 * default, and a refused dead letter would be retried for ever). When the whole record does not fit, it keeps the
 * reason, a cut message and issues, the original's size and sha256, and as long a prefix of the original as fits.
 */
export function deadLetterRecord(
  key: string | Buffer | null,
  origin: DeadLetterOrigin,
  original: Buffer,
  rejection: Rejection,
  maxBytes: number,
  extra: Pick<DeadLetter, 'incident_id' | 'attempts'> = {},
): OutboundMessage {
  const letter: DeadLetter = {
    reason: rejection.reason,
    message: rejection.message,
    issues: [...(rejection.issues ?? [])],
    format: rejection.format ?? null,
    ...(rejection.code === undefined ? {} : { code: rejection.code }),
    ...origin,
    original_base64: original.toString('base64'),
    ...extra,
  };
  const headers = { 'ira-reason': rejection.reason };
  const whole = JSON.stringify(letter);
  if (Buffer.byteLength(whole) <= maxBytes) return { key, value: whole, headers };
  return { key, value: cutLetter(letter, original, maxBytes), headers };
}

const MESSAGE_CHARS = 2000;
const ISSUE_CHARS = 500;
const ISSUES = 20;

function cutLetter(letter: DeadLetter, original: Buffer, maxBytes: number): string {
  const cut: DeadLetter = {
    ...letter,
    message: clip(letter.message, MESSAGE_CHARS),
    issues: letter.issues.slice(0, ISSUES).map((issue) => clip(issue, ISSUE_CHARS)),
    original_base64: '',
    original_truncated: true,
    original_bytes: original.length,
    original_sha256: createHash('sha256').update(original).digest('hex'),
  };
  let skeleton = JSON.stringify(cut);
  if (Buffer.byteLength(skeleton) > maxBytes) {
    // A limit this tight leaves room for the reason and the hash only.
    cut.message = clip(cut.message, 200);
    cut.issues = [];
    skeleton = JSON.stringify(cut);
  }
  // Base64 is ASCII (no JSON escaping): 4 characters per 3 bytes of the prefix.
  const room = Math.max(0, maxBytes - Buffer.byteLength(skeleton));
  const prefixBytes = Math.floor(room / 4) * 3;
  return JSON.stringify({ ...cut, original_base64: original.subarray(0, prefixBytes).toString('base64') });
}

function clip(text: string, chars: number): string {
  return text.length <= chars ? text : `${text.slice(0, chars)}… (${text.length} characters)`;
}
