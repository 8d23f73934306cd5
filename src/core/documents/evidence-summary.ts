import { z } from 'zod';
import type { EvidenceLedger } from '../agent/types';
import type { NormalizedAlert } from '../alert/schema';
import { isIpAddress } from '../alert/ip';

/**
 * What the agent saw of an incident, in the terms an analyst searches by: the rules that fired (with counts), the
 * hosts, IPs and users, the ATT&CK tactics and techniques, and the time span. Built from the alerts themselves
 * (replay report: exact, plus a timeline) or from the agent's evidence ledger (the incident document's `ira.summary`:
 * the ledger is bounded, so counts cover the groups it still holds). Pure, deterministic, bounded.
 */
export const EvidenceSummaryLimits = { rules: 10, entitiesPerKind: 20, tactics: 14, techniques: 20, timeline: 30 } as const;

const count = z.number().int().nonnegative();
const isoTime = z.iso.datetime({ offset: true });

export const RuleCount = z.object({ name: z.string().min(1), count: count });
export type RuleCount = z.infer<typeof RuleCount>;

export const EvidenceEntities = z.object({
  hosts: z.array(z.string()),
  /** Only IP addresses: a host name a source put in an address field goes to `hosts`. */
  ips: z.array(z.string().refine(isIpAddress, 'not an IP address')),
  users: z.array(z.string()),
});
export type EvidenceEntities = z.infer<typeof EvidenceEntities>;

export const TimeSpan = z.object({ start: isoTime, end: isoTime, duration_ms: count });
export type TimeSpan = z.infer<typeof TimeSpan>;

export const EvidenceSummary = z.object({
  alerts: count,
  top_rules: z.array(RuleCount),
  /** Distinct rules seen (top_rules shows the first EvidenceSummaryLimits.rules of them). */
  rule_count: count,
  entities: EvidenceEntities,
  tactics: z.array(z.string()),
  techniques: z.array(z.string()),
  time_span: TimeSpan.nullable(),
});
export type EvidenceSummary = z.infer<typeof EvidenceSummary>;

/** One line of the replay report's timeline: a run of consecutive alerts of one rule between the same parties. */
export interface TimelineEntry {
  readonly first: string;
  readonly last: string;
  readonly count: number;
  readonly rule: string;
  readonly source?: string;
  readonly destination?: string;
  readonly host?: string;
  readonly user?: string;
  readonly tactics: readonly string[];
}

export interface AlertEvidence extends EvidenceSummary {
  /** Oldest first; runs of the same rule between the same parties are one entry. At most `timeline` entries. */
  readonly timeline: readonly TimelineEntry[];
  /** Entries left out of the timeline (the middle of a long incident; its start and end are kept). */
  readonly timelineOmitted: number;
}

