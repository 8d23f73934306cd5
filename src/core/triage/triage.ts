import type { NormalizedAlert } from '../alert/schema';
import { BatchLog } from './batch-log';
import { alertEntities, ruleLabel, signature, type AlertEntities } from './entities';
import {
  attachAlert, incidentIdForAlert, incidentIdForCase, isOlder, mergeInto, newRecord, resolve, type IncidentRecord,
} from './incident-record';
import { alertScore, type Novelty } from './score';
import { alertStage, alertTactics } from './stage';
import { advance, enforceBounds, liveEntry, rememberCase, touch, type EntityEntry, type TriageState } from './state';
import type { TriageBatchResult, TriagedAlert } from './types';

interface Placement {
  record: IncidentRecord;
  /** False when the alert opened the incident. */
  joined: boolean;
}

/**
 * Scores the alerts and attaches each to an incident, in order. Mutates `state` in place (for speed: no copy per
 * batch) — the caller must not share one state between concurrent callers. Returns one TriagedAlert per input, in
 * input order, and one IncidentChange per incident the batch touched (opened, updated, merged or closed), carrying
 * the incident as it stands at the end of the batch. Time comes only from the alerts' `@timestamp`.
 */
export function triageBatch(state: TriageState, alerts: readonly NormalizedAlert[]): TriageBatchResult {
  const log = new BatchLog();
  const results: TriagedAlert[] = [];
  const records: IncidentRecord[] = [];
  for (const alert of alerts) {
    const { result, record } = triageOne(state, log, alert);
    results.push(result);
    records.push(record);
  }
  // An incident opened early in the batch may have been merged later in it: report where the alert ended up.
  for (let i = 0; i < results.length; i++) {
    const record = records[i];
    const result = results[i];
    if (record !== undefined && result !== undefined) result.incidentId = resolve(record).id;
  }
  return { results, changes: log.changes() };
}

function triageOne(state: TriageState, log: BatchLog, alert: NormalizedAlert): { result: TriagedAlert; record: IncidentRecord } {
  const parsed = Date.parse(alert['@timestamp']);
  const atMs = Number.isNaN(parsed) ? Math.max(0, state.watermark) : parsed;
  advance(state, atMs, (closed) => log.touch(closed));

  const entities = alertEntities(alert, state.filter);
  const caseId = alert.ira.case_id;
  const placement =
    caseId !== undefined && caseId !== ''
      ? placeInCase(state, log, caseId, atMs)
      : correlate(state, log, alert, entities, atMs);
  const { record } = placement;

  const sig = signature(alert);
  const previous = state.signatures.get(sig);
  // A "repeat" must land in an existing incident: a signature whose incident is gone starts a fresh run.
  const repeat = placement.joined && previous !== undefined && Math.abs(atMs - previous.lastMs) <= state.windowMs;
  const repeatCount = repeat ? previous.count + 1 : 0;
  touch(state.signatures, sig, { lastMs: Math.max(atMs, previous?.lastMs ?? atMs), count: repeatCount });

  const rule = ruleLabel(alert);
  const novelty: Novelty = repeat ? 'repeat' : rule !== undefined && record.rules.has(rule) ? 'known-rule' : 'new-rule';
  const score = alertScore(alert.event.severity, alertStage(alert.threat.tactic.id, alert.threat.tactic.name), novelty);
  attachAlert(record, {
    atMs, severity: alert.event.severity, score, repeat, entities, rule, format: alert.ira.format,
    tactics: alertTactics(alert.threat.tactic.id, alert.threat.tactic.name),
    techniques: alert.threat.technique.id.length > 0 ? alert.threat.technique.id : alert.threat.technique.name,
  });
  touch(state.open, record.id, record);
  log.touch(record);
  enforceBounds(state, (closed) => log.touch(closed));
  return { result: { alert, incidentId: record.id, score, repeat, repeatCount }, record };
}

