/**
 * Timestamps in, ISO-8601 with an explicit offset out (what the schema and Elasticsearch's `date` type want).
 *
 * Accepted: ISO-8601-like text with `T` or a space between date and time, `.` or `,` before the fraction
 * (Python logging writes `2026-06-10 13:10:51,405`), and an offset written `Z`, `+HH`, `+HHMM` or `+HH:MM`
 * (Wazuh and Suricata write `+0000` / `-0600`, which the strict ISO parsers reject). The source's own offset and
 * fraction digits are kept, only the spelling is normalised. Text without any offset is taken as UTC: the digital
 * twin's Snort log writes UTC without saying so, and a guess at the collector's local zone would be worse.
 * Epoch numbers (or decimal text) are seconds, milliseconds, microseconds or nanoseconds by magnitude.
 * Anything else (syslog `Jan 17 09:44:35` without a year, RFC 2822) is refused: no guessing, the caller reports it.
 *
 * Times are refused, not clamped, outside the years 1970–2200 (as written) and with offsets beyond ±18:00 (the range
 * of java.time, which both Elasticsearch and OpenSearch parse dates with): a far-off date is a broken or hostile
 * clock, and a clamped one would put the alert at a time it never had. The record goes to the dead letters with
 * its original bytes and a reason that names the field and the range.
 */
import { MAX_ALERT_YEAR, MIN_ALERT_YEAR } from './limits';

const MAX_OFFSET_MINUTES = 18 * 60;

// Every group is a fixed-width digit run or a small alternation, so matching is linear: no backtracking trap.
const ISO_LIKE =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?[ ]?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const EPOCH_TEXT = /^\d{1,19}(?:\.\d{1,9})?$/;

export function toIsoTimestamp(value: unknown): string | undefined {
  if (typeof value === 'number') return fromEpoch(value, undefined);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (EPOCH_TEXT.test(text)) return fromEpoch(Number(text), text);
  return fromIsoLike(text);
}

function fromIsoLike(text: string): string | undefined {
  const match = ISO_LIKE.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second = '00', fraction, zone] = match;
  if (!inAlertYears(Number(year))) return undefined;
  if (!isRealDate(Number(year), Number(month), Number(day), Number(hour), Number(minute), Number(second))) {
    return undefined;
  }
  const offset = normaliseOffset(zone);
  if (offset === undefined) return undefined;
  const fractionPart = fraction === undefined ? '' : `.${fraction}`;
  return `${year}-${month}-${day}T${hour}:${minute}:${second}${fractionPart}${offset}`;
}

function normaliseOffset(zone: string | undefined): string | undefined {
  if (zone === undefined || zone === 'Z' || zone === 'z') return 'Z';
  const hours = Number(zone.slice(1, 3));
  const minutes = zone.length > 3 ? Number(zone.slice(-2)) : 0;
  if (minutes > 59 || hours * 60 + minutes > MAX_OFFSET_MINUTES) return undefined;
  return `${zone.slice(0, 3)}:${String(minutes).padStart(2, '0')}`;
}

function isRealDate(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCDate() === day && date.getUTCMonth() === month - 1;
}

// Below 1e11 an epoch is seconds (until the year 5138); each further factor of 1000 is the next unit.
function fromEpoch(epoch: number, text: string | undefined): string | undefined {
  if (!Number.isFinite(epoch) || epoch < 0) return undefined;
  if (epoch < 1e11) return fromEpochSeconds(epoch, text ?? String(epoch));
  const milliseconds = epoch < 1e14 ? epoch : epoch < 1e17 ? epoch / 1e3 : epoch / 1e6;
  const date = new Date(Math.floor(milliseconds));
  return Number.isNaN(date.getTime()) || !inAlertYears(date.getUTCFullYear()) ? undefined : date.toISOString();
}

// Seconds keep their fraction digits as written (Zeek's `ts` has microseconds that a Date would round away).
function fromEpochSeconds(epoch: number, text: string): string | undefined {
  const whole = Math.floor(epoch);
  const date = new Date(whole * 1000);
  if (!inAlertYears(date.getUTCFullYear())) return undefined;
  const iso = date.toISOString();
  const dot = text.indexOf('.');
  const digits = dot >= 0 && !text.includes('e') ? text.slice(dot + 1, dot + 10) : '';
  return digits.length > 0 ? `${iso.slice(0, 19)}.${digits}Z` : iso;
}

export function inAlertYears(year: number): boolean {
  return year >= MIN_ALERT_YEAR && year <= MAX_ALERT_YEAR;
}