class Tally {
  private readonly counts = new Map<string, number>();
  add(value: string | undefined, by = 1): void {
    const key = value?.trim();
    if (key === undefined || key === '') return;
    this.counts.set(key, (this.counts.get(key) ?? 0) + by);
  }
  /** Most frequent first, then by name, so the order is stable. */
  ranked(): Array<[string, number]> {
    return [...this.counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  }
  top(limit: number): string[] {
    return this.ranked().slice(0, limit).map(([name]) => name);
  }
  get size(): number {
    return this.counts.size;
  }
}

export function ruleNameOf(alert: NormalizedAlert): string {
  const name = alert.rule.name?.trim() || alert.rule.category?.trim() || alert.message.trim();
  return name === '' ? '(no rule)' : name.slice(0, 200);
}

function endpoint(ip: string | undefined, address: string | undefined, port: number | undefined): string | undefined {
  const where = ip ?? address;
  if (where === undefined) return undefined;
  return port === undefined ? where : `${where}:${port}`;
}

function span(times: readonly string[]): TimeSpan | null {
  if (times.length === 0) return null;
  let start = times[0]!;
  let end = times[0]!;
  for (const time of times) {
    if (Date.parse(time) < Date.parse(start)) start = time;
    if (Date.parse(time) > Date.parse(end)) end = time;
  }
  return { start, end, duration_ms: Math.max(0, Date.parse(end) - Date.parse(start)) };
}

function timelineOf(alerts: readonly NormalizedAlert[], limit: number): { entries: TimelineEntry[]; omitted: number } {
  const sorted = [...alerts].sort((a, b) => Date.parse(a['@timestamp']) - Date.parse(b['@timestamp']));
  const entries: Array<TimelineEntry & { key: string }> = [];
  for (const alert of sorted) {
    const source = alert.source.ip ?? alert.source.address;
    const destination = endpoint(alert.destination.ip, alert.destination.address, alert.destination.port);
    const rule = ruleNameOf(alert);
    const key = `${rule}|${source ?? ''}|${destination ?? ''}|${alert.host.name ?? ''}|${alert.user.name ?? ''}`;
    const previous = entries.at(-1);
    if (previous?.key === key) {
      entries[entries.length - 1] = { ...previous, last: alert['@timestamp'], count: previous.count + 1 };
      continue;
    }
    entries.push({
      key,
      first: alert['@timestamp'],
      last: alert['@timestamp'],
      count: 1,
      rule,
      ...(source === undefined ? {} : { source }),
      ...(destination === undefined ? {} : { destination }),
      ...(alert.host.name === undefined ? {} : { host: alert.host.name }),
      ...(alert.user.name === undefined ? {} : { user: alert.user.name }),
      tactics: alert.threat.tactic.name,
    });
  }
  const plain = entries.map(({ key: _key, ...entry }) => entry);
  if (plain.length <= limit) return { entries: plain, omitted: 0 };
  const head = Math.ceil(limit / 2);
  const tail = limit - head;
  return { entries: [...plain.slice(0, head), ...plain.slice(plain.length - tail)], omitted: plain.length - limit };
}

/** The evidence of an incident from its alerts (all of them, or the ones the agent saw). */
export function evidenceFromAlerts(alerts: readonly NormalizedAlert[]): AlertEvidence {
  const rules = new Tally();
  const hosts = new Tally();
  const ips = new Tally();
  const users = new Tally();
  const tactics = new Tally();
  const techniques = new Tally();
  for (const alert of alerts) {
    rules.add(ruleNameOf(alert));
    hosts.add(alert.host.name);
    for (const address of [alert.source.address, alert.destination.address]) {
      if (address !== undefined && !isIpAddress(address)) hosts.add(address);
    }
    for (const ip of [alert.source.ip, alert.destination.ip, ...(alert.host.ip ?? [])]) ips.add(ip);
    users.add(alert.user.name);
    for (const tactic of alert.threat.tactic.name) tactics.add(tactic);
    for (const technique of alert.threat.technique.id) techniques.add(technique);
  }
  const { entries, omitted } = timelineOf(alerts, EvidenceSummaryLimits.timeline);
  return {
    alerts: alerts.length,
    top_rules: rules.ranked().slice(0, EvidenceSummaryLimits.rules).map(([name, n]) => ({ name, count: n })),
    rule_count: rules.size,
    entities: {
      hosts: hosts.top(EvidenceSummaryLimits.entitiesPerKind),
      ips: ips.top(EvidenceSummaryLimits.entitiesPerKind).filter(isIpAddress),
      users: users.top(EvidenceSummaryLimits.entitiesPerKind),
    },
    tactics: tactics.top(EvidenceSummaryLimits.tactics),
    techniques: techniques.top(EvidenceSummaryLimits.techniques),
    time_span: span(alerts.map((alert) => alert['@timestamp'])),
    timeline: entries,
    timelineOmitted: omitted,
  };
}

/** The same summary from the agent's evidence ledger (no techniques there: those come from the conjecture). */
export function evidenceFromLedger(ledger: EvidenceLedger, techniques: readonly string[] = []): EvidenceSummary {
  const rules = new Tally();
  const hosts = new Tally();
  const ips = new Tally();
  const users = new Tally();
  const tactics = new Tally();
  for (const group of ledger.groups) {
    rules.add(group.rule, group.count);
    for (const host of group.hosts) hosts.add(host, group.count);
    for (const ip of group.ips) (isIpAddress(ip) ? ips : hosts).add(ip, group.count);
    for (const user of group.users) users.add(user, group.count);
    for (const tactic of group.tactics) tactics.add(tactic, group.count);
  }
  const times = ledger.groups.flatMap((group) => [group.first, group.last]).filter((time) => isoTime.safeParse(time).success);
  return {
    alerts: ledger.alerts,
    top_rules: rules.ranked().slice(0, EvidenceSummaryLimits.rules).map(([name, n]) => ({ name, count: n })),
    rule_count: rules.size,
    entities: {
      hosts: hosts.top(EvidenceSummaryLimits.entitiesPerKind),
      ips: ips.top(EvidenceSummaryLimits.entitiesPerKind),
      users: users.top(EvidenceSummaryLimits.entitiesPerKind),
    },
    tactics: tactics.top(EvidenceSummaryLimits.tactics),
    techniques: [...new Set(techniques)].slice(0, EvidenceSummaryLimits.techniques),
    time_span: span(times),
  };
}
