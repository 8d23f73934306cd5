import { isIP } from 'node:net';
import { NormalizedAlert, type AlertRejection } from '../../../src/core/alert';
import type { Result } from '../../../src/core/result';

/** What an indexable alert must satisfy (mappings/ira-alerts.json): checked with oracles independent of src/. */
export const KEYWORD_MAX = 1024;
export const HOST_IP_MAX = 64;

const REASONS = new Set(['unparseable', 'unknown-format', 'invalid']);

/** Either a schema-valid alert that Elasticsearch and OpenSearch index as is, or a rejection with a reason. */
export function expectSafeOutcome(raw: string, result: Result<NormalizedAlert, AlertRejection>): void {
  if (!result.ok) {
    expect(REASONS.has(result.error.reason)).toBe(true);
    expect(result.error.message.trim()).not.toBe('');
    return;
  }
  const alert = result.value;
  expect(NormalizedAlert.safeParse(alert).error?.issues).toBeUndefined();
  expect(alert.event.original).toBe(raw);
  for (const ip of ipValues(alert)) expect({ ip, valid: isIP(ip) !== 0 && !ip.includes('%') }).toEqual({ ip, valid: true });
  expect(alert.host.ip?.length ?? 0).toBeLessThanOrEqual(HOST_IP_MAX);
  expectIndexableTime(alert['@timestamp']);
  for (const [field, value] of keywordValues(alert)) {
    expect({ field, length: value.length }).toEqual({ field, length: Math.min(value.length, KEYWORD_MAX) });
  }
}

export function ipValues(alert: NormalizedAlert): string[] {
  return [alert.source.ip, alert.destination.ip, ...(alert.host.ip ?? [])].filter((ip) => ip !== undefined);
}

/** A date both engines parse: years 1970–2200 as written, an offset within ±18:00 (java.time's range). */
function expectIndexableTime(timestamp: string): void {
  expect(Number.isNaN(Date.parse(timestamp))).toBe(false);
  const year = Number(timestamp.slice(0, 4));
  expect(year >= 1970 && year <= 2200 ? 'in range' : timestamp).toBe('in range');
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(timestamp);
  if (offset !== null) expect(Number(offset[2]) * 60 + Number(offset[3])).toBeLessThanOrEqual(18 * 60);
}

export function keywordValues(alert: NormalizedAlert): [string, string][] {
  const fields: [string, string | undefined][] = [
    ['event.id', alert.event.id],
    ['event.dataset', alert.event.dataset],
    ['event.action', alert.event.action],
    ['rule.id', alert.rule.id],
    ['rule.name', alert.rule.name],
    ['rule.category', alert.rule.category],
    ['host.name', alert.host.name],
    ['user.name', alert.user.name],
    ['network.transport', alert.network?.transport],
    ['network.protocol', alert.network?.protocol],
    ['observer.vendor', alert.observer?.vendor],
    ['observer.product', alert.observer?.product],
    ['ira.case_id', alert.ira.case_id],
    ...alert.threat.tactic.id.map((value) => ['threat.tactic.id', value] as [string, string]),
    ...alert.threat.tactic.name.map((value) => ['threat.tactic.name', value] as [string, string]),
    ...alert.threat.technique.id.map((value) => ['threat.technique.id', value] as [string, string]),
    ...alert.threat.technique.name.map((value) => ['threat.technique.name', value] as [string, string]),
  ];
  return fields.filter((entry): entry is [string, string] => entry[1] !== undefined);
}
