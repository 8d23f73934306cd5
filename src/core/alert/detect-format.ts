import { getPath, isRecord, type JsonRecord } from './get-path';
import { parseSnortLine } from './normalizers/snort';
import { parseNoticeTsv } from './normalizers/zeek-notice';
import type { ParsedInput } from './parse-input';
import type { AlertFormat } from './schema';

/**
 * Which format a parsed message is in. Each test looks for the fields that only that producer writes together,
 * cheapest and most specific first, so that one format carrying another inside it is still recognised by its
 * outer envelope (a Wazuh alert whose `data` is a Suricata EVE record is a Wazuh alert; an Elastic alert built
 * on a Suricata event is an Elastic alert).
 */
export function detectFormat(input: ParsedInput): AlertFormat | undefined {
  return input.kind === 'json' ? detectJsonFormat(input.record) : detectTextFormat(input.line);
}

export function detectJsonFormat(record: JsonRecord): AlertFormat {
  if (isElasticSecurityAlert(record)) return 'elastic-security';
  if (isOpenSearchFinding(record)) return 'opensearch-finding';
  if (isWazuhAlert(record)) return 'wazuh';
  if (isSuricataEveAlert(record)) return 'suricata-eve';
  if (isZeekNotice(record)) return 'zeek-notice';
  return 'generic-json';
}

/** Text lines: a Snort alert in either shape, or a notice.log TSV line. Anything else is not an alert we know. */
export function detectTextFormat(line: string): AlertFormat | undefined {
  if (parseSnortLine(line) !== undefined) return 'snort';
  if (parseNoticeTsv(line) !== undefined) return 'zeek-notice';
  return undefined;
}

// Kibana namespaces every field it adds under `kibana.alert.`, flattened (8.x) or nested; no other producer does.
function isElasticSecurityAlert(record: JsonRecord): boolean {
  if (isRecord(getPath(record, 'kibana.alert'))) return true;
  for (const key in record) {
    if (key.startsWith('kibana.alert.')) return true;
  }
  return false;
}

// The alerting plugin's Finding: an id plus the two lists that tie it to the matched documents and the
// document-level queries. Alerts of the same plugin have `finding_ids` instead of `queries`.
function isOpenSearchFinding(record: JsonRecord): boolean {
  return typeof record.id === 'string' && Array.isArray(record.related_doc_ids) && Array.isArray(record.queries);
}

// Wazuh alerts always carry the matched rule with a numeric level and the agent (or manager) that reported it.
function isWazuhAlert(record: JsonRecord): boolean {
  const rule = record.rule;
  return (
    isRecord(rule) &&
    typeof rule.level === 'number' &&
    (isRecord(record.agent) || isRecord(record.manager))
  );
}

// EVE writes every event type to one stream; only `alert` events with their `alert.signature_id` are alerts.
function isSuricataEveAlert(record: JsonRecord): boolean {
  return record.event_type === 'alert' && isRecord(record.alert) && record.alert.signature_id !== undefined;
}

// Zeek log records all have `ts`; `note` is the notice type, a field only notice.log (and notice_alarm) has.
function isZeekNotice(record: JsonRecord): boolean {
  return typeof record.note === 'string' && record.ts !== undefined;
}
