import type { NormalizedAlert } from '../alert/schema';
import { BatchLog } from './batch-log';
import { alertEntities, ruleLabel, signature, type AlertEntities } from './entities';
import {
  attachAlert, incidentIdForAlert, incidentIdForCase, isOlder, mergeInto, newRecord, resolve, type IncidentRecord,
} from './incident-record';
import { alertScore, incidentScore, type Novelty } from './score';
import { alertStage, alertTactics } from './stage';
import {
  advance, dropOpen, enforceBounds, liveEntry, putEntity, putOpen, putSignature, rememberCase, syncBytes,
  type EntityEntry, type TriageState,
} from './state';
import type { IngestTimes, TriageBatchResult, TriagedAlert } from './types';

interface Placement {
  record: IncidentRecord;
  /** False when the alert opened the incident. */
  joined: boolean;
  /** Other incidents a glue alert pointed at, recorded instead of merged. */
  related?: IncidentRecord[];
  /** The entities to attach, when not all of the alert's (a glue alert's that belong to other incidents are not). */
  entities?: AlertEntities;
}

/**
 * Scores the alerts and attaches each to an incident, in order. Mutates `state` in place (for speed: no copy per
 * batch) — the caller must not share one state between concurrent callers. Returns one TriagedAlert per input, in
 * input order, and one IncidentChange per incident the batch touched (opened, updated, merged or closed), carrying
 * the incident as it stands at the end of the batch.
 *
 * Time comes from the alerts' `@timestamp`, checked against `ingest` (the broker's timestamp of each message, or the
 * record's time in a replay; one number for the whole batch or one per alert): a timestamp more than
 * `maxClockAheadMs` ahead of it or `maxClockBehindMs` behind it is not trusted, triage uses the ingest time and the
 * result records the skew. Without `ingest` the alerts' own times are used as they are.
 */
