/** Running totals of stage 1, for logs, the CLI and the ingest bench. Mutated only by the pipeline. */
export interface TriageCounters {
  /** Messages taken from the alerts topic (redeliveries included). */
  consumed: number;
  /** Alert documents newly written to the alerts index. */
  indexed: number;
  /** Alerts already in the index (a redelivery): nothing new written. */
  duplicates: number;
  /** Messages sent to the dead-letter topic (normaliser rejections and documents the store refused). */
  dlq: number;
  /** Incident documents written (opened, updated, merged or closed). */
  incidentsChanged: number;
  /** Events produced to the incident-events topic. */
  events: number;
  /** Offsets committed (batches or chunks of batches). */
  commits: number;
  /** Failed write attempts that were retried after a wait (store or Kafka unavailable). */
  retries: number;
  /** Triage state reloaded from the store after a rebalance. */
  rehydrations: number;
  /** Incidents closed in triage state because an analyst closed them (a false positive; see closeIncidents). */
  closures: number;
}

export function createCounters(): TriageCounters {
  return { consumed: 0, indexed: 0, duplicates: 0, dlq: 0, incidentsChanged: 0, events: 0, commits: 0, retries: 0, rehydrations: 0, closures: 0 };
}
