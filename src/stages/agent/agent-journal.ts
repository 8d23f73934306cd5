import type { DocumentStore, WriteOperation } from '../../core/ports/store';
import { ErrorCodes, IraError } from '../../errors';
import type { QueuedWork } from './work-queue';

/** How an incident stands in stage 2's durable work list (`<prefix>-agent-queue`, one document per incident). */
export type JournalStatus = 'queued' | 'done' | 'not-analysed' | 'dead-lettered';

export interface JournalEntry {
  readonly incidentId: string;
  readonly version: number;
  readonly score: number;
  /** Stage 1's status of the incident at this version. */
  readonly incidentStatus: string;
  /** For `not-analysed`: "not analysed: <why>". */
  readonly reason?: string;
}

/** What a step's work goes back to the queue with after its document was read from the store. */
export interface AgentJournal {
  /** Records events as queued or not analysed; an older version never overwrites a newer one. */
  record(entries: readonly { entry: JournalEntry; status: 'queued' | 'not-analysed' }[], at: string, signal: AbortSignal): Promise<void>;
  /** The best queued work (highest score first), for a restart or a queue that dropped work. */
  queued(limit: number, now: number, signal: AbortSignal): Promise<QueuedWork[]>;
  /** A backoff, so a restart does not retry at once. */
  defer(incidentId: string, notBefore: number, attempts: number, error: string, signal: AbortSignal): Promise<void>;
  /** Ends the work of `version`, unless a newer version was queued meanwhile (that one stays queued). */
  finish(incidentId: string, version: number, status: 'done' | 'dead-lettered', reason: string | undefined, signal: AbortSignal): Promise<void>;
}

const FINISH_ROUNDS = 10;

export function createAgentJournal(store: DocumentStore, index: string): AgentJournal {
  return {
    async record(entries, at, signal) {
      if (entries.length === 0) return;
      const operations: WriteOperation[] = entries.map(({ entry, status }) => ({
        op: 'update',
        index,
        id: entry.incidentId,
        doc: {
          '@timestamp': at,
          incident: { id: entry.incidentId },
          version: entry.version,
          score: entry.score,
          status,
          incident_status: entry.incidentStatus,
          reason: entry.reason ?? null,
          queued_at: at,
          not_before: null,
          attempts: 0,
          last_error: null,
        },
        upsert: true,
        onlyIfNewer: { field: 'version', value: entry.version },
      }));
      const outcomes = await store.bulk(operations, signal);
      const refused = outcomes.find((outcome) => outcome.status === 'rejected' || outcome.status === 'conflict');
      if (refused) {
        // Our own small document: a refusal is a bug or a broken template, and a conflict means it kept changing.
        throw new IraError(refused.status === 'conflict' ? ErrorCodes.storeConflict : ErrorCodes.storeRejected, `agent queue write failed for ${refused.id}`, {
          retryable: refused.status === 'conflict',
          details: { ...refused },
        });
      }
    },

    async queued(limit, now, signal) {
      const result = await store.search(
        { index, filters: [{ kind: 'term', field: 'status', value: 'queued' }], sort: [{ field: 'score', order: 'desc' }], size: limit },
        signal,
      );
      return result.hits.map((hit): QueuedWork => {
        const source = hit.source;
        const notBefore = typeof source['not_before'] === 'string' ? Date.parse(source['not_before']) : 0;
        return {
          incidentId: hit.id,
          version: typeof source['version'] === 'number' ? source['version'] : 0,
          score: typeof source['score'] === 'number' ? source['score'] : 0,
          // The events' alert ids are not kept: the step reads the incident's latest alerts.
          alertIds: [],
          truncated: true,
          readyAt: now,
          notBefore: Number.isNaN(notBefore) ? 0 : notBefore,
          attempts: typeof source['attempts'] === 'number' ? source['attempts'] : 0,
        };
      });
    },

    async defer(incidentId, notBefore, attempts, error, signal) {
      await store.bulk(
        [{ op: 'update', index, id: incidentId, doc: { not_before: new Date(notBefore).toISOString(), attempts, last_error: error.slice(0, 2000) }, upsert: false }],
        signal,
      );
    },

    async finish(incidentId, version, status, reason, signal) {
      for (let round = 0; round < FINISH_ROUNDS; round++) {
        const stored = await store.get(index, incidentId, signal);
        if (stored === undefined) return;
        const storedVersion = stored.source['version'];
        if (typeof storedVersion === 'number' && storedVersion > version) return;
        const [outcome] = await store.bulk(
          [
            {
              op: 'update',
              index,
              id: incidentId,
              doc: { status, reason: reason ?? null, '@timestamp': new Date().toISOString() },
              upsert: false,
              condition: { seqNo: stored.seqNo, primaryTerm: stored.primaryTerm },
            },
          ],
          signal,
        );
        if (outcome?.status !== 'conflict') return;
      }
      throw new IraError(ErrorCodes.storeConflict, `agent queue entry ${incidentId} kept changing`, { retryable: true });
    },
  };
}
