import { err, ok } from '../../result';
import { buildAlert, contentId, missingTimestamp, type Normalizer } from '../draft';
import { parseEndpoint } from '../endpoint';
import { severityFromPriority } from '../severity';
import { toIsoTimestamp } from '../timestamp';

/**
 * Snort alert lines, two shapes:
 * - the digital twin's gateway log (Gao, Hammar, Li, ESORICS 2026):
 *   `2026-06-10 13:10:51,405 [    INFO] Alert: [pri=2 cls=Attempted Information Leak] {ICMP} a -> b [1:1000001:2] msg`
 *   with the time in UTC, written without an offset;
 * - classic fast-alert lines (Snort `-A fast`, and Suricata's fast.log which copies the format):
 *   `03/04/2020-13:55:05.224939  [**] [1:2221028:1] msg [**] [Classification: x] [Priority: 3] {TCP} a:p -> b:p`.
 *   Snort writes the year only with `-y`; a line without one has no usable time and is rejected as invalid.
 *
 * - `event.id`: lines carry no id, so it is the content hash of the line: a redelivery maps to the same alert,
 *   and two identical lines (same millisecond, same flow) count as one.
 * - `event.severity`: the priority, 1 (high) … 4 → 73 / 47 / 21 / 10.
 */
export const normalizeSnort: Normalizer = (input) => {
  if (input.line === undefined) return err(['snort alerts are text lines; this message is a JSON document']);
  const parsed = parseSnortLine(input.line);
  if (parsed === undefined) return err(['not a Snort alert line (neither the digital-twin nor the fast-alert shape)']);
  if (parsed.time === undefined) {
    return err(['@timestamp: the line has no date with a year (Snort writes one only when run with -y)']);
  }
  const timestamp = toIsoTimestamp(parsed.time);
  if (timestamp === undefined) return missingTimestamp('the line prefix', parsed.time);
  const source = parseEndpoint(parsed.source);
  const destination = parseEndpoint(parsed.destination);
  return ok(
    buildAlert('snort', input.raw, {
      timestamp,
      eventId: contentId(input.line),
      severity: severityFromPriority(parsed.priority),
      message: parsed.message,
      dataset: 'snort.alert',
      rule: { id: parsed.sid, name: parsed.message || undefined, category: parsed.classification },
      host: {},
      source: { ip: source?.ip, port: source?.port },
      destination: { ip: destination?.ip, port: destination?.port },
      user: {},
      network: { transport: parsed.protocol.toLowerCase() },
      observer: parsed.shape === 'digital-twin' ? { vendor: 'Cisco', product: 'Snort' } : undefined,
      threat: { tactic: { id: [], name: [] }, technique: { id: [], name: [] } },
    }),
  );
};

export interface SnortLine {
  shape: 'digital-twin' | 'fast-alert';
  /** The time as written, converted to ISO form where needed; undefined when the line has none. */
  time: string | undefined;
  priority: number;
  classification: string | undefined;
  protocol: string;
  source: string;
  destination: string;
  sid: string;
  message: string;
}

// Each group is delimited by a character it cannot contain, and the free-text message after the rule id is taken
// by slicing, not matched: `\] *(.*)$` was quadratic on a run of spaces followed by a character `.` refuses
// (a line terminator), because every split of the run between ` *` and `.*` was tried (issue 9: 28 s).
const DIGITAL_TWIN =
  /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:[,.]\d{1,9})?) +\[ *[A-Z]+\] +Alert: +\[pri=(\d{1,3}) cls=([^\]]*)\] +\{(\w+)\} +(\S+) +-> +(\S+) +\[\d+:(\d+):\d+\]/;
const FAST_HEADER = /^\[\d+:(\d+):\d+\] /;
const FAST_TAIL =
  /^ *(?:\[Classification: ([^\]]*)\] *)?\[Priority: (\d{1,3})\] *\{(\w+)\} +(\S+) +-> +(\S+) *$/;
const FAST_TIME = /^(\d{2})\/(\d{2})(?:\/(\d{2}|\d{4}))?-(\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)$/;
const FAST_OPEN = '[**] ';
const FAST_CLOSE = ' [**]';

export function parseSnortLine(line: string): SnortLine | undefined {
  const twin = DIGITAL_TWIN.exec(line);
  if (twin !== null) {
    const [head, time, priority, classification, protocol, source, destination, sid] = twin;
    return {
      shape: 'digital-twin',
      time,
      priority: Number(priority),
      classification: classification || undefined,
      protocol: protocol ?? '',
      source: source ?? '',
      destination: destination ?? '',
      sid: sid ?? '',
      message: line.slice(head.length).trim(),
    };
  }
  return parseFastAlert(line);
}

// Split on the `[**]` markers instead of one big regex: the message is free text that a lazy quantifier would
// have to scan repeatedly. The message ends at the last marker, since the tail after it never contains one.
function parseFastAlert(line: string): SnortLine | undefined {
  const open = line.indexOf(FAST_OPEN);
  const close = line.lastIndexOf(FAST_CLOSE);
  if (open < 0 || close <= open) return undefined;
  const body = line.slice(open + FAST_OPEN.length, close);
  const header = FAST_HEADER.exec(body);
  const tail = FAST_TAIL.exec(line.slice(close + FAST_CLOSE.length));
  if (header === null || tail === null) return undefined;
  const [, classification, priority, protocol, source, destination] = tail;
  return {
    shape: 'fast-alert',
    time: fastAlertTime(line.slice(0, open).trim()),
    priority: Number(priority),
    classification: classification === undefined || classification === '(null)' ? undefined : classification,
    protocol: protocol ?? '',
    source: source ?? '',
    destination: destination ?? '',
    sid: header[1] ?? '',
    message: body.slice(header[0].length).trim(),
  };
}

// `MM/DD/YYYY-hh:mm:ss.ffffff` (Suricata, Snort -y with a 2-digit year); without a year there is no time.
function fastAlertTime(text: string): string | undefined {
  const match = FAST_TIME.exec(text);
  if (match === null) return undefined;
  const [, month, day, year, clock] = match;
  if (year === undefined) return undefined;
  return `${year.length === 2 ? `20${year}` : year}-${month}-${day}T${clock}`;
}
