import { ok } from '../../result';
import { buildAlert, contentId, missingTimestamp, needsRecord, type Normalizer } from '../draft';
import { toNumber, toPort, toText, toTextList } from '../fields';
import { isRecord, type JsonRecord } from '../get-path';
import { ThreatBuilder, type Threat } from '../mitre';
import { DEFAULT_SEVERITY, severityFromPriority } from '../severity';
import { toIsoTimestamp } from '../timestamp';

/**
 * Suricata EVE JSON `alert` events.
 *
 * - `event.id`: `flow_id:timestamp:signature_id`. EVE has no alert id; one flow can raise several signatures and
 *   the same signature again later, and the triple tells those apart while a redelivered line keeps its id.
 * - `event.severity`: `alert.severity` 1 (high) … 3 (low), 4+ informational → 73 / 47 / 21 / 10.
 * - threat: the ATT&CK keys ET rules put in `alert.metadata` (`mitre_tactic_id/_name`,
 *   `mitre_technique_id/_name`, Suricata ≥ 5); older EVE (these fixtures) has none.
 */
export const normalizeSuricataEve: Normalizer = (input) => {
  const record = input.record;
  if (record === undefined) return needsRecord('suricata-eve');
  const timestamp = toIsoTimestamp(record.timestamp);
  if (timestamp === undefined) return missingTimestamp('timestamp', record.timestamp);
  const alert = isRecord(record.alert) ? record.alert : {};
  const signature = toText(alert.signature);
  const proto = toText(record.proto);
  const appProto = toText(record.app_proto);
  return ok(
    buildAlert('suricata-eve', input.raw, {
      timestamp,
      eventId: eveId(input.raw, record, alert) ?? input.envelopeId ?? contentId(input.raw),
      severity: eveSeverity(alert.severity),
      message: signature ?? '',
      dataset: 'suricata.eve',
      action: toText(alert.action),
      rule: { id: toText(alert.signature_id), name: signature, category: toText(alert.category) },
      host: {},
      source: { ip: toText(record.src_ip), port: toPort(record.src_port) },
      destination: { ip: toText(record.dest_ip), port: toPort(record.dest_port) },
      user: {},
      network:
        proto === undefined && appProto === undefined
          ? undefined
          : { transport: proto?.toLowerCase(), protocol: appProto?.toLowerCase() },
      observer: { vendor: 'OISF', product: 'Suricata' },
      threat: eveThreat(alert.metadata),
    }),
  );
};

function eveId(raw: string, record: JsonRecord, alert: JsonRecord): string | undefined {
  const flowId = flowIdText(raw, record.flow_id);
  const timestamp = toText(record.timestamp);
  const signatureId = toText(alert.signature_id);
  if (flowId === undefined || timestamp === undefined || signatureId === undefined) return undefined;
  return `${flowId}:${timestamp}:${signatureId}`;
}

const FLOW_ID = /"flow_id"\s*:\s*(\d{1,20})/;

// flow_id is a 64-bit integer and JSON.parse rounds those above 2^53; the exact digits are read back from the
// message, and only trusted when they round to the parsed value (so a look-alike inside a string cannot win).
function flowIdText(raw: string, value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  if (Number.isSafeInteger(value)) return String(value);
  const digits = FLOW_ID.exec(raw)?.[1];
  return digits !== undefined && Number(digits) === value ? digits : String(value);
}

function eveSeverity(value: unknown): number {
  const severity = toNumber(value);
  return severity === undefined ? DEFAULT_SEVERITY : severityFromPriority(severity);
}

function eveThreat(metadata: unknown): Threat {
  const threat = new ThreatBuilder();
  if (!isRecord(metadata)) return threat.build();
  const tacticIds = toTextList(metadata.mitre_tactic_id);
  const tacticNames = toTextList(metadata.mitre_tactic_name);
  for (let index = 0; index < Math.max(tacticIds.length, tacticNames.length); index++) {
    threat.addTactic(tacticIds[index], tacticNames[index]);
  }
  const techniqueIds = toTextList(metadata.mitre_technique_id);
  const techniqueNames = toTextList(metadata.mitre_technique_name).map((name) => name.replaceAll('_', ' '));
  for (let index = 0; index < Math.max(techniqueIds.length, techniqueNames.length); index++) {
    threat.addTechnique(techniqueIds[index], techniqueNames[index]);
  }
  return threat.build();
}
