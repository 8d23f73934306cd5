import type { NormalizedAlert } from '../alert/schema';
import { normaliseText } from './action';
import { encodeDataLine, type PreparedData } from './data-block';
import { signatureKeysOf } from './signatures';
import type { EvidenceGroup, EvidenceLedger } from './types';

/**
 * The evidence digest: the whole incident's alerts, one group per rule/signature (never per source port, so thirty
 * "SSH connection attempt" flows are one line with a count), carried across steps in `AgentState.evidence` and
 * rendered within a character budget for every prompt of every step.
 *
 * - `foldEvidence` adds a step's new alerts (a redelivered alert id is not counted twice) and keeps the ledger
 *   bounded: at most `EvidenceLimits.groups` groups (the least severe, then the oldest, are evicted and counted),
 *   a few values per entity kind, structured fields only (hosts, IPs, users, destination ports).
 * - `evidenceDigest` picks the groups for the budget in turns from three rankings (latest, most severe, rarest),
 *   so neither volume nor age can crowd out the latest or the most severe group; what is new at this step is
 *   marked `"new": n`; the kept groups are listed in time order (first seen, then key), so the digest is
 *   deterministic and a later step's digest mostly extends an earlier one.
 */
export const EvidenceLimits = {
  groups: 100,
  valuesPerKind: 8,
  tactics: 6,
  signatures: 256,
  recentIds: 512,
  ruleChars: 160,
  categoryChars: 120,
  exampleChars: 200,
} as const;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

function ruleLabel(alert: NormalizedAlert): string {
  const name = alert.rule.name ?? alert.rule.category;
  if (name !== undefined && name.trim() !== '') return clip(name.trim(), EvidenceLimits.ruleChars);
  return clip(alert.message.trim() === '' ? '(no rule, no message)' : alert.message.trim(), EvidenceLimits.ruleChars);
}

/** Rule id plus the normalised rule name (or category, or message): the grouping key. Ports never enter it. */
export function groupKeyOf(alert: NormalizedAlert): string {
  return `${alert.rule.id ?? ''}|${normaliseText(ruleLabel(alert)).slice(0, 120)}`;
}

interface Draft extends Omit<EvidenceGroup, 'hosts' | 'ips' | 'users' | 'ports' | 'tactics'> {
  hosts: string[];
  ips: string[];
  users: string[];
  ports: number[];
  tactics: string[];
}

function draftOf(group: EvidenceGroup, step: number): Draft {
  return {
    ...group,
    newCount: group.lastStep === step ? group.newCount : 0,
    hosts: [...group.hosts],
    ips: [...group.ips],
    users: [...group.users],
    ports: [...group.ports],
    tactics: [...group.tactics],
  };
}

function newDraft(alert: NormalizedAlert, key: string, step: number): Draft {
  const time = alert['@timestamp'];
  return {
    key,
    rule: ruleLabel(alert),
    ...(alert.rule.id === undefined ? {} : { ruleId: clip(alert.rule.id, 64) }),
    ...(alert.rule.category === undefined ? {} : { category: clip(alert.rule.category, EvidenceLimits.categoryChars) }),
    severity: alert.event.severity,
    count: 0,
    first: time,
    last: time,
    lastStep: step,
    newCount: 0,
    hosts: [],
    ips: [],
    users: [],
    ports: [],
    tactics: [],
    moreEntities: false,
  };
}

function offer<T>(group: Draft, list: T[], value: T | undefined, cap: number): void {
  if (value === undefined || value === '' || list.includes(value)) return;
  if (list.length < cap) list.push(value);
  else group.moreEntities = true;
}

function addAlert(group: Draft, alert: NormalizedAlert, step: number): void {
  const time = alert['@timestamp'];
  const cap = EvidenceLimits.valuesPerKind;
  group.count += 1;
  group.newCount += 1;
  group.lastStep = step;
  group.severity = Math.max(group.severity, alert.event.severity);
  if (time < group.first) group.first = time;
  if (time >= group.last) {
    group.last = time;
    const message = alert.message.trim();
    if (message !== '' && message !== group.rule) group.example = clip(message, EvidenceLimits.exampleChars);
  }
  offer(group, group.hosts, alert.host.name?.trim(), cap);
  // The flow's parties first: a long host.ip list cannot push them out.
  for (const ip of [alert.source.ip, alert.destination.ip, ...(alert.host.ip ?? [])]) offer(group, group.ips, ip, cap);
  offer(group, group.users, alert.user.name?.trim(), cap);
  offer(group, group.ports, alert.destination.port, cap);
  for (const tactic of alert.threat.tactic.name) offer(group, group.tactics, tactic, EvidenceLimits.tactics);
}

/** Least important first: lowest severity, then oldest last sighting, then key. */
function evictionOrder(a: EvidenceGroup, b: EvidenceGroup): number {
  return a.severity - b.severity || a.last.localeCompare(b.last) || b.key.localeCompare(a.key);
}

