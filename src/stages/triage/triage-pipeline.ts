import { normalizeAlert } from '../../core/alert/normalize';
import type { NormalizedAlert } from '../../core/alert/schema';
import type { DocumentStore, IndexNames } from '../../core/ports/store';
import { closeIncidents, triageBatch, type Incident, type TriageState, type TriageBatchResult } from '../../core/triage';
import type { Logger } from '../../logger';
import { createCounters, type TriageCounters } from './counters';
import { loadAnalystClosures } from './hydrate';
import { alertWrites, writeIncidentDocuments } from './triage-writes';
import { deadLetterMessage, deadLetterRecord, type Rejection } from '../dead-letter';
import { incidentEvent, incidentEventMessage } from '../incident-event';
import { persist, type PersistOptions } from '../persist';
import type { BatchControl, BatchHandler, InboundBatch, InboundMessage, MessageProducer, OutboundMessage } from '../../core/ports/messaging';

export interface TriagePipelineOptions {
  store: DocumentStore;
  producer: MessageProducer;
  state: TriageState;
  indices: Pick<IndexNames, 'alerts' | 'incidents'>;
  topics: { dlq: string; incidentEvents: string };
  /** Dead letters are cut to fit in this many bytes (IRA_DLQ_MAX_RECORD_BYTES); unset: not cut (tests). */
  deadLetterMaxBytes?: number;
  /** Messages per write round (one bulk request of alerts); a larger fetched batch is cut into chunks. */
  chunkSize: number;
  logger: Logger;
  /** The process-wide shutdown signal. */
  signal: AbortSignal;
  retry?: { baseDelayMs: number; maxDelayMs: number };
  now?: () => Date;
  /**
   * Reloads triage state from the store, as after a restart. Called before the next chunk after a rebalance: the
   * partitions this process now holds may carry incidents another process (perhaps a dead one) formed and stored.
   */
  rehydrate?: () => Promise<TriageState>;
  /**
   * How often (at most) the ids of incidents analysts closed are reloaded from the store, before a chunk, so a later
   * alert opens a new incident instead of joining a closed one (default 2000 ms). Skipped while triage holds nothing
   * that could be closed.
   */
  closureRefreshMs?: number;
}

export interface TriagePipeline {
  handleBatch: BatchHandler;
  readonly counters: Readonly<TriageCounters>;
  /** The consumer group changed this process's partitions: triage state is reloaded before the next chunk. */
  rebalanced(): void;
}

interface Decoded {
  alerts: { source: InboundMessage; alert: NormalizedAlert }[];
  rejected: OutboundMessage[];
}