/** A case id carried by the alert wins: no entity linking, the incident id follows from the case id. */
function placeInCase(state: TriageState, log: BatchLog, caseId: string, atMs: number): Placement {
  let record = state.cases.get(caseId);
  let joined = true;
  if (record === undefined) {
    record = newRecord(incidentIdForCase(caseId), atMs, caseId);
    log.opened(record);
    joined = false;
  } else if (record.status === 'closed') {
    record.status = 'open';
  }
  rememberCase(state, record);
  return { record, joined };
}

/**
 * Union-find over shared entities. Live, non-hub entries name the incidents this alert links; the oldest survives
 * and the others merge into it. An alert whose only known entities are hubs joins the hub's own incident (a
 * firewall's alerts about itself still group) but never merges; an alert with any fresh entity opens a new incident
 * rather than hang on a hub.
 */
function correlate(
  state: TriageState, log: BatchLog, alert: NormalizedAlert, entities: AlertEntities, atMs: number,
): Placement {
  const live: (EntityEntry | undefined)[] = [];
  const linked: IncidentRecord[] = [];
  const viaHub: IncidentRecord[] = [];
  let nonHubKeys = 0;
  for (const key of entities.keys) {
    const entry = liveEntry(state, key, atMs);
    live.push(entry);
    if (entry !== undefined && entry.merges >= state.hubMergeLimit) {
      if (!viaHub.includes(entry.record)) viaHub.push(entry.record);
      continue;
    }
    nonHubKeys++;
    if (entry !== undefined && !linked.includes(entry.record)) linked.push(entry.record);
  }
  const placement = pickTarget(state, log, alert, atMs, linked, nonHubKeys === 0 ? viaHub : []);
  if (linked.length > 1) mergeAll(state, log, placement.record, linked, live);
  register(state, entities.keys, live, placement.record, atMs);
  return placement;
}

function pickTarget(
  state: TriageState, log: BatchLog, alert: NormalizedAlert, atMs: number,
  linked: readonly IncidentRecord[], hubOnly: readonly IncidentRecord[],
): Placement {
  const candidates = linked.length > 0 ? linked : hubOnly;
  if (candidates.length > 0) return { record: oldest(candidates), joined: true };
  const id = incidentIdForAlert(alert.ira.alert_id);
  // The same first alert delivered again while its incident is open: that incident, not a second one with its id.
  const existing = state.open.get(id);
  if (existing !== undefined) return { record: existing, joined: true };
  const record = newRecord(id, atMs);
  log.opened(record);
  return { record, joined: false };
}

function oldest(records: readonly IncidentRecord[]): IncidentRecord {
  let best = records[0] as IncidentRecord;
  for (const record of records) if (isOlder(record, best)) best = record;
  return best;
}

function mergeAll(
  state: TriageState, log: BatchLog, winner: IncidentRecord, linked: readonly IncidentRecord[],
  live: readonly (EntityEntry | undefined)[],
): void {
  for (const loser of linked) {
    if (loser === winner) continue;
    mergeInto(winner, loser);
    state.open.delete(loser.id);
    log.merged(winner, loser);
  }
  // Every entity that took part pays for the merge: a hub is an entity that keeps doing this.
  for (const entry of live) if (entry !== undefined) entry.merges += linked.length - 1;
}

function register(
  state: TriageState, keys: readonly string[], live: readonly (EntityEntry | undefined)[], target: IncidentRecord,
  atMs: number,
): void {
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const entry = live[i] ?? state.entities.get(key);
    if (entry === undefined) {
      touch(state.entities, key, { record: target, lastMs: atMs, merges: 0 });
      continue;
    }
    // A hub keeps pointing at its own incident; everything else (and a dead or stale entry) follows the alert.
    const isLiveHub = live[i] !== undefined && entry.merges >= state.hubMergeLimit && resolve(entry.record) !== target;
    if (!isLiveHub) entry.record = target;
    if (live[i] === undefined) entry.lastMs = atMs;
    else if (atMs > entry.lastMs) entry.lastMs = atMs;
    touch(state.entities, key, entry);
  }
}
