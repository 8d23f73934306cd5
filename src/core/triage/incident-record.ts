import { stableHash } from '../hash';
import type { AlertEntities } from './entities';
import { incidentScore, maxAlertScoreFrom } from './score';
import type { Incident } from './types';

/** Cap on each list an incident carries (entities, rules, tactics …): documents stay small, memory flat. */
export const MAX_LIST = 100;
/** Cap on the incidents a glue alert records as related to the one it joined. */
export const MAX_RELATED = 20;

/**
 * Byte estimate of what triage holds, for the memory budget: V8 object and Set/Map entry overheads as round
 * constants, strings at 2 bytes a character (worst case, two-byte strings). An estimate, not a measurement; it
 * grows with the length of what is held, not just with the count.
 */
export const RECORD_BYTES = 800;
export const VALUE_BYTES = 64;
export const stringBytes = (value: string): number => 2 * value.length;

/** The mutable, in-memory form of an incident. Sets give O(1) membership; arrays are built only for snapshots. */
export interface IncidentRecord {
  readonly id: string;
  status: Incident['status'];
  /** Closed by an analyst (a false positive): final, never reopened, not even by a later alert of its case. */
  closedByAnalyst: boolean;
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
  /** Incidents glue alerts pointed at without merging (bounded by MAX_RELATED). */
  readonly related: Set<string>;
  /** Entity values left out by the per-alert and per-incident caps. */
  entitiesTruncated: number;
  /** Estimated bytes of this record (see RECORD_BYTES); kept up to date as values are added. */
  bytes: number;
  /** The part of `bytes` the triage state's estimate currently counts (0 while not held open). */
  countedBytes: number;
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
    id, status: 'open', closedByAnalyst: false, mergedInto: undefined, caseId, firstMs: atMs, lastMs: atMs, alertCount: 0, uniqueCount: 0,
    maxAlertScore: 0, maxSeverity: 0, version: 0, hosts: new Set(), ips: new Set(), users: new Set(),
    tactics: new Set(), techniques: new Set(), rules: new Set(), formats: new Set(), related: new Set(),
    entitiesTruncated: 0, countedBytes: 0, bytes: RECORD_BYTES + stringBytes(id) + (caseId === undefined ? 0 : stringBytes(caseId)),
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

type ListKey = 'hosts' | 'ips' | 'users' | 'tactics' | 'techniques' | 'rules' | 'formats' | 'related';

/** Adds values to one of the record's bounded lists, keeping its byte estimate; returns how many did not fit. */
export function addBounded(record: IncidentRecord, list: ListKey, values: Iterable<string>, cap = MAX_LIST): number {
  const target = record[list];
  let cut = 0;
  for (const value of values) {
    if (target.has(value)) continue;
    if (target.size >= cap) {
      cut++;
      continue;
    }
    target.add(value);
    record.bytes += VALUE_BYTES + stringBytes(value);
  }
  return cut;
}

function addEntities(record: IncidentRecord, hosts: Iterable<string>, ips: Iterable<string>, users: Iterable<string>): void {
  record.entitiesTruncated +=
    addBounded(record, 'hosts', hosts) + addBounded(record, 'ips', ips) + addBounded(record, 'users', users);
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
  /** Incidents a glue alert pointed at besides this one (recorded, not merged). */
  readonly related?: readonly string[];
}

export function attachAlert(record: IncidentRecord, facts: AlertFacts): void {
  record.alertCount++;
  if (!facts.repeat) record.uniqueCount++;
  if (facts.atMs < record.firstMs) record.firstMs = facts.atMs;
  if (facts.atMs > record.lastMs) record.lastMs = facts.atMs;
  if (facts.score > record.maxAlertScore) record.maxAlertScore = facts.score;
  if (facts.severity > record.maxSeverity) record.maxSeverity = facts.severity;
  addEntities(record, facts.entities.hosts, facts.entities.ips, facts.entities.users);
  record.entitiesTruncated += facts.entities.truncated;
  addBounded(record, 'tactics', facts.tactics);
  addBounded(record, 'techniques', facts.techniques);
  if (facts.rule !== undefined) addBounded(record, 'rules', [facts.rule]);
  addBounded(record, 'formats', [facts.format]);
  addBounded(record, 'related', facts.related ?? [], MAX_RELATED);
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
  addEntities(winner, loser.hosts, loser.ips, loser.users);
  winner.entitiesTruncated += loser.entitiesTruncated;
  for (const key of ['tactics', 'techniques', 'rules', 'formats'] as const) addBounded(winner, key, loser[key]);
  addBounded(winner, 'related', [...loser.related].filter((id) => id !== winner.id), MAX_RELATED);
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
  if (record.entitiesTruncated > 0) incident.entities_truncated = record.entitiesTruncated;
  if (record.related.size > 0) incident.related = [...record.related];
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
  addEntities(record, incident.entities.hosts, incident.entities.ips, incident.entities.users);
  record.entitiesTruncated += incident.entities_truncated ?? 0;
  addBounded(record, 'tactics', incident.tactics);
  addBounded(record, 'techniques', incident.techniques);
  addBounded(record, 'rules', incident.rules);
  addBounded(record, 'formats', incident.formats);
  addBounded(record, 'related', incident.related ?? [], MAX_RELATED);
  record.maxAlertScore = maxAlertScoreFrom(incident.score, record.tactics.size, record.rules.size);
  return record;
}