function brokerTime(message: InboundMessage): number | undefined {
  const ms = Number(message.timestamp);
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

function decode(messages: readonly InboundMessage[], maxBytes: number): Decoded {
  const decoded: Decoded = { alerts: [], rejected: [] };
  for (const source of messages) {
    if (source.value === null || source.value.length === 0) {
      decoded.rejected.push(deadLetterMessage(source, { reason: 'empty', message: 'message has no value' }, maxBytes));
      continue;
    }
    const result = normalizeAlert(source.value.toString('utf8'));
    if (result.ok) decoded.alerts.push({ source, alert: result.value });
    else decoded.rejected.push(deadLetterMessage(source, result.error, maxBytes));
  }
  return decoded;
}

/**
 * Stage 1: normalise → triage → write, then commit. Per chunk of a batch, in this order: alert documents
 * (`create`, `_id` = `ira.alert_id`: a redelivery writes nothing new), changed incidents (guarded by version),
 * dead letters and incident events; only then the offset. Triage runs once per chunk, synchronously, so
 * concurrent partitions never interleave inside it; incidents whose write has not been acknowledged stay pending
 * and are written with the next chunk if this one is abandoned.
 */
export function createTriagePipeline(options: TriagePipelineOptions): TriagePipeline {
  const counters = createCounters();
  const deadLetterMaxBytes = options.deadLetterMaxBytes ?? Infinity;
  const now = options.now ?? (() => new Date());
  const pending = new Map<string, Incident>();
  let state = options.state;
  let stale = false;
  const closureRefreshMs = options.closureRefreshMs ?? 2000;
  let closuresLoadedAt = Number.NEGATIVE_INFINITY;
  const retry = options.retry ?? { baseDelayMs: 250, maxDelayMs: 5000 };
  const persistOptions: PersistOptions = {
    logger: options.logger,
    signal: options.signal,
    ...retry,
    onRetry: () => (counters.retries += 1),
  };

  async function writeAlerts(decoded: Decoded, triage: TriageBatchResult, ingestedAt: string): Promise<OutboundMessage[]> {
    if (triage.results.length === 0) return [];
    const operations = alertWrites(triage.results, options.indices, ingestedAt);
    const outcomes = await options.store.bulk(operations, options.signal);
    const rejected: OutboundMessage[] = [];
    let indexed = 0;
    let duplicates = 0;
    outcomes.forEach((outcome, index) => {
      if (outcome.status === 'written') indexed += 1;
      else if (outcome.status === 'exists') duplicates += 1;
      else if (outcome.status === 'rejected') {
        const { source, alert } = decoded.alerts[index] as Decoded['alerts'][number];
        const rejection: Rejection = { reason: 'store-rejected', message: `${outcome.errorType}: ${outcome.reason}`, format: alert.ira.format };
        rejected.push(deadLetterMessage(source, rejection, deadLetterMaxBytes));
      }
    });
    counters.indexed += indexed;
    counters.duplicates += duplicates;
    return rejected;
  }

  /** Incidents whose document the store refused for good, with the reason: their events become dead letters. */
  async function writeIncidents(refused: Map<string, string>): Promise<void> {
    const snapshot = [...pending.values()];
    if (snapshot.length === 0) return;
    const outcomes = await writeIncidentDocuments(options.store, snapshot, options.indices.incidents, options.signal);
    outcomes.forEach((outcome, index) => {
      const incident = snapshot[index] as Incident;
      if (outcome.status === 'rejected') {
        options.logger.error('incident-rejected', { incidentId: incident.id, error: `${outcome.errorType}: ${outcome.reason}` });
        refused.set(incident.id, `${outcome.errorType}: ${outcome.reason}`);
      }
      if (outcome.status === 'written') counters.incidentsChanged += 1;
      // A newer version may have arrived from another partition meanwhile; it stays pending.
      if (pending.get(incident.id)?.version === incident.version) pending.delete(incident.id);
    });
  }

  /**
   * One event per changed incident; an incident whose document was refused gets a dead letter instead (stage 2 would
   * look for a document that is not there), with the store's reason and the event as its original.
   */
  function eventsOf(triage: TriageBatchResult, emittedAt: string, refused: ReadonlyMap<string, string>): { events: OutboundMessage[]; dead: OutboundMessage[] } {
    const alertIds = new Map<string, string[]>();
    for (const triaged of triage.results) {
      const ids = alertIds.get(triaged.incidentId) ?? [];
      ids.push(triaged.alert.ira.alert_id);
      alertIds.set(triaged.incidentId, ids);
    }
    const events: OutboundMessage[] = [];
    const dead: OutboundMessage[] = [];
    for (const change of triage.changes) {
      const message = incidentEventMessage(incidentEvent(change, alertIds.get(change.incident.id) ?? [], emittedAt));
      const reason = refused.get(change.incident.id);
      if (reason === undefined) {
        events.push(message);
        continue;
      }
      const origin = { topic: options.topics.incidentEvents, partition: -1, offset: '', timestamp: String(Date.parse(emittedAt)) };
      const rejection = { reason: 'incident-rejected' as const, message: `incident ${change.incident.id} refused by the store: ${reason}` };
      dead.push(deadLetterRecord(change.incident.id, origin, Buffer.from(message.value), rejection, deadLetterMaxBytes, { incident_id: change.incident.id }));
    }
    return { events, dead };
  }

  /**
   * Analysts' closures (false positives) reach triage state here: several processes and restarts see the same
   * store, so each reloads what was closed rather than wait for a message meant for one of them.
   */
  async function applyClosures(control: BatchControl): Promise<boolean> {
    const at = now().getTime();
    if (at - closuresLoadedAt < closureRefreshMs || (state.open.size === 0 && state.cases.size === 0)) return true;
    const window = { windowMs: state.windowMs, watermarkMs: state.watermark, limit: state.maxTrackedIncidents };
    const loaded = await persist('closures', () => loadAnalystClosures(options.store, options.indices.incidents, window, options.signal), control, persistOptions);
    if (!loaded.done) return false;
    closuresLoadedAt = at;
    const closed = closeIncidents(state, loaded.value);
    if (closed.length > 0) {
      counters.closures += closed.length;
      options.logger.info('incidents-closed-by-analyst', { count: closed.length, incidentIds: closed.slice(0, 20) });
    }
    return true;
  }

  async function handleChunk(messages: InboundMessage[], control: BatchControl): Promise<boolean> {
    // Incidents whose write is still pending would be lost by a reload: it waits until they are acknowledged.
    if (stale && options.rehydrate !== undefined && pending.size === 0) {
      const reloaded = await persist('rehydrate', options.rehydrate, control, persistOptions);
      if (!reloaded.done) return false;
      state = reloaded.value;
      stale = false;
      counters.rehydrations += 1;
      closuresLoadedAt = Number.NEGATIVE_INFINITY;
    }
    if (!(await applyClosures(control))) return false;
    counters.consumed += messages.length;
    const decoded = decode(messages, deadLetterMaxBytes);
    // The broker's timestamp is the ingest time the triage clock trusts over an alert's own claim of time.
    const ingest = decoded.alerts.map((entry) => brokerTime(entry.source));
    const triage = triageBatch(state, decoded.alerts.map((entry) => entry.alert), ingest);
    for (const change of triage.changes) pending.set(change.incident.id, change.incident);
    const at = now().toISOString();

    const alerts = await persist('alerts', () => writeAlerts(decoded, triage, at), control, persistOptions);
    if (!alerts.done) return false;
    const refused = new Map<string, string>();
    const incidents = await persist('incidents', () => writeIncidents(refused), control, persistOptions);
    if (!incidents.done) return false;
    const { events, dead: refusedIncidents } = eventsOf(triage, at, refused);
    const dead = [...decoded.rejected, ...alerts.value, ...refusedIncidents];
    // Two steps, so a retry of the events never re-sends dead letters that were already acknowledged.
    const send = (topic: string, outbound: OutboundMessage[]) => () => options.producer.send(topic, outbound, options.signal);
    if (!(await persist('dead-letters', send(options.topics.dlq, dead), control, persistOptions)).done) return false;
    counters.dlq += dead.length;
    if (!(await persist('events', send(options.topics.incidentEvents, events), control, persistOptions)).done) return false;
    counters.events += events.length;

    const last = messages[messages.length - 1] as InboundMessage;
    const committed = await persist('commit', () => control.commit(last.offset), control, persistOptions);
    if (committed.done) counters.commits += 1;
    return committed.done;
  }

  async function handleBatch(batch: InboundBatch, control: BatchControl): Promise<void> {
    for (let start = 0; start < batch.messages.length; start += options.chunkSize) {
      const chunk = batch.messages.slice(start, start + options.chunkSize);
      if (!(await handleChunk(chunk, control))) {
        options.logger.info('batch-abandoned', { topic: batch.topic, partition: batch.partition, offset: chunk[0]?.offset });
        return;
      }
    }
  }

  return {
    handleBatch,
    counters,
    rebalanced: () => {
      stale = true;
    },
  };
}
