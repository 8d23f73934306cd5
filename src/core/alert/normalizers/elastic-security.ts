import { ok } from '../../result';
import { extractCommonFields } from '../common-fields';
import { buildAlert, contentId, missingTimestamp, needsRecord, type Normalizer } from '../draft';
import { firstText, firstValue, toNumber, toText, toTextList } from '../fields';
import { getPath, isRecord, type JsonRecord } from '../get-path';
import { MAX_JSON_DEPTH } from '../limits';
import { ThreatBuilder, type Threat } from '../mitre';
import { clampSeverity, DEFAULT_SEVERITY, severityFromLabel } from '../severity';
import { toIsoTimestamp } from '../timestamp';

/**
 * Elastic Security alert documents (`.alerts-security.alerts-*`, Kibana 8.x). Kibana writes its own fields
 * flattened (`"kibana.alert.rule.name"`) next to the nested ECS objects of the source event (`host: {name}`), so
 * every read goes through `getPath`, which accepts both spellings and any mix of them.
 *
 * - `@timestamp`: the alert's own (when the rule fired), `kibana.alert.original_time` (the source event's) only
 *   when it is missing: the incident timeline orders alerts as the analyst saw them.
 * - `event.id`: `kibana.alert.uuid` (equal to the document `_id`); the envelope `_id` when the uuid is missing.
 * - `event.severity`: `kibana.alert.risk_score` (already 0–100, the analyst-tunable number), else the severity
 *   label (`low|medium|high|critical` → 21/47/73/99, Kibana's own defaults), else 47.
 * - threat: `kibana.alert.rule.threat` (`[{framework, tactic: {id, name}, technique: [{id, name, subtechnique}]}]`).
 * - `ira.case_id`: the first of `kibana.alert.case_ids` (the alert is attached to a Kibana case), else
 *   `kibana.alert.group.id` (the building blocks of one EQL sequence share it).
 */
export const normalizeElasticSecurity: Normalizer = (input) => {
  const record = input.record;
  if (record === undefined) return needsRecord('elastic-security');
  const timestampValue = firstValue(record, ['@timestamp', 'kibana.alert.original_time']);
  const timestamp = toIsoTimestamp(timestampValue);
  if (timestamp === undefined) return missingTimestamp('@timestamp', timestampValue);
  const ruleName = firstText(record, ['kibana.alert.rule.name', 'rule.name']);
  return ok(
    buildAlert('elastic-security', input.raw, {
      timestamp,
      eventId: toText(getPath(record, 'kibana.alert.uuid')) ?? input.envelopeId ?? contentId(input.raw),
      severity: elasticSeverity(record),
      message: firstText(record, ['kibana.alert.reason', 'message']) ?? ruleName ?? '',
      dataset: firstText(record, ['event.dataset', 'kibana.alert.original_event.dataset']),
      action: firstText(record, ['event.action', 'kibana.alert.original_event.action']),
      rule: {
        id: firstText(record, ['kibana.alert.rule.rule_id', 'kibana.alert.rule.uuid']),
        name: ruleName,
        category: firstText(record, ['kibana.alert.rule.category']),
      },
      ...extractCommonFields(record),
      observer: {
        vendor: firstText(record, ['observer.vendor']) ?? 'Elastic',
        product: firstText(record, ['observer.product']) ?? 'Elastic Security',
      },
      threat: elasticThreat(getPath(record, 'kibana.alert.rule.threat')),
      caseId: toTextList(getPath(record, 'kibana.alert.case_ids'))[0] ?? firstText(record, ['kibana.alert.group.id']),
    }),
  );
};

function elasticSeverity(record: JsonRecord): number {
  const risk = toNumber(firstValue(record, ['kibana.alert.risk_score', 'kibana.alert.rule.risk_score']));
  if (risk !== undefined) return clampSeverity(risk);
  const label = firstText(record, ['kibana.alert.severity', 'kibana.alert.rule.severity']);
  return (label === undefined ? undefined : severityFromLabel(label)) ?? DEFAULT_SEVERITY;
}

function elasticThreat(value: unknown): Threat {
  const threat = new ThreatBuilder();
  if (!Array.isArray(value)) return threat.build();
  for (const entry of value) {
    if (!isRecord(entry)) continue;
    // The rule threat list may name other frameworks; ira's threat fields are ATT&CK only.
    const framework = toText(entry.framework);
    if (framework !== undefined && !framework.toUpperCase().includes('ATT&CK')) continue;
    if (isRecord(entry.tactic)) threat.addTactic(toText(entry.tactic.id), toText(entry.tactic.name));
    addTechniques(threat, entry.technique);
  }
  return threat.build();
}

// ATT&CK has one level of sub-techniques; the depth bound keeps a crafted record (parsed under the same bound,
// but records can be built in code too) from turning this walk into a stack overflow.
function addTechniques(threat: ThreatBuilder, techniques: unknown, depth = 0): void {
  if (!Array.isArray(techniques) || depth >= MAX_JSON_DEPTH) return;
  for (const technique of techniques) {
    if (!isRecord(technique)) continue;
    threat.addTechnique(toText(technique.id), toText(technique.name));
    addTechniques(threat, technique.subtechnique, depth + 1);
  }
}