export function triageBatch(state: TriageState, alerts: readonly NormalizedAlert[], ingest?: IngestTimes): TriageBatchResult {
  const log = new BatchLog();
  const results: TriagedAlert[] = [];
  const records: IncidentRecord[] = [];
  for (let i = 0; i < alerts.length; i++) {
    const alert = alerts[i] as NormalizedAlert;
    const ingestMs = typeof ingest === 'number' ? ingest : ingest?.[i];
    const { result, record } = triageOne(state, log, alert, ingestMs);
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

/** Triage time of one alert, and its skew from ingest time when that was beyond the bounds. */
function clockOf(state: TriageState, alert: NormalizedAlert, ingestMs: number | undefined): { atMs: number; skewMs?: number } {
  const parsed = Date.parse(alert['@timestamp']);
  const ingestKnown = ingestMs !== undefined && Number.isFinite(ingestMs);
  if (Number.isNaN(parsed)) return { atMs: ingestKnown ? ingestMs : Math.max(0, state.watermark) };
  if (!ingestKnown) return { atMs: parsed };
  const skewMs = parsed - ingestMs;
  if (skewMs > state.maxClockAheadMs || -skewMs > state.maxClockBehindMs) return { atMs: ingestMs, skewMs };
  return { atMs: parsed };
}

function triageOne(
  state: TriageState, log: BatchLog, alert: NormalizedAlert, ingestMs: number | undefined,
): { result: TriagedAlert; record: IncidentRecord } {
  const { atMs, skewMs } = clockOf(state, alert, ingestMs);
  advance(state, atMs, (closed) => log.touch(closed));

  const entities = alertEntities(alert, state.filter);
  const caseId = alert.ira.case_id;
  const placement =
    caseId !== undefined && caseId !== ''
      ? placeInCase(state, log, caseId, alert.ira.alert_id, atMs)
      : correlate(state, log, alert, entities, atMs);
  const { record } = placement;

  const sig = signature(alert);
  const previous = state.signatures.get(sig);
  // A "repeat" must land in an existing incident: a signature whose incident is gone starts a fresh run.
  const repeat = placement.joined && previous !== undefined && Math.abs(atMs - previous.lastMs) <= state.windowMs;
  const repeatCount = repeat ? previous.count + 1 : 0;
  putSignature(state, sig, { lastMs: Math.max(atMs, previous?.lastMs ?? atMs), count: repeatCount });

  const rule = ruleLabel(alert);
  const novelty: Novelty = repeat ? 'repeat' : rule !== undefined && record.rules.has(rule) ? 'known-rule' : 'new-rule';
  const score = alertScore(alert.event.severity, alertStage(alert.threat.tactic.id, alert.threat.tactic.name), novelty);
  const related = placement.related?.map((other) => other.id);
  attachAlert(record, {
    atMs, severity: alert.event.severity, score, repeat, entities: placement.entities ?? entities, rule,
    format: alert.ira.format, tactics: alertTactics(alert.threat.tactic.id, alert.threat.tactic.name),
    techniques: alert.threat.technique.id.length > 0 ? alert.threat.technique.id : alert.threat.technique.name,
    ...(related === undefined ? {} : { related }),
  });
  putOpen(state, record);
  syncBytes(state, record);
  log.touch(record);
  enforceBounds(state, (closed) => log.touch(closed));
  const result: TriagedAlert = { alert, incidentId: record.id, score, repeat, repeatCount };
  if (entities.truncated > 0) result.entitiesTruncated = entities.truncated;
  if (skewMs !== undefined) result.clockSkewMs = skewMs;
  if (related !== undefined) result.relatedIncidentIds = related;
  return { result, record };
}

/**
 * A case id carried by the alert wins: no entity linking, the incident id follows from the case id. A case whose
 * incident an analyst closed goes on in a new incident, named after the alert that opens it (a redelivery of that
 * alert names the same one).
 */
function placeInCase(state: TriageState, log: BatchLog, caseId: string, alertId: string, atMs: number): Placement {
  let record = state.cases.get(caseId);
  let joined = true;
  if (record === undefined || record.closedByAnalyst) {
    record = newRecord(record === undefined ? incidentIdForCase(caseId) : incidentIdForAlert(alertId), atMs, caseId);
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
  const linked = new Set<IncidentRecord>();
  const viaHub = new Set<IncidentRecord>();
  let nonHubKeys = 0;
  for (const key of entities.keys) {
    const entry = liveEntry(state, key, atMs);
    live.push(entry);
    if (entry !== undefined && entry.merges >= state.hubMergeLimit) {
      viaHub.add(entry.record);
      continue;
    }
    nonHubKeys++;
    if (entry !== undefined) linked.add(entry.record);
  }
  if (linked.size > state.maxMergeFanOut) return glue(state, entities, live, [...linked], atMs);
  const placement = pickTarget(state, log, alert, atMs, [...linked], nonHubKeys === 0 ? [...viaHub] : []);
  if (linked.size > 1) mergeAll(state, log, placement.record, [...linked], live);
  register(state, entities.keys, live, placement.record, atMs);
  return placement;
}

/**
 * A glue alert — one that would merge more than `maxMergeFanOut` incidents (a scan report, an alert listing 50
 * addresses) — merges nothing: it joins the best of them (highest score, then the older) and records the others as
 * related. Entities that belong to another live incident keep pointing there and are not added to the one joined.
 */
function glue(
  state: TriageState, entities: AlertEntities, live: readonly (EntityEntry | undefined)[],
  linked: readonly IncidentRecord[], atMs: number,
): Placement {
  let best = linked[0] as IncidentRecord;
  let bestScore = scoreOf(best);
  for (const record of linked) {
    const score = scoreOf(record);
    if (score > bestScore || (score === bestScore && isOlder(record, best))) {
      best = record;
      bestScore = score;
    }
  }
  const own: AlertEntities = { keys: [], kinds: [], values: [], hosts: [], ips: [], users: [], truncated: entities.truncated };
  const ownLive: (EntityEntry | undefined)[] = [];
  for (let i = 0; i < entities.keys.length; i++) {
    const entry = live[i];
    if (entry !== undefined && entry.record !== best) continue;
    const kind = entities.kinds[i] as AlertEntities['kinds'][number];
    const value = entities.values[i] as string;
    own.keys.push(entities.keys[i] as string);
    own.kinds.push(kind);
    own.values.push(value);
    (kind === 'host' ? own.hosts : kind === 'ip' ? own.ips : own.users).push(value);
    ownLive.push(entry);
  }
  register(state, own.keys, ownLive, best, atMs);
  return { record: best, joined: true, related: linked.filter((record) => record !== best), entities: own };
}

function scoreOf(record: IncidentRecord): number {
  return incidentScore(record.maxAlertScore, record.tactics.size, record.rules.size);
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
    dropOpen(state, loser.id);
    log.merged(winner, loser);
  }
  syncBytes(state, winner);
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
      putEntity(state, key, { record: target, lastMs: atMs, merges: 0 });
      continue;
    }
    // A hub keeps pointing at its own incident; everything else (and a dead or stale entry) follows the alert.
    const isLiveHub = live[i] !== undefined && entry.merges >= state.hubMergeLimit && resolve(entry.record) !== target;
    if (!isLiveHub) entry.record = target;
    if (live[i] === undefined) entry.lastMs = atMs;
    else if (atMs > entry.lastMs) entry.lastMs = atMs;
    putEntity(state, key, entry);
  }
}
