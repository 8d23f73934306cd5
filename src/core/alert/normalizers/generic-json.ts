import { ok } from '../../result';
import { extractCommonFields } from '../common-fields';
import { buildAlert, contentId, missingTimestamp, needsRecord, type Normalizer } from '../draft';
import { firstText, firstValue, toNumber, toText, toTextList } from '../fields';
import { getPath, type JsonRecord } from '../get-path';
import { ThreatBuilder, type Threat } from '../mitre';
import { clampSeverity, DEFAULT_SEVERITY, severityFromLabel, severityFromPriority } from '../severity';
import { toIsoTimestamp } from '../timestamp';

const TIME_PATHS = ['@timestamp', 'timestamp', 'time', 'event.created'];

/**
 * Any other JSON object: best effort over the names alert producers commonly use, ECS first. Nothing is
 * invented: a field that is not found stays empty, except the time, without which there is no alert.
 *
 * - time: `@timestamp | timestamp | time | event.created` (ISO text, or epoch seconds/milliseconds by magnitude).
 * - `event.id`: `event.id | id | alert_id | uuid` or the envelope `_id`, else the content hash of the message.
 * - `event.severity`: `event.risk_score | risk_score` or a numeric `severity`, taken as 0–100; a label in
 *   `severity | level | priority` (`critical … informational`); a numeric `priority` 1–4 (1 most urgent, the
 *   IDS convention); otherwise 47.
 * - `ira.case_id`: `case_id | incident_id | case.id | incident.id`.
 * - threat: ECS `threat.tactic.{id,name}` and `threat.technique.{id,name}` when present.
 */
export const normalizeGenericJson: Normalizer = (input) => {
  const record = input.record;
  if (record === undefined) return needsRecord('generic-json');
  const timestampValue = firstValue(record, TIME_PATHS);
  const timestamp = toIsoTimestamp(timestampValue);
  if (timestamp === undefined) return missingTimestamp(TIME_PATHS.join(' | '), timestampValue);
  const ruleName = firstText(record, ['rule.name', 'signature', 'alert.signature', 'name']);
  return ok(
    buildAlert('generic-json', input.raw, {
      timestamp,
      eventId: firstText(record, ['event.id', 'id', 'alert_id', 'uuid']) ?? input.envelopeId ?? contentId(input.raw),
      severity: genericSeverity(record),
      message: firstText(record, ['message', 'msg', 'description']) ?? ruleName ?? '',
      dataset: firstText(record, ['event.dataset']),
      action: firstText(record, ['event.action']),
      rule: {
        id: firstText(record, ['rule.id', 'rule_id', 'signature_id', 'alert.signature_id']),
        name: ruleName,
        category: firstText(record, ['rule.category', 'category', 'alert.category']),
      },
      ...extractCommonFields(record),
      observer: observerOf(record),
      threat: ecsThreat(record),
      caseId: firstText(record, ['case_id', 'incident_id', 'case.id', 'incident.id']),
    }),
  );
};

function genericSeverity(record: JsonRecord): number {
  const score = toNumber(firstValue(record, ['event.risk_score', 'risk_score']));
  if (score !== undefined) return clampSeverity(score);
  // ECS `event.severity` is on the source's own scale, so only a plain `severity` number is read as 0–100.
  const severity = getPath(record, 'severity');
  if (typeof severity === 'number') return clampSeverity(severity);
  for (const path of ['severity', 'level', 'priority']) {
    const label = toText(getPath(record, path));
    const mapped = label === undefined ? undefined : severityFromLabel(label);
    if (mapped !== undefined) return mapped;
  }
  const priority = toNumber(getPath(record, 'priority'));
  return priority === undefined ? DEFAULT_SEVERITY : severityFromPriority(priority);
}

function observerOf(record: JsonRecord): { vendor?: string | undefined; product?: string | undefined } | undefined {
  const vendor = firstText(record, ['observer.vendor']);
  const product = firstText(record, ['observer.product']);
  return vendor === undefined && product === undefined ? undefined : { vendor, product };
}

function ecsThreat(record: JsonRecord): Threat {
  const threat = new ThreatBuilder();
  const tacticIds = toTextList(getPath(record, 'threat.tactic.id'));
  const tacticNames = toTextList(getPath(record, 'threat.tactic.name'));
  for (let index = 0; index < Math.max(tacticIds.length, tacticNames.length); index++) {
    threat.addTactic(tacticIds[index], tacticNames[index]);
  }
  const techniqueIds = toTextList(getPath(record, 'threat.technique.id'));
  const techniqueNames = toTextList(getPath(record, 'threat.technique.name'));
  for (let index = 0; index < Math.max(techniqueIds.length, techniqueNames.length); index++) {
    threat.addTechnique(techniqueIds[index], techniqueNames[index]);
  }
  return threat.build();
}
