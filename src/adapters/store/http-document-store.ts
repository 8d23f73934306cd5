import type {
  DocumentStore,
  IndexTemplate,
  SearchRequest,
  SearchResult,
  StoredDocument,
  WriteOperation,
  WriteOutcome,
} from '../../core/ports/store';
import { ErrorCodes, IraError, describeError } from '../../errors';
import type { Logger } from '../../logger';
import { backoffDelay, sleep } from '../../retry';
import { bulkBody, itemOutcome, unwrapItem, type BulkItemResponse } from './bulk-body';
import { ensureAlertsLifecycle, type LifecycleOptions, type LifecycleReport } from './lifecycle';
import { guardedUpdates, isGuardedUpdate, type GuardedUpdate, type StoredVersion } from './guarded-update';
import { getPath } from '../../core/alert/get-path';
import { searchBody, toHit, toStoredDocument, type RawHit } from './search-body';
import type { StoreTransport } from './transport';

export interface HttpDocumentStoreOptions {
  transport: StoreTransport;
  logger: Logger;
  /** How long one `bulk` call keeps retrying retryable failures before it throws (IRA_STORE_RETRY_MAX_MS). */
  retryMaxMs: number;
  baseDelayMs?: number;
  now?: () => number;
  random?: () => number;
}

interface BulkResponse {
  errors?: boolean;
  items?: Record<string, BulkItemResponse>[];
}

/** The engines' store adds retention, which the offline NDJSON store has no use for. */
export interface EngineDocumentStore extends DocumentStore {
  /**
   * ILM (Elasticsearch) or ISM (OpenSearch) for the alerts index and its write alias; idempotent. Call at startup
   * after `ensureTemplates` and before the first write to `<prefix>-alerts` (see lifecycle.ts).
   */
  ensureLifecycle(options: LifecycleOptions, signal: AbortSignal): Promise<LifecycleReport>;
}

