import { ok } from '../../result';
import { endpointFields } from '../common-fields';
import { buildAlert, contentId, missingTimestamp, needsRecord, type Normalizer } from '../draft';
import { firstPort, firstText, firstValue, nonEmpty, toNumber, toText, toTextList } from '../fields';
import { getPath, isRecord, type JsonRecord } from '../get-path';
import { emptyThreat, ThreatBuilder, type Threat } from '../mitre';
import { clampSeverity, DEFAULT_SEVERITY } from '../severity';
import { toIsoTimestamp } from '../timestamp';

/**
 * Wazuh `alerts.json` documents, 3.x and 4.x (also as read back from the Wazuh indexer, which adds `@timestamp`).
 *
 * - `event.id`: the manager's alert `id` ("1588001006.9628221": epoch seconds and the alerts-file offset).
 * - `event.severity`: `rule.level` 0–15 scaled linearly to 0–100 (level 15 → 100, the "level ≥ 12 is a high
 *   importance event" line of the Wazuh rule classification → 80, level 3 → 20).
 * - threat: `rule.mitre` (4.x: `id[]` technique ids, `technique[]` their names, `tactic[]` tactic names; the
 *   tactic ids come from the ATT&CK table). 3.x has no `rule.mitre`: empty lists.
 * - addresses and users come from the decoder's `data` block, which names them differently per decoder
 *   (`srcip`/`dstip` for syslog decoders, `src_ip`/`dest_ip` for Suricata's EVE JSON, `dstip` may carry a port).
 */
export const normalizeWazuh: Normalizer = (input) => {
  const record = input.record;
  if (record === undefined) return needsRecord('wazuh');
  const timestampValue = firstValue(record, ['timestamp', '@timestamp']);
  const timestamp = toIsoTimestamp(timestampValue);
  if (timestamp === undefined) return missingTimestamp('timestamp | @timestamp', timestampValue);
  const rule = isRecord(record.rule) ? record.rule : {};
  const data = isRecord(record.data) ? record.data : {};
  const description = toText(rule.description);
  return ok(
    buildAlert('wazuh', input.raw, {
      timestamp,
      eventId: toText(record.id) ?? input.envelopeId ?? contentId(input.raw),
      severity: wazuhSeverity(rule.level),
      message: description ?? toText(record.full_log) ?? '',
      dataset: 'wazuh.alerts',
      rule: { id: toText(rule.id), name: description, category: nonEmpty(toTextList(rule.groups))?.join(', ') },
      host: { name: firstText(record, ['agent.name']), ip: nonEmpty(toTextList(getPath(record, 'agent.ip'))) },
      source: endpointFields(firstText(data, ['srcip', 'src_ip']), firstPort(data, ['srcport', 'src_port'])),
      destination: endpointFields(firstText(data, ['dstip', 'dest_ip']), firstPort(data, ['dstport', 'dest_port'])),
      user: { name: firstText(data, ['dstuser', 'srcuser', 'user']) },
      network: networkOf(data),
      observer: { vendor: 'Wazuh', product: 'Wazuh' },
      threat: wazuhThreat(rule.mitre),
    }),
  );
};

const WAZUH_MAX_LEVEL = 15;

function wazuhSeverity(level: unknown): number {
  const value = toNumber(level);
  return value === undefined ? DEFAULT_SEVERITY : clampSeverity(Math.round((value / WAZUH_MAX_LEVEL) * 100));
}

function networkOf(data: JsonRecord): { transport?: string | undefined; protocol?: string | undefined } | undefined {
  // Only EVE's `proto` is a transport: the web-accesslog decoder's `protocol` holds the HTTP method.
  const transport = firstText(data, ['proto']);
  const protocol = firstText(data, ['app_proto']);
  if (transport === undefined && protocol === undefined) return undefined;
  return { transport: transport?.toLowerCase(), protocol: protocol?.toLowerCase() };
}

function wazuhThreat(mitre: unknown): Threat {
  if (!isRecord(mitre)) return emptyThreat();
  const threat = new ThreatBuilder();
  const ids = toTextList(mitre.id);
  const names = toTextList(mitre.technique);
  for (let index = 0; index < Math.max(ids.length, names.length); index++) {
    threat.addTechnique(ids[index], names[index]);
  }
  for (const tactic of toTextList(mitre.tactic)) threat.addTactic(undefined, tactic);
  return threat.build();
}
