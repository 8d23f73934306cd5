import type { NormalizedAlert } from '../alert/schema';

/** Triage settings. Everything but `windowMs` has a default (see DEFAULT_TRIAGE_OPTIONS and docs/triage.md). */
export interface TriageOptions {
  /** Correlation window: alerts sharing an entity within this span join one incident; idler incidents close. */
  windowMs: number;
  /** Upper bound on open incidents held in memory; past it the least recently touched one closes. */
  maxTrackedIncidents?: number;
  /**
   * Hub rule: an entity may merge this many incidents; after that it is a hub and links nothing more (it would glue
   * unrelated incidents together: a gateway, a NAT address, the SIEM manager).
   */
  hubMergeLimit?: number;
  /** Entity values never used for linking (host names, IPs, user names; case-insensitive). Added to the built-ins. */
  ignoreEntities?: readonly string[];
  /**
   * Clock skew bounds: an alert whose `@timestamp` is more than this far ahead of (behind) its ingest time does not
   * set triage time; triage uses the ingest time instead and records the skew (TriagedAlert.clockSkewMs).
   */
  maxClockAheadMs?: number;
  maxClockBehindMs?: number;
  /** Glue bound: an alert that would merge more than this many incidents joins the best one and merges none. */
  maxMergeFanOut?: number;
  /** Estimated bytes triage memory may hold (incidents, entity and signature index); idlest incidents go first. */
  maxMemoryBytes?: number;
}

/**
 * Ingest time (ms since the epoch) per alert of a batch, or one for the whole batch: the broker's timestamp of the
 * message (live) or the record's time (replay). Missing or non-finite entries fall back to the alert's own time.
 */
export type IngestTimes = number | readonly (number | undefined)[];

export const DEFAULT_WINDOW_MS = 60 * 60 * 1000;

export const DEFAULT_TRIAGE_OPTIONS = {
  windowMs: DEFAULT_WINDOW_MS,
  maxTrackedIncidents: 10_000,
  hubMergeLimit: 3,
  maxClockAheadMs: 15 * 60 * 1000,
  maxClockBehindMs: 7 * 24 * 60 * 60 * 1000,
  maxMergeFanOut: 3,
  maxMemoryBytes: 256 * 1024 * 1024,
} as const;

export interface IncidentEntities {
  hosts: string[];
  ips: string[];
  users: string[];
}

export interface Incident {
  id: string;
  status: 'open' | 'merged' | 'closed';
  merged_into?: string;
  case_id?: string;
  first_seen: string;
  last_seen: string;
  /** Document time for the index: the time of the latest evidence (equals last_seen). */
  '@timestamp': string;
  /** Every alert attached, repeats included. */
  alert_count: number;
  /** Alerts that were not repeats of a signature already seen within the window. */
  unique_alert_count: number;
  /** 0–100. */
  score: number;
  /** 0–100, ira's severity scale. */
  max_severity: number;
  /** Bounded lists (first values win); see MAX_LIST in incident-record.ts. */
  entities: IncidentEntities;
  tactics: string[];
  techniques: string[];
  rules: string[];
  formats: string[];
  /** Bumps on each change (an alert attached, a merge, a close). */
  version: number;
  /** Entity values left out by the per-alert and per-incident caps (absent when nothing was cut). */
  entities_truncated?: number;
  /** Incidents a glue alert also pointed at, recorded instead of merged (bounded; absent when none). */
  related?: string[];
}

export interface TriagedAlert {
  alert: NormalizedAlert;
  /** The incident the alert belongs to at the end of the batch (merges inside the batch already resolved). */
  incidentId: string;
  /** 0–100. */
  score: number;
  repeat: boolean;
  /** How many times this signature repeated within the window up to this alert (0 when not a repeat). */
  repeatCount: number;
  /** Entity values of this alert left out by the per-alert cap (absent when none). */
  entitiesTruncated?: number;
  /**
   * `@timestamp` minus ingest time, in ms, when it was beyond the skew bounds (absent otherwise): triage then used
   * the ingest time. The alert keeps its own `@timestamp`; the alert document should carry this as the skew.
   */
  clockSkewMs?: number;
  /** Other open incidents this alert pointed at without merging them (a glue alert; absent otherwise). */
  relatedIncidentIds?: string[];
}

export interface IncidentChange {
  /** opened: created in this batch; merged: folded into another incident in this batch; updated: anything else. */
  kind: 'opened' | 'updated' | 'merged';
  incident: Incident;
  /** On the surviving incident: the ids folded into it during this batch. */
  mergedFrom?: string[];
}

export interface TriageBatchResult {
  results: TriagedAlert[];
  changes: IncidentChange[];
}