/** The document store over the engines' REST API; the same code serves Elasticsearch and OpenSearch. */
export function createHttpDocumentStore(options: HttpDocumentStoreOptions): EngineDocumentStore {
  const { transport, logger } = options;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const policy = { attempts: Number.MAX_SAFE_INTEGER, baseDelayMs: options.baseDelayMs ?? 200, maxDelayMs: 5000 };

  async function bulkOnce(operations: readonly WriteOperation[], signal: AbortSignal): Promise<(WriteOutcome | undefined)[]> {
    const response = await transport.request({ method: 'POST', path: '/_bulk', ndjson: bulkBody(operations) }, signal);
    const items = (response.body as BulkResponse).items ?? [];
    if (items.length !== operations.length) {
      throw new IraError(ErrorCodes.storeUnavailable, `${transport.flavor} bulk answered ${items.length} items for ${operations.length}`, {
        retryable: true,
      });
    }
    return operations.map((operation, index) => itemOutcome(operation, unwrapItem(items[index] ?? {})));
  }

  async function bulkWithRetry(operations: readonly WriteOperation[], signal: AbortSignal): Promise<WriteOutcome[]> {
    const outcomes: (WriteOutcome | undefined)[] = new Array<WriteOutcome | undefined>(operations.length).fill(undefined);
    let pending = operations.map((_, index) => index);
    const deadline = now() + options.retryMaxMs;
    for (let attempt = 1; pending.length > 0; attempt++) {
      let lastError: unknown;
      try {
        const answers = await bulkOnce(pending.map((index) => operations[index] as WriteOperation), signal);
        pending.forEach((index, position) => (outcomes[index] = answers[position]));
        pending = pending.filter((index) => outcomes[index] === undefined);
        if (pending.length === 0) break;
      } catch (error) {
        if (!IraError.isInstance(error) || !error.retryable) throw error;
        lastError = error;
      }
      const delayMs = backoffDelay(attempt, policy, random);
      if (now() + delayMs > deadline) {
        throw new IraError(ErrorCodes.storeUnavailable, `${transport.flavor} bulk: ${pending.length} of ${operations.length} writes not acknowledged within ${options.retryMaxMs} ms`, {
          retryable: true,
          cause: lastError,
          details: { pending: pending.length },
        });
      }
      logger.debug('store-bulk-retry', { attempt, pending: pending.length, delayMs, error: lastError ? describeError(lastError) : 'item-level' });
      await sleep(delayMs, signal);
    }
    return outcomes as WriteOutcome[];
  }

  async function versions(operations: readonly GuardedUpdate[], signal: AbortSignal): Promise<(StoredVersion | undefined)[]> {
    const docs = operations.map((operation) => ({ _index: operation.index, _id: operation.id, _source: [operation.onlyIfNewer.field] }));
    const response = await transport.request({ method: 'POST', path: '/_mget', body: { docs } }, signal);
    const found = (response.body as { docs?: (RawHit & { found?: boolean })[] }).docs ?? [];
    return operations.map((operation, index) => {
      const doc = found[index];
      if (!doc?.found) return undefined;
      const value = getPath(doc._source ?? {}, operation.onlyIfNewer.field);
      return { value: typeof value === 'number' ? value : undefined, seqNo: doc._seq_no ?? -1, primaryTerm: doc._primary_term ?? -1 };
    });
  }

  /** Plain writes in one bulk; version-guarded updates by read-then-conditional-write (see guarded-update.ts). */
  async function bulk(operations: readonly WriteOperation[], signal: AbortSignal): Promise<WriteOutcome[]> {
    const plain = operations.map((operation, index) => ({ operation, index })).filter((entry) => !isGuardedUpdate(entry.operation));
    const guarded = operations.map((operation, index) => ({ operation, index })).filter((entry) => isGuardedUpdate(entry.operation));
    const outcomes = new Array<WriteOutcome>(operations.length);
    if (plain.length > 0) {
      const results = await bulkWithRetry(plain.map((entry) => entry.operation), signal);
      plain.forEach((entry, position) => (outcomes[entry.index] = results[position] as WriteOutcome));
    }
    if (guarded.length > 0) {
      const results = await guardedUpdates(guarded.map((entry) => entry.operation as GuardedUpdate), { bulk: bulkWithRetry, versions }, signal);
      guarded.forEach((entry, position) => (outcomes[entry.index] = results[position] as WriteOutcome));
    }
    return outcomes;
  }

  return {
    async ensureTemplates(templates: readonly IndexTemplate[], signal: AbortSignal): Promise<void> {
      for (const template of templates) {
        await transport.request({ method: 'PUT', path: `/_index_template/${encodeURIComponent(template.name)}`, body: template.body }, signal);
      }
    },
    ensureLifecycle: (lifecycle, signal) => ensureAlertsLifecycle(transport, lifecycle, signal),
    bulk,
    async get(index: string, id: string, signal: AbortSignal): Promise<StoredDocument | undefined> {
      const path = `/${encodeURIComponent(index)}/_doc/${encodeURIComponent(id)}`;
      const response = await transport.request({ method: 'GET', path, ignore: [404] }, signal);
      const body = response.body as RawHit & { found?: boolean };
      if (response.statusCode === 404 || body.found !== true) return undefined;
      return toStoredDocument(body);
    },
    async search(request: SearchRequest, signal: AbortSignal): Promise<SearchResult> {
      const response = await transport.request(
        {
          method: 'POST',
          path: `/${encodeURIComponent(request.index)}/_search`,
          querystring: { ignore_unavailable: true },
          body: searchBody(request),
        },
        signal,
      );
      const hits = (response.body as { hits?: { total?: { value?: number } | number; hits?: RawHit[] } }).hits;
      const total = typeof hits?.total === 'number' ? hits.total : (hits?.total?.value ?? 0);
      return { total, hits: (hits?.hits ?? []).map(toHit) };
    },
    async refresh(index: string, signal: AbortSignal): Promise<void> {
      await transport.request(
        { method: 'POST', path: `/${encodeURIComponent(index)}/_refresh`, querystring: { ignore_unavailable: true } },
        signal,
      );
    },
    close: () => transport.close(),
  };
}
