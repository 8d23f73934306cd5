import { stableHash } from '../hash';
import { err, type Result } from '../result';
import type { JsonRecord } from './get-path';
import { MAX_ALERT_YEAR, MIN_ALERT_YEAR } from './limits';
import type { AlertFormat, NormalizedAlert } from './schema';

/** What a normaliser gets: the verbatim message and, depending on its shape, the parsed object or the text line. */
export interface NormalizerInput {
  /** The message exactly as received; becomes `event.original`. */
  readonly raw: string;
  /** The parsed JSON object, already taken out of a search-hit or es_archiver envelope. */
  readonly record?: JsonRecord | undefined;
  /** The `_id` of that envelope, if there was one. */
  readonly envelopeId?: string | undefined;
  /** For text messages: the line without its line terminator. */
  readonly line?: string | undefined;
}

/**
 * A normaliser maps one source format onto the schema. It returns the candidate alert (validated by the caller
 * with the zod schema) or the human-readable problems that kept it from building one.
 */
export type Normalizer = (input: NormalizerInput) => Result<NormalizedAlert, readonly string[]>;

/** The parts a normaliser decides; `buildAlert` adds what is the same for every format. */
export interface AlertParts extends Omit<NormalizedAlert, 'event' | 'ira' | '@timestamp'> {
  timestamp: string;
  eventId: string;
  severity: number;
  dataset?: string | undefined;
  action?: string | undefined;
  caseId?: string | undefined;
}

export function buildAlert(format: AlertFormat, raw: string, parts: AlertParts): NormalizedAlert {
  const { timestamp, eventId, severity, dataset, action, caseId, ...rest } = parts;
  return {
    '@timestamp': timestamp,
    ...rest,
    event: { kind: 'alert', id: eventId, severity, original: raw, dataset, action },
    ira: { format, alert_id: stableHash(`${format}\u0000${eventId}`), case_id: caseId },
  };
}

/** Sources without an id of their own get a content hash of the exact message, so a redelivery keeps its id. */
export function contentId(raw: string): string {
  return stableHash(raw);
}

/** The rejection for a record whose time cannot be read: it says which field and what it held. */
export function missingTimestamp(field: string, value: unknown): Result<never, readonly string[]> {
  if (value === undefined || value === null) return err([`@timestamp: no timestamp (looked in ${field})`]);
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 64)) : typeof value;
  return err([
    `@timestamp: ${field} holds ${shown}, which is not an ISO-8601 time or an epoch number ` +
      `in the years ${MIN_ALERT_YEAR}–${MAX_ALERT_YEAR}`,
  ]);
}

export function needsRecord(format: AlertFormat): Result<never, readonly string[]> {
  return err([`${format} alerts are JSON objects; this message is a text line`]);
}
