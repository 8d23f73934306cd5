/**
 * The document-store port: what stage 1 (triage), stage 2 (agent) and replay need from Elasticsearch or OpenSearch,
 * as plain data. Adapters: `src/adapters/store/` (both engines over HTTP) and an NDJSON-file store for offline replay.
 * Every method takes an AbortSignal. Infrastructure failures throw `IraError` (`retryable` when trying again may
 * help); expected outcomes (a version conflict, a document the engine refuses) are values.
 */

export type Document = Record<string, unknown>;

/** Index names derived from one prefix (`IRA_INDEX_PREFIX`), so tests and tenants can live side by side. */
export interface IndexNames {
  alerts: string;
  incidents: string;
  recommendations: string;
  conjectures: string;
}

export function indexNames(prefix: string): IndexNames {
  return {
    alerts: `${prefix}-alerts`,
    incidents: `${prefix}-incidents`,
    recommendations: `${prefix}-recommendations`,
    conjectures: `${prefix}-conjectures`,
  };
}

/** Stage 2's durable work list (mappings/ira-agent-queue.json); apart from IndexNames, which replay does not need. */
export function agentQueueIndex(prefix: string): string {
  return `${prefix}-agent-queue`;
}

/** Optimistic concurrency: the write applies only if the document is still at this sequence number and term. */
export interface WriteCondition {
  seqNo: number;
  primaryTerm: number;
}

/**
 * One write. `create` fails with `exists` when the id is taken (idempotent first write); `index` replaces;
 * `update` merges `doc` as a partial document (objects merge key by key, arrays and values replace; fields it does
 * not name are kept), creating the document when `upsert` is true. With `onlyIfNewer` it applies only when the
 * stored `field` is absent or below `value` (a stale writer becomes a `noop`).
 */
export type WriteOperation =
  | { op: 'create'; index: string; id: string; document: Document }
  | { op: 'index'; index: string; id: string; document: Document; condition?: WriteCondition }
  | {
      op: 'update';
      index: string;
      id: string;
      doc: Document;
      upsert: boolean;
      onlyIfNewer?: { field: string; value: number };
      condition?: WriteCondition;
    };

/**
 * Outcome of one write, in the order of the operations.
 * - `written`: applied (`result` says how); carries the new sequence number and term.
 * - `noop`: an update that changed nothing (or an `onlyIfNewer` guard that held the newer stored version).
 * - `exists`: a `create` whose id was already there: a redelivery, nothing new written.
 * - `conflict`: a `condition` that no longer holds; re-read and decide again.
 * - `not-found`: an update without upsert on a missing document.
 * - `rejected`: the engine refuses this document for good (mapping error, bad value): dead-letter it, do not retry.
 */
export type WriteOutcome =
  | { status: 'written'; id: string; result: 'created' | 'updated'; seqNo: number; primaryTerm: number }
  | { status: 'noop'; id: string }
  | { status: 'exists'; id: string }
  | { status: 'conflict'; id: string }
  | { status: 'not-found'; id: string }
  | { status: 'rejected'; id: string; statusCode: number; errorType: string; reason: string };

export interface StoredDocument {
  id: string;
  index: string;
  source: Document;
  seqNo: number;
  primaryTerm: number;
}

/** All filters must match (a conjunction). Field names are dotted paths (`incident.id`). */
export type SearchFilter =
  | { kind: 'term'; field: string; value: string | number | boolean }
  | { kind: 'terms'; field: string; values: readonly (string | number | boolean)[] }
  | { kind: 'range'; field: string; gte?: string | number; gt?: string | number; lte?: string | number; lt?: string | number }
  | { kind: 'exists'; field: string };

export interface SearchRequest {
  index: string;
  filters?: readonly SearchFilter[];
  sort?: readonly { field: string; order: 'asc' | 'desc' }[];
  /** Page size; defaults to 10 like the engines. */
  size?: number;
  /** The `sort` values of the last hit of the previous page (needs a `sort` ending in a unique field). */
  searchAfter?: readonly (string | number)[];
}

export interface SearchHit extends StoredDocument {
  sort?: (string | number)[];
}

export interface SearchResult {
  /** Exact count of matching documents. A missing index counts as empty. */
  total: number;
  hits: SearchHit[];
}

/** A composable index template, as the engines' `_index_template` API takes it. */
export interface IndexTemplate {
  name: string;
  body: Document;
}

export interface DocumentStore {
  /** Applies (creates or replaces) the index templates; idempotent. */
  ensureTemplates(templates: readonly IndexTemplate[], signal: AbortSignal): Promise<void>;
  /**
   * Writes in one round trip where the engine allows. Retryable per-item failures (429, 5xx) are retried inside a
   * bounded budget; when it runs out the call throws a retryable IraError and nothing is reported as done.
   */
  bulk(operations: readonly WriteOperation[], signal: AbortSignal): Promise<WriteOutcome[]>;
  get(index: string, id: string, signal: AbortSignal): Promise<StoredDocument | undefined>;
  search(request: SearchRequest, signal: AbortSignal): Promise<SearchResult>;
  /** Makes recent writes visible to search (tests, replay reports); not needed on the ingest path. */
  refresh(index: string, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}
