import { err, ok } from '../../result';
import { endpointFields } from '../common-fields';
import { buildAlert, contentId, missingTimestamp, type Normalizer } from '../draft';
import { firstPort, firstText, firstValue, toText } from '../fields';
import type { JsonRecord } from '../get-path';
import { emptyThreat } from '../mitre';
import { DEFAULT_SEVERITY, SeverityAnchor } from '../severity';
import { toIsoTimestamp } from '../timestamp';

/**
 * Zeek `notice.log` entries, as JSON (`LogAscii::use_json`, keys like `id.orig_h` written literally) or as one
 * TSV line of the default ASCII writer.
 *
 * - `event.id`: `uid:note`: the connection uid plus the notice type; a connection can raise several notices
 *   but each type once (notice suppression). Notices without a connection (`Scan::*`) hash the message instead.
 * - `event.severity`: notices carry none. Default 47; the notices that report an attack in progress (password
 *   guessing, scans, SQL injection, intel and malware-hash matches) 73; protocol/software/weird bookkeeping and
 *   certificate-validity notes 21.
 */
export const normalizeZeekNotice: Normalizer = (input) => {
  const record = input.record ?? (input.line === undefined ? undefined : parseNoticeTsv(input.line));
  if (record === undefined) return err(['not a Zeek notice (no JSON object, and not a notice.log TSV line)']);
  const timestamp = toIsoTimestamp(record.ts);
  if (timestamp === undefined) return missingTimestamp('ts', record.ts);
  const note = toText(record.note);
  const uid = toText(record.uid);
  return ok(
    buildAlert('zeek-notice', input.raw, {
      timestamp,
      eventId: uid !== undefined && note !== undefined ? `${uid}:${note}` : (input.envelopeId ?? contentId(input.raw)),
      severity: noticeSeverity(note),
      message: toText(record.msg) ?? note ?? '',
      dataset: 'zeek.notice',
      rule: { id: note, name: note, category: note?.split('::')[0] },
      host: {},
      source: endpointFields(firstText(record, ['src', 'id.orig_h']), firstPort(record, ['id.orig_p'])),
      destination: endpointFields(firstText(record, ['dst', 'id.resp_h']), firstPort(record, ['id.resp_p', 'p'])),
      user: {},
      network: networkOf(firstValue(record, ['proto'])),
      observer: { vendor: 'Zeek', product: 'Zeek' },
      threat: emptyThreat(),
    }),
  );
};

function networkOf(proto: unknown): { transport: string } | undefined {
  const transport = toText(proto);
  return transport === undefined ? undefined : { transport: transport.toLowerCase() };
}

const ATTACK_NOTES = new Set([
  'SSH::Password_Guessing',
  'Scan::Address_Scan',
  'Scan::Port_Scan',
  'FTP::Bruteforcing',
  'HTTP::SQL_Injection_Attacker',
  'HTTP::SQL_Injection_Victim',
  'Intel::Notice',
  'TeamCymruMalwareHashRegistry::Match',
]);
const BOOKKEEPING_MODULES = new Set(['ProtocolDetector', 'Software', 'Weird', 'CaptureLoss', 'PacketFilter']);
const CERTIFICATE_NOTES = new Set([
  'SSL::Invalid_Server_Cert',
  'SSL::Certificate_Expired',
  'SSL::Certificate_Not_Valid_Yet',
  'SSL::Certificate_Expires_Soon',
]);

function noticeSeverity(note: string | undefined): number {
  if (note === undefined) return DEFAULT_SEVERITY;
  if (ATTACK_NOTES.has(note)) return SeverityAnchor.high;
  if (CERTIFICATE_NOTES.has(note) || BOOKKEEPING_MODULES.has(note.split('::')[0] ?? '')) return SeverityAnchor.low;
  return DEFAULT_SEVERITY;
}

const EPOCH = /^\d+(?:\.\d+)?$/;
const NOTE = /^[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z0-9_]+)+$/;
const FIXED_COLUMNS = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p'] as const;
const AFTER_NOTE = ['msg', 'sub', 'src', 'dst', 'p'] as const;

/**
 * One TSV line of notice.log, without its `#fields` header (a message carries one line). The first six columns
 * are the same in every Zeek version; whether `fuid, file_mime_type, file_desc` come next differs, so `note` is
 * found by its `Module::Name` shape in column 7–10, with `proto` right before it and `msg, sub, src, dst, p`
 * after it. `-` (unset) and `(empty)` are left out.
 */
export function parseNoticeTsv(line: string): JsonRecord | undefined {
  if (line.startsWith('#')) return undefined;
  const columns = line.split('\t');
  if (columns.length < 13 || !EPOCH.test(columns[0] ?? '')) return undefined;
  let noteIndex = -1;
  for (let index = 7; index <= 10 && index + AFTER_NOTE.length < columns.length; index++) {
    if (NOTE.test(columns[index] ?? '')) {
      noteIndex = index;
      break;
    }
  }
  if (noteIndex < 0) return undefined;
  const record: Record<string, string> = {};
  const put = (key: string, value: string | undefined): void => {
    if (value !== undefined && value !== '-' && value !== '(empty)' && value !== '') record[key] = value;
  };
  FIXED_COLUMNS.forEach((key, index) => put(key, columns[index]));
  put('proto', columns[noteIndex - 1]);
  put('note', columns[noteIndex]);
  AFTER_NOTE.forEach((key, index) => put(key, columns[noteIndex + 1 + index]));
  return record;
}
