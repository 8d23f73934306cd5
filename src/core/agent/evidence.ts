import type { NormalizedAlert } from '../alert/schema';
import type { KnownEntities } from './types';

/**
 * Turns alerts into compact evidence items for the prompt and collects the entity strings the entity guard accepts.
 * Repeated alerts (same rule, endpoints and message) become one item with a count, so a flood of one signature does
 * not crowd the others out of the character budget.
 */
export interface EvidenceItem {
  readonly first: string;
  readonly last?: string;
  readonly count?: number;
  readonly severity: number;
  readonly rule?: string;
  readonly category?: string;
  readonly tactics?: string;
  readonly source?: string;
  readonly destination?: string;
  readonly host?: string;
  readonly user?: string;
  readonly message: string;
}

const messageChars = 300;

function endpoint(ip: string | undefined, port: number | undefined): string | undefined {
  if (ip === undefined) return undefined;
  return port === undefined ? ip : `${ip}:${port}`;
}

function describeAlert(alert: NormalizedAlert): Omit<EvidenceItem, 'first' | 'last' | 'count'> {
  const tactics = alert.threat.tactic.name.join(', ');
  const host = alert.host.name ?? alert.host.ip?.join(', ');
  return {
    severity: alert.event.severity,
    ...(alert.rule.name === undefined ? {} : { rule: alert.rule.name }),
    ...(alert.rule.category === undefined ? {} : { category: alert.rule.category }),
    ...(tactics === '' ? {} : { tactics }),
    ...optional('source', endpoint(alert.source.ip, alert.source.port)),
    ...optional('destination', endpoint(alert.destination.ip, alert.destination.port)),
    ...optional('host', host),
    ...optional('user', alert.user.name),
    message: alert.message.slice(0, messageChars),
  };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined || value === '' ? {} : ({ [key]: value } as Record<K, string>);
}

interface Group {
  item: Omit<EvidenceItem, 'first' | 'last' | 'count'>;
  first: string;
  last: string;
  count: number;
}

/**
 * Groups identical alerts, then orders the groups for the budget: highest severity first, then the most recent.
 * `prepareData` keeps them in this order until the budget is spent; the kept ones are the ones that matter most.
 */
export function evidenceItems(alerts: readonly NormalizedAlert[]): EvidenceItem[] {
  const groups = new Map<string, Group>();
  for (const alert of alerts) {
    const item = describeAlert(alert);
    const key = JSON.stringify(item);
    const time = alert['@timestamp'];
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { item, first: time, last: time, count: 1 });
    else {
      group.count += 1;
      if (time < group.first) group.first = time;
      if (time > group.last) group.last = time;
    }
  }
  return [...groups.values()]
    .sort((a, b) => b.item.severity - a.item.severity || b.last.localeCompare(a.last))
    .map((group) => ({
      first: group.first,
      ...(group.count > 1 ? { last: group.last, count: group.count } : {}),
      ...group.item,
    }));
}

const ipv4Pattern = /\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b/g;

export function findIpv4(text: string): string[] {
  return text.match(ipv4Pattern) ?? [];
}

const entityCap = 500;

function addAll(target: Set<string>, values: readonly (string | undefined)[]): void {
  for (const value of values) {
    const trimmed = value?.trim();
    if (trimmed !== undefined && trimmed !== '' && target.size < entityCap) target.add(trimmed);
  }
}

/**
 * Known entities plus those in the new alerts (IPs found in alert messages included). The system description is
 * deliberately not a source: an action may only name what the alerts show (design, "Guard"), so a host the
 * description merely lists cannot be isolated on the model's say-so.
 */
export function collectEntities(known: KnownEntities, alerts: readonly NormalizedAlert[]): KnownEntities {
  const hosts = new Set(known.hosts);
  const ips = new Set(known.ips);
  const users = new Set(known.users);
  for (const alert of alerts) {
    addAll(hosts, [alert.host.name]);
    addAll(ips, [...(alert.host.ip ?? []), alert.source.ip, alert.destination.ip, ...findIpv4(alert.message)]);
    addAll(users, [alert.user.name]);
  }
  return { hosts: [...hosts], ips: [...ips], users: [...users] };
}
