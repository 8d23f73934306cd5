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

function hostIps(ips: readonly string[] | undefined): string | undefined {
  if (ips === undefined) return undefined;
  const shown = ips.slice(0, MAX_ENTITIES_PER_ALERT).join(', ');
  return ips.length > MAX_ENTITIES_PER_ALERT ? `${shown} (+${ips.length - MAX_ENTITIES_PER_ALERT} more, cut)` : shown;
}

function describeAlert(alert: NormalizedAlert): Omit<EvidenceItem, 'first' | 'last' | 'count'> {
  const tactics = alert.threat.tactic.name.join(', ');
  const host = alert.host.name ?? hostIps(alert.host.ip);
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

/** Most values of one kind (hosts, IPs, users) one alert contributes to the entities; the rest are counted as cut. */
export const MAX_ENTITIES_PER_ALERT = 32;
/** Most values of one kind an incident's entities hold (the guard's list, stored in the agent state). */
export const MAX_ENTITIES_PER_INCIDENT = 500;
/** Free-text context: at most this many values per alert, and the first characters of a message scanned. */
const contextPerAlert = 32;
const contextScanChars = 4096;

type Kind = keyof KnownEntities;
const kinds: readonly Kind[] = ['hosts', 'ips', 'users'];

/**
 * The structured entity fields of an alert, per kind, de-duplicated and capped at MAX_ENTITIES_PER_ALERT. These
 * are the only fields that make a target: free text (message, rule names, user agents, URLs, command lines) is
 * written by whoever triggers the alert and never does. The schema has no process or file-hash fields yet; when it
 * grows them, they belong here.
 */
function structuredOf(alert: NormalizedAlert, cut: { perAlert: number }): Record<Kind, string[]> {
  const out: Record<Kind, string[]> = { hosts: [], ips: [], users: [] };
  const add = (kind: Kind, value: string | undefined, seen: Set<string>): void => {
    const trimmed = value?.trim();
    if (trimmed === undefined || trimmed === '' || seen.has(trimmed)) return;
    seen.add(trimmed);
    if (out[kind].length >= MAX_ENTITIES_PER_ALERT) cut.perAlert += 1;
    else out[kind].push(trimmed);
  };
  add('hosts', alert.host.name, new Set());
  add('users', alert.user.name, new Set());
  const ips = new Set<string>();
  // The flow's parties first: a flooded host.ip list cannot push them out.
  add('ips', alert.source.ip, ips);
  add('ips', alert.destination.ip, ips);
  for (const ip of alert.host.ip ?? []) add('ips', ip, ips);
  return out;
}

export interface EntityReport {
  /** What the entity guard accepts: structured fields only, newest first, capped per alert and per incident. */
  readonly entities: KnownEntities;
  /** IPs found only in free text: context the model may be shown, never a valid target. */
  readonly context: { readonly ips: readonly string[] };
  /** Values left out: by the per-alert cap, and (older or surplus values) by the per-incident cap. */
  readonly cut: { perAlert: number; perIncident: number };
}

/**
 * Known entities plus the structured entities of the new alerts. The new alerts' values come first and are taken
 * round-robin across alerts (every alert's first value before any alert's second), so neither an earlier flood in
 * the stored list nor one alert's flood in this step can crowd out another alert's values; older values fill what
 * is left of MAX_ENTITIES_PER_INCIDENT. The system description is deliberately not a source: an action may only
 * name what the alerts show (design, "Guard"), so a host the description merely lists cannot be isolated on the
 * model's say-so.
 */
export function collectEntityReport(known: KnownEntities, alerts: readonly NormalizedAlert[]): EntityReport {
  const cut = { perAlert: 0, perIncident: 0 };
  const perAlert = alerts.map((alert) => structuredOf(alert, cut));
  const entities: KnownEntities = { hosts: [], ips: [], users: [] };
  for (const kind of kinds) {
    const kept = entities[kind];
    const seen = new Set<string>();
    const offer = (value: string): void => {
      if (seen.has(value)) return;
      seen.add(value);
      if (kept.length < MAX_ENTITIES_PER_INCIDENT) kept.push(value);
      else cut.perIncident += 1;
    };
    const longest = perAlert.reduce((max, lists) => Math.max(max, lists[kind].length), 0);
    for (let rank = 0; rank < longest; rank++) {
      for (const lists of perAlert) {
        const value = lists[kind][rank];
        if (value !== undefined) offer(value);
      }
    }
    for (const value of known[kind]) offer(value);
  }
  const context = new Set<string>();
  const structuredIps = new Set(entities.ips);
  for (const alert of alerts) {
    let taken = 0;
    for (const ip of findIpv4(alert.message.slice(0, contextScanChars))) {
      if (taken >= contextPerAlert || context.size >= MAX_ENTITIES_PER_INCIDENT) break;
      if (structuredIps.has(ip) || context.has(ip)) continue;
      context.add(ip);
      taken += 1;
    }
  }
  return { entities, context: { ips: [...context] }, cut };
}

/** The entities the guard accepts (see collectEntityReport, which also says what was cut and what is context). */
export function collectEntities(known: KnownEntities, alerts: readonly NormalizedAlert[]): KnownEntities {
  return collectEntityReport(known, alerts).entities;
}