/** The ledger with the step's new alerts folded in; the input is not changed. */
export function foldEvidence(ledger: EvidenceLedger, alerts: readonly NormalizedAlert[], step: number): EvidenceLedger {
  const recent = [...ledger.recentIds];
  const seen = new Set(recent);
  const groups = new Map(ledger.groups.map((group) => [group.key, draftOf(group, step)]));
  const signatures = new Set(ledger.signatures);
  let added = 0;
  for (const alert of alerts) {
    const id = alert.ira.alert_id;
    if (seen.has(id)) continue;
    seen.add(id);
    recent.push(id);
    added += 1;
    const key = groupKeyOf(alert);
    const group = groups.get(key) ?? newDraft(alert, key, step);
    groups.set(key, group);
    addAlert(group, alert, step);
    for (const signature of signatureKeysOf(alert)) {
      if (signatures.size < EvidenceLimits.signatures) signatures.add(signature);
    }
  }
  let kept: EvidenceGroup[] = [...groups.values()];
  let evictedGroups = ledger.evictedGroups;
  let evictedAlerts = ledger.evictedAlerts;
  if (kept.length > EvidenceLimits.groups) {
    const ordered = [...kept].sort(evictionOrder);
    const evicted = ordered.slice(0, kept.length - EvidenceLimits.groups);
    const gone = new Set(evicted.map((group) => group.key));
    kept = kept.filter((group) => !gone.has(group.key));
    evictedGroups += evicted.length;
    evictedAlerts += evicted.reduce((sum, group) => sum + group.count, 0);
  }
  return {
    alerts: ledger.alerts + added,
    groups: kept,
    evictedGroups,
    evictedAlerts,
    signatures: [...signatures],
    recentIds: recent.slice(-EvidenceLimits.recentIds),
  };
}

/** The observed signature keys of the whole incident (the conjecture test's O). */
export function observedOf(ledger: EvidenceLedger): Set<string> {
  return new Set(ledger.signatures);
}

function newAt(group: EvidenceGroup, step: number): number {
  return group.lastStep === step ? group.newCount : 0;
}

function groupItem(group: EvidenceGroup, step: number, compact: boolean): Record<string, unknown> {
  const fresh = newAt(group, step);
  const lists = compact
    ? {}
    : {
        ...(group.hosts.length > 0 ? { hosts: group.hosts } : {}),
        ...(group.ips.length > 0 ? { ips: group.ips } : {}),
        ...(group.users.length > 0 ? { users: group.users } : {}),
        ...(group.ports.length > 0 ? { ports: group.ports } : {}),
        ...(group.moreEntities ? { moreEntities: true } : {}),
        ...(group.tactics.length > 0 ? { tactics: group.tactics } : {}),
        ...(group.example === undefined ? {} : { example: group.example }),
      };
  return {
    rule: group.rule,
    ...(group.ruleId === undefined ? {} : { ruleId: group.ruleId }),
    ...(group.category === undefined || compact ? {} : { category: group.category }),
    severity: group.severity,
    count: group.count,
    first: group.first,
    ...(group.count > 1 ? { last: group.last } : {}),
    ...(fresh > 0 ? { new: fresh } : {}),
    ...lists,
  };
}

function headerItem(ledger: EvidenceLedger, step: number, shown: number): Record<string, unknown> {
  const newAlerts = ledger.groups.reduce((sum, group) => sum + newAt(group, step), 0);
  const first = ledger.groups.reduce((min, group) => (min === '' || group.first < min ? group.first : min), '');
  const last = ledger.groups.reduce((max, group) => (group.last > max ? group.last : max), '');
  return {
    incident: {
      alerts: ledger.alerts,
      groups: ledger.groups.length,
      shownGroups: shown,
      newAlerts,
      first,
      last,
      ...(ledger.evictedGroups > 0 ? { olderGroupsDropped: ledger.evictedGroups, alertsInThem: ledger.evictedAlerts } : {}),
    },
  };
}

const byKey = (a: EvidenceGroup, b: EvidenceGroup): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
const rankings: readonly ((a: EvidenceGroup, b: EvidenceGroup) => number)[] = [
  (a, b) => b.last.localeCompare(a.last) || b.severity - a.severity || byKey(a, b),
  (a, b) => b.severity - a.severity || b.last.localeCompare(a.last) || byKey(a, b),
  (a, b) => a.count - b.count || b.severity - a.severity || b.last.localeCompare(a.last) || byKey(a, b),
];

/** The groups in the order the budget takes them: one from each ranking in turn, skipping those already taken. */
export function selectionOrder(groups: readonly EvidenceGroup[]): EvidenceGroup[] {
  const ranked = rankings.map((compare) => [...groups].sort(compare));
  const order: EvidenceGroup[] = [];
  const taken = new Set<string>();
  for (let rank = 0; order.length < groups.length; rank++) {
    for (const list of ranked) {
      const group = list[rank];
      if (group === undefined || taken.has(group.key)) continue;
      taken.add(group.key);
      order.push(group);
    }
  }
  return order;
}

/**
 * The digest as a data block's lines within `maxChars` (every line plus its newline counts): a header line with the
 * incident's totals, then the kept groups in time order. A group whose full line does not fit is tried in compact
 * form (no entities, no example) before it is left out; the block's note says how many were left out.
 */
export function evidenceDigest(ledger: EvidenceLedger, step: number, maxChars: number): PreparedData {
  const prepared = (lines: string[], shown: number): PreparedData => ({
    label: 'EVIDENCE',
    lines,
    total: ledger.groups.length,
    dropped: ledger.groups.length - shown,
    maxChars,
    unit: 'alert groups',
  });
  if (ledger.groups.length === 0) return prepared([], 0);
  // The header's length barely depends on the shown count; reserve it with the largest possible value.
  let used = encodeDataLine(headerItem(ledger, step, ledger.groups.length)).length + 1;
  const chosen: { group: EvidenceGroup; line: string }[] = [];
  for (const group of selectionOrder(ledger.groups)) {
    for (const compact of [false, true]) {
      const line = encodeDataLine(groupItem(group, step, compact));
      if (used + line.length + 1 > maxChars) continue;
      chosen.push({ group, line });
      used += line.length + 1;
      break;
    }
  }
  chosen.sort((a, b) => a.group.first.localeCompare(b.group.first) || byKey(a.group, b.group));
  const header = encodeDataLine(headerItem(ledger, step, chosen.length));
  const headerFits = header.length + 1 <= maxChars;
  return prepared([...(headerFits ? [header] : []), ...chosen.map((item) => item.line)], chosen.length);
}
