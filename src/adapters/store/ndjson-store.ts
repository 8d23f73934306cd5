import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCodes, IraError } from '../../errors';
import { getPath } from '../../core/alert/get-path';
import { mappingRefusal, templateFields, writtenDocuments, type TemplateFields } from './mapping-check';
import type {
  Document,
  DocumentStore,
  IndexTemplate,
  SearchRequest,
  SearchResult,
  StoredDocument,
  WriteOperation,
  WriteOutcome,
} from '../../core/ports/store';

/**
 * The document-store port on plain files, for offline replay: one `<index>.ndjson` per index under a folder, one
 * line per document (`{"_id": ..., "_source": {...}}`), in the order documents were first written. The store keeps
 * everything in memory and rewrites an index's file after each bulk that touched it (write to a temporary file, then
 * rename), so the folder is always a complete, readable snapshot. Reopening a folder loads what is there.
 * Same semantics as the engines for what the pipeline uses: create/index/update, conditions, onlyIfNewer, search.
 */
interface Entry {
  source: Document;
  seqNo: number;
  primaryTerm: number;
}

export interface NdjsonStoreOptions {
  readonly directory: string;
}

interface IndexData {
  readonly entries: Map<string, Entry>;
}

export const NDJSON_SUFFIX = '.ndjson';

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isPlainObject(value: unknown): value is Document {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A partial-document update as the engines apply it: objects merge key by key, arrays and other values replace. */
function mergeDocument(stored: Document, partial: Document): Document {
  const merged: Document = { ...stored };
  for (const [key, value] of Object.entries(partial)) {
    const current = merged[key];
    merged[key] = isPlainObject(current) && isPlainObject(value) ? mergeDocument(current, value) : value;
  }
  return merged;
}

/** The engines' write semantics on one in-memory index (see WriteOperation in the port). */
function applyWrite(entries: Map<string, Entry>, operation: WriteOperation, nextSeqNo: () => number): WriteOutcome {
  const { id } = operation;
  const current = entries.get(id);
  const written = (source: Document, result: 'created' | 'updated'): WriteOutcome => {
    const entry = { source: structuredClone(source), seqNo: nextSeqNo(), primaryTerm: 1 };
    entries.set(id, entry);
    return { status: 'written', id, result, seqNo: entry.seqNo, primaryTerm: entry.primaryTerm };
  };
  if (operation.op !== 'create' && operation.condition !== undefined) {
    const { seqNo, primaryTerm } = operation.condition;
    if (current === undefined || current.seqNo !== seqNo || current.primaryTerm !== primaryTerm) return { status: 'conflict', id };
  }
  switch (operation.op) {
    case 'create':
      return current === undefined ? written(operation.document, 'created') : { status: 'exists', id };
    case 'index':
      return written(operation.document, current === undefined ? 'created' : 'updated');
    case 'update': {
      if (current === undefined) return operation.upsert ? written(operation.doc, 'created') : { status: 'not-found', id };
      const guard = operation.onlyIfNewer;
      if (guard !== undefined) {
        const stored = getPath(current.source, guard.field);
        if (typeof stored === 'number' && stored >= guard.value) return { status: 'noop', id };
      }
      const merged = mergeDocument(current.source, operation.doc);
      return sameJson(merged, current.source) ? { status: 'noop', id } : written(merged, 'updated');
    }
  }
}

type Scalar = string | number | boolean;

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return 1;
  if (b === undefined || b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  // Mixed or structured values: order by their JSON text (the engines would refuse to sort on them at all).
  const left = JSON.stringify(a);
  const right = JSON.stringify(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

function rangeValue(value: unknown, bound: string | number): [unknown, string | number] {
  // Dates in ISO form compare as instants, like the engines' date fields.
  if (typeof bound === 'string' && typeof value === 'string') {
    const left = Date.parse(value);
    const right = Date.parse(bound);
    if (!Number.isNaN(left) && !Number.isNaN(right)) return [left, right];
  }
  return [value, bound];
}

function matchesFilter(document: Document, filter: NonNullable<SearchRequest['filters']>[number]): boolean {
  const value = getPath(document, filter.field);
  const values = Array.isArray(value) ? (value as unknown[]) : [value];
  switch (filter.kind) {
    case 'term':
      return values.some((item) => item === filter.value);
    case 'terms':
      return values.some((item) => filter.values.includes(item as Scalar));
    case 'exists':
      return values.some((item) => item !== undefined && item !== null);
    case 'range':
      return values.some((item) => {
        if (item === undefined || item === null) return false;
        const test = (bound: string | number | undefined, ok: (c: number) => boolean) => {
          if (bound === undefined) return true;
          const [left, right] = rangeValue(item, bound);
          return ok(compare(left, right));
        };
        return test(filter.gte, (c) => c >= 0) && test(filter.gt, (c) => c > 0) && test(filter.lte, (c) => c <= 0) && test(filter.lt, (c) => c < 0);
      });
  }
}

function searchEntries(request: SearchRequest, entries: ReadonlyMap<string, Entry>, index: string): SearchResult {
  const sort = request.sort ?? [];
  const sortValue = (id: string, source: Document, field: string): unknown => (field === '_id' ? id : getPath(source, field));
  const matching = [...entries]
    .filter(([, entry]) => (request.filters ?? []).every((filter) => matchesFilter(entry.source, filter)))
    .map(([id, entry]) => ({ id, entry, sort: sort.map((key) => sortValue(id, entry.source, key.field)) }));
  matching.sort((a, b) => {
    for (const [position, key] of sort.entries()) {
      const order = compare(a.sort[position], b.sort[position]);
      if (order !== 0) return key.order === 'asc' ? order : -order;
    }
    return 0;
  });
  let start = 0;
  if (request.searchAfter !== undefined) {
    const after = request.searchAfter;
    start = matching.findIndex((hit) =>
      sort.some((key, position) => {
        const order = compare(hit.sort[position], after[position]);
        const earlierEqual = sort.slice(0, position).every((_, p) => compare(hit.sort[p], after[p]) === 0);
        return earlierEqual && (key.order === 'asc' ? order > 0 : order < 0);
      }),
    );
    if (start < 0) start = matching.length;
  }
  const hits = matching.slice(start, start + (request.size ?? 10)).map((hit) => ({
    id: hit.id,
    index,
    source: structuredClone(hit.entry.source),
    seqNo: hit.entry.seqNo,
    primaryTerm: hit.entry.primaryTerm,
    sort: hit.sort.map((value) => (typeof value === 'number' ? value : String(value))),
  }));
  return { total: matching.length, hits };
}

export class NdjsonStore implements DocumentStore {
  readonly directory: string;
  private readonly indices = new Map<string, IndexData>();
  private readonly templates = new Map<string, IndexTemplate>();
  private readonly typedFields = new Map<string, TemplateFields>();
  private seqNo = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(directory: string) {
    this.directory = directory;
  }

  /** Opens (creating when missing) a folder and loads every `*.ndjson` in it. */
  static async open(options: NdjsonStoreOptions): Promise<NdjsonStore> {
    const store = new NdjsonStore(options.directory);
    await mkdir(options.directory, { recursive: true });
    for (const name of await readdir(options.directory)) {
      if (!name.endsWith(NDJSON_SUFFIX)) continue;
      await store.load(name.slice(0, -NDJSON_SUFFIX.length), join(options.directory, name));
    }
    return store;
  }

  private async load(index: string, path: string): Promise<void> {
    const data = this.indexData(index);
    const lines = (await readFile(path, 'utf8')).split('\n');
    for (const [number, line] of lines.entries()) {
      if (line.trim() === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch (error) {
        throw new IraError(ErrorCodes.storeUnavailable, `${path}:${number + 1}: not JSON`, { cause: error });
      }
      const record = parsed as { _id?: unknown; _source?: unknown };
      if (typeof record._id !== 'string' || record._source === null || typeof record._source !== 'object') {
        throw new IraError(ErrorCodes.storeUnavailable, `${path}:${number + 1}: expected {"_id": string, "_source": object}`);
      }
      data.entries.set(record._id, { source: record._source as Document, seqNo: ++this.seqNo, primaryTerm: 1 });
    }
  }

  private indexData(index: string): IndexData {
    let data = this.indices.get(index);
    if (data === undefined) {
      data = { entries: new Map() };
      this.indices.set(index, data);
    }
    return data;
  }

  /** Serialises mutations so that two bulks never interleave their file rewrites. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private check(signal: AbortSignal): void {
    if (this.closed) throw new IraError(ErrorCodes.storeUnavailable, 'ndjson store is closed');
    if (signal.aborted) throw new IraError(ErrorCodes.aborted, 'aborted', { cause: signal.reason });
  }

  ensureTemplates(templates: readonly IndexTemplate[], signal: AbortSignal): Promise<void> {
    this.check(signal);
    // Files have no mappings: the templates' typed fields are checked on write, as the engines would.
    for (const template of templates) {
      this.templates.set(template.name, template);
      this.typedFields.set(template.name, templateFields(template));
    }
    return Promise.resolve();
  }

  bulk(operations: readonly WriteOperation[], signal: AbortSignal): Promise<WriteOutcome[]> {
    return this.exclusive(async () => {
      this.check(signal);
      const touched = new Set<string>();
      const outcomes = operations.map((operation): WriteOutcome => {
        const refusal = writtenDocuments(operation)
          .map((document) => mappingRefusal(this.typedFields.values(), operation.index, document))
          .find((reason) => reason !== undefined);
        if (refusal !== undefined) return { status: 'rejected', id: operation.id, statusCode: 400, errorType: 'document_parsing_exception', reason: refusal };
        const outcome = applyWrite(this.indexData(operation.index).entries, operation, () => ++this.seqNo);
        if (outcome.status === 'written') touched.add(operation.index);
        return outcome;
      });
      for (const index of touched) await this.persist(index);
      return outcomes;
    });
  }

  private async persist(index: string): Promise<void> {
    const entries = this.indices.get(index)?.entries ?? new Map<string, Entry>();
    const lines = [...entries].map(([id, entry]) => JSON.stringify({ _id: id, _source: entry.source }));
    const path = join(this.directory, `${index}${NDJSON_SUFFIX}`);
    const temporary = `${path}.tmp`;
    try {
      await writeFile(temporary, lines.length === 0 ? '' : lines.join('\n') + '\n', 'utf8');
      await rename(temporary, path);
    } catch (error) {
      throw new IraError(ErrorCodes.storeUnavailable, `cannot write ${path}`, { cause: error, retryable: true });
    }
  }

  // Async like the engines' adapters: a closed store or an aborted signal is a rejected promise, never a throw.
  async get(index: string, id: string, signal: AbortSignal): Promise<StoredDocument | undefined> {
    await Promise.resolve();
    this.check(signal);
    const entry = this.indices.get(index)?.entries.get(id);
    if (entry === undefined) return undefined;
    return { id, index, source: structuredClone(entry.source), seqNo: entry.seqNo, primaryTerm: entry.primaryTerm };
  }

  async search(request: SearchRequest, signal: AbortSignal): Promise<SearchResult> {
    await Promise.resolve();
    this.check(signal);
    return Promise.resolve(searchEntries(request, this.indices.get(request.index)?.entries ?? new Map<string, Entry>(), request.index));
  }

  async refresh(_index: string, signal: AbortSignal): Promise<void> {
    await Promise.resolve();
    this.check(signal);
  }

  /** Every document of an index in first-write order (for reports). */
  documents(index: string): Array<{ id: string; source: Document }> {
    return [...(this.indices.get(index)?.entries ?? [])].map(([id, entry]) => ({ id, source: structuredClone(entry.source) }));
  }

  async close(): Promise<void> {
    await this.queue;
    this.closed = true;
  }
}
