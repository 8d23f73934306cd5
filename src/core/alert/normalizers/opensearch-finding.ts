import { ok } from '../../result';
import { extractCommonFields, type CommonFields } from '../common-fields';
import { buildAlert, contentId, missingTimestamp, needsRecord, type Normalizer } from '../draft';
import { toText, toTextList } from '../fields';
import { isRecord, type JsonRecord } from '../get-path';
import { ThreatBuilder } from '../mitre';
import { parseBoundedJson } from '../parse-input';
import { DEFAULT_SEVERITY, severityFromLabel } from '../severity';
import { toIsoTimestamp } from '../timestamp';

/**
 * OpenSearch Security Analytics findings: the stored finding document of the alerting plugin (`id,
 * related_doc_ids, correlated_doc_ids, monitor_id, monitor_name, index, queries, timestamp, execution_id`) or an
 * entry of the Get findings API (`detectorId, id, related_doc_ids, index, queries, timestamp, document_list`).
 * `timestamp` is epoch milliseconds.
 *
 * Security Analytics builds each query's `tags` from the Sigma rule as `[level, log type, ...rule tags]`, so:
 * - `event.severity`: the highest Sigma level among the matched queries (`critical|high|medium|low|
 *   informational` → 99/73/47/21/10), else a `severity` label on the finding itself, else 47.
 * - threat: the ATT&CK tags (`attack.t1059.001`, `attack.execution`).
 * - `rule.category`: the first tag that is neither a level nor an ATT&CK tag (the log type).
 * - `event.id`: the finding `id`.
 * Host, addresses and user come from the first matched document when the API response carries it
 * (`document_list[].document`, itself a JSON string): that is the only second parse on the ingest path.
 */
export const normalizeOpenSearchFinding: Normalizer = (input) => {
  const record = input.record;
  if (record === undefined) return needsRecord('opensearch-finding');
  const timestamp = toIsoTimestamp(record.timestamp);
  if (timestamp === undefined) return missingTimestamp('timestamp', record.timestamp);
  const queries = Array.isArray(record.queries) ? record.queries.filter(isRecord) : [];
  const tags = summariseTags(queries);
  const first = queries[0];
  const ruleNames = queries.map((query) => toText(query.name)).filter((name) => name !== undefined);
  const index = toText(record.index);
  const findingLabel = toText(record.severity);
  const findingSeverity = findingLabel === undefined ? undefined : severityFromLabel(findingLabel);
  return ok(
    buildAlert('opensearch-finding', input.raw, {
      timestamp,
      eventId: toText(record.id) ?? input.envelopeId ?? contentId(input.raw),
      severity: tags.severity ?? findingSeverity ?? DEFAULT_SEVERITY,
      message: `Security Analytics finding${index === undefined ? '' : ` on ${index}`}: ${ruleNames.join(', ')}`,
      dataset: 'opensearch.findings',
      rule: { id: first === undefined ? undefined : toText(first.id), name: ruleNames[0], category: tags.category },
      ...matchedDocumentFields(record.document_list),
      observer: { vendor: 'OpenSearch', product: 'Security Analytics' },
      threat: tags.threat.build(),
    }),
  );
};

function summariseTags(queries: readonly JsonRecord[]): {
  severity: number | undefined;
  category: string | undefined;
  threat: ThreatBuilder;
} {
  const threat = new ThreatBuilder();
  let severity: number | undefined;
  let category: string | undefined;
  for (const query of queries) {
    for (const tag of toTextList(query.tags)) {
      const level = severityFromLabel(tag);
      if (level !== undefined) severity = Math.max(severity ?? 0, level);
      else if (tag.toLowerCase().startsWith('attack.')) threat.addTag(tag);
      else category ??= tag;
    }
  }
  return { severity, category, threat };
}

const noFields = (): CommonFields => ({ host: {}, source: {}, destination: {}, user: {}, network: undefined });

function matchedDocumentFields(documentList: unknown): CommonFields {
  if (!Array.isArray(documentList)) return noFields();
  const entry: unknown = documentList.find((item) => isRecord(item) && item.found !== false);
  const text = isRecord(entry) ? toText(entry.document) : undefined;
  if (text === undefined) return noFields();
  try {
    const document = parseBoundedJson(text);
    return isRecord(document) ? extractCommonFields(document) : noFields();
  } catch {
    // The matched document is context, not the alert: a finding with an unreadable (or too deep) one is still a
    // finding.
    return noFields();
  }
}
