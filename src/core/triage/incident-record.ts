import { stableHash } from '../hash';
import type { AlertEntities } from './entities';
import { incidentScore, maxAlertScoreFrom } from './score';
import type { Incident } from './types';

/** Cap on each list an incident carries (entities, rules, tactics …): documents stay small, memory flat. */
export const MAX_LIST = 100;

/** The mutable, in-memory form of an incident. Sets give O(1) membership; arrays are built only for snapshots. */
export interface IncidentRecord {
  readonly id: string;
  status: Incident['status'];
  /** Set when merged: the record this one was folded into (follow with `resolve`). */
  mergedInto: IncidentRecord | undefined;
  readonly caseId: string | undefined;
  firstMs: number;
  lastMs: number;
  alertCount: number;
  uniqueCount: number;
  maxAlertScore: number;
  maxSeverity: number;
  version: number;
  readonly hosts: Set<string>;
  readonly ips: Set<string>;
  readonly users: Set<string>;
  readonly tactics: Set<string>;
  readonly techniques: Set<string>;
  readonly rules: Set<string>;
  readonly formats: Set<string>;
}

export function incidentIdForAlert(alertId: string): string {
  return 'inc-' + stableHash(alertId);
}

/** The case id is namespaced so a case id can never collide with an alert id. */
export function incidentIdForCase(caseId: string): string {
  return 'inc-' + stableHash('case:' + caseId);
}

export function newRecord(id: string, atMs: number, caseId?: string): IncidentRecord {
  return {
    id, status: 'open', mergedInto: undefined, caseId, firstMs: atMs, lastMs: atMs, alertCount: 0, uniqueCount: 0,
    maxAlertScore: 0, maxSeverity: 0, version: 0, hosts: new Set(), ips: new Set(), users: new Set(),
    tactics: new Set(), techniques: new Set(), rules: new Set(), formats: new Set(),
  };
}

/** Union-find `find` with path compression over merged records. */
export function resolve(record: IncidentRecord): IncidentRecord {
  let root = record;
  while (root.mergedInto !== undefined) root = root.mergedInto;
  let node = record;
  while (node.mergedInto !== undefined && node.mergedInto !== root) {
    const next: IncidentRecord = node.mergedInto;
    node.mergedInto = root;
    node = next;
  }
  return root;
}

/** The older incident survives a merge (earliest first alert; the id breaks ties so the choice is deterministic). */
export function isOlder(a: IncidentRecord, b: IncidentRecord): boolean {
  return a.firstMs < b.firstMs || (a.firstMs === b.firstMs && a.id < b.id);
}

export function addBounded(target: Set<string>, values: Iterable<string>): void {
  for (const value of values) {
    if (target.size >= MAX_LIST) return;
    target.add(value);
  }
}

export interface AlertFacts {
  readonly atMs: number;
  readonly severity: number;
  readonly score: number;
  readonly repeat: boolean;
  readonly entities: AlertEntities;
  readonly tactics: readonly string[];
  readonly techniques: readonly string[];
  readonly rule: string | undefined;
  readonly format: string;
}

export function attachAlert(record: IncidentRecord, facts: AlertFacts): void {
  record.alertCount++;
  if (!facts.repeat) record.uniqueCount++;
  if (facts.atMs < record.firstMs) record.firstMs = facts.atMs;
  if (facts.atMs > record.lastMs) record.lastMs = facts.atMs;
  if (facts.score > record.maxAlertScore) record.maxAlertScore = facts.score;
  if (facts.severity > record.maxSeverity) record.maxSeverity = facts.severity;
  addBounded(record.hosts, facts.entities.hosts);
  addBounded(record.ips, facts.entities.ips);
  addBounded(record.users, facts.entities.users);
  addBounded(record.tactics, facts.tactics);
  addBounded(record.techniques, facts.techniques);
  if (facts.rule !== undefined) addBounded(record.rules, [facts.rule]);
  addBounded(record.formats, [facts.format]);
  record.version++;
}

/** Folds `loser` into `winner`; the loser keeps its own figures as they were, marked merged. */
export function mergeInto(winner: IncidentRecord, loser: IncidentRecord): void {
  winner.alertCount += loser.alertCount;
  winner.uniqueCount += loser.uniqueCount;
  winner.firstMs = Math.min(winner.firstMs, loser.firstMs);
  winner.lastMs = Math.max(winner.lastMs, loser.lastMs);
  winner.maxAlertScore = Math.max(winner.maxAlertScore, loser.maxAlertScore);
  winner.maxSeverity = Math.max(winner.maxSeverity, loser.maxSeverity);
  for (const key of ['hosts', 'ips', 'users', 'tactics', 'techniques', 'rules', 'formats'] as const) {
    addBounded(winner[key], loser[key]);
  }
  winner.version++;
  loser.status = 'merged';
  loser.mergedInto = winner;
  loser.version++;
}

export function snapshot(record: IncidentRecord): Incident {
  const last = new Date(record.lastMs).toISOString();
  const incident: Incident = {
    id: record.id,
    status: record.status,
    first_seen: new Date(record.firstMs).toISOString(),
    last_seen: last,
    '@timestamp': last,
    alert_count: record.alertCount,
    unique_alert_count: record.uniqueCount,
    score: incidentScore(record.maxAlertScore, record.tactics.size, record.rules.size),
    max_severity: record.maxSeverity,
    entities: { hosts: [...record.hosts], ips: [...record.ips], users: [...record.users] },
    tactics: [...record.tactics],
    techniques: [...record.techniques],
    rules: [...record.rules],
    formats: [...record.formats],
    version: record.version,
  };
  if (record.mergedInto !== undefined) incident.merged_into = resolve(record).id;
  if (record.caseId !== undefined) incident.case_id = record.caseId;
  return incident;
}

/** Rebuilds a record from a stored incident (resume after restart). Timestamps that do not parse give undefined. */
export function recordFromIncident(incident: Incident): IncidentRecord | undefined {
  const firstMs = Date.parse(incident.first_seen);
  const lastMs = Date.parse(incident.last_seen);
  if (Number.isNaN(firstMs) || Number.isNaN(lastMs)) return undefined;
  const record = newRecord(incident.id, firstMs, incident.case_id);
  record.status = incident.status;
  record.lastMs = lastMs;
  record.alertCount = incident.alert_count;
  record.uniqueCount = incident.unique_alert_count;
  record.maxSeverity = incident.max_severity;
  record.version = incident.version;
  addBounded(record.hosts, incident.entities.hosts);
  addBounded(record.ips, incident.entities.ips);
  addBounded(record.users, incident.entities.users);
  addBounded(record.tactics, incident.tactics);
  addBounded(record.techniques, incident.techniques);
  addBounded(record.rules, incident.rules);
  addBounded(record.formats, incident.formats);
  record.maxAlertScore = maxAlertScoreFrom(incident.score, record.tactics.size, record.rules.size);
  return record;
}
