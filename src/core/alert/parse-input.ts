import { err, ok, type Result } from '../result';
import { toText } from './fields';
import { isRecord, type JsonRecord } from './get-path';
import { jsonDepthOver, MAX_JSON_DEPTH, MAX_RECORD_BYTES, utf8LengthOver } from './limits';
import type { AlertRejection } from './schema';

/** Bounds for one record; the defaults are the constants of limits.ts. */
export interface InputLimits {
  readonly maxRecordBytes?: number | undefined;
  readonly maxDepth?: number | undefined;
}

/** A message after parsing: one JSON object (out of its envelope) or one text line. */
export type ParsedInput =
  | { readonly kind: 'json'; readonly record: JsonRecord; readonly envelopeId?: string | undefined }
  | { readonly kind: 'text'; readonly line: string };

const BOM = '\uFEFF';
const MAX_ERROR_TEXT = 200;

/**
 * Parses a message once. It is JSON when its first non-blank character opens an object or an array. A message
 * opening with `{` (or `[{`) that does not parse is `unparseable`; one opening with any other `[` is then read as
 * a text line. A parsed array is refused as `unknown-format` (a message carries one alert, and splitting batches
 * is the connector's job). Anything else is a text line: no JSON parse is attempted on it.
 *
 * A record over `maxRecordBytes` (UTF-8) is refused first (`too-large`), and JSON nested deeper than `maxDepth`
 * before it is parsed (`too-deep`): the normalisers' walks are recursive, and nothing deeper reaches them.
 */
export function parseInput(raw: string, limits: InputLimits = {}): Result<ParsedInput, AlertRejection> {
  const maxBytes = limits.maxRecordBytes ?? MAX_RECORD_BYTES;
  if (utf8LengthOver(raw, maxBytes)) {
    return err({ reason: 'unparseable', code: 'too-large', message: `too-large: the record is over ${maxBytes} bytes` });
  }
  const text = raw.startsWith(BOM) ? raw.slice(1) : raw;
  const start = firstNonBlank(text);
  if (start === undefined) return err({ reason: 'unparseable', message: 'empty message' });
  if (start !== '{' && start !== '[') return ok({ kind: 'text', line: stripLineEnd(text) });
  return parseJson(text, start, limits.maxDepth ?? MAX_JSON_DEPTH);
}

/** JSON text parsed only when its nesting is within `maxDepth`; the same test guards every parse of alert text. */
export function parseBoundedJson(text: string, maxDepth: number = MAX_JSON_DEPTH): unknown {
  return jsonDepthOver(text, maxDepth) ? undefined : (JSON.parse(text) as unknown);
}

function parseJson(text: string, start: string, maxDepth: number): Result<ParsedInput, AlertRejection> {
  if (jsonDepthOver(text, maxDepth)) {
    return err({
      reason: 'unparseable',
      code: 'too-deep',
      message: `too-deep: JSON nested deeper than ${maxDepth} levels`,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // Text lines may open with a bracket too (a fast-alert line without its time starts with `[**]`); only
    // `[{` is taken for a broken batch of JSON alerts.
    if (start === '[' && firstNonBlank(text.slice(text.indexOf('[') + 1)) !== '{') {
      return ok({ kind: 'text', line: stripLineEnd(text) });
    }
    const detail = error instanceof Error ? error.message.slice(0, MAX_ERROR_TEXT) : 'syntax error';
    return err({ reason: 'unparseable', message: `invalid JSON: ${detail}` });
  }
  if (!isRecord(parsed)) {
    return err({
      reason: 'unknown-format',
      message: 'a JSON array is not an alert: send one alert object per message',
    });
  }
  return ok(unwrapEnvelope(parsed));
}

/**
 * Alerts read back from an index often arrive in their envelope: a search hit (`{_index, _id, _source}`) or an
 * es_archiver record (`{type: 'doc', value: {index, id, source}}`, how Kibana's test archives hold alerts).
 * The body is what gets detected and normalised; the envelope id is the fallback event id.
 */
function unwrapEnvelope(record: JsonRecord): ParsedInput {
  if (isRecord(record._source)) return { kind: 'json', record: record._source, envelopeId: toText(record._id) };
  const value = record.value;
  if (record.type === 'doc' && isRecord(value) && isRecord(value.source)) {
    return { kind: 'json', record: value.source, envelopeId: toText(value.id) };
  }
  return { kind: 'json', record };
}

function firstNonBlank(text: string): string | undefined {
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char !== ' ' && char !== '\t' && char !== '\n' && char !== '\r') return char;
  }
  return undefined;
}

function stripLineEnd(text: string): string {
  let end = text.length;
  while (end > 0 && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
  return end === text.length ? text : text.slice(0, end);
}
