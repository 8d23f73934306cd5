import type { Config } from '../../config';
import { ErrorCodes, IraError } from '../../errors';
import { createElasticsearchTransport } from '../store/elasticsearch-transport';
import { createOpenSearchTransport } from '../store/opensearch-transport';
import type { StoreTransport } from '../store/transport';
import type { AlertSource, RawRecord, ReplayInput } from '../../core/ports/alert-source';

/**
 * Alerts from an Elasticsearch/OpenSearch index pattern: a time range on the time field ([from, to)) and an optional
 * Lucene query string, read in time order with search_after pages. Each hit's `_source` is one raw record.
 */
export interface ElasticsearchSourceOptions {
  readonly index: string;
  readonly from?: string;
  readonly to?: string;
  readonly query?: string;
  readonly timeField: string;
  /** Stops after this many alerts (a replay is an offline run, not a full export). */
  readonly maxAlerts: number;
  readonly pageSize?: number;
}

interface SearchPage {
  hits?: { hits?: Array<{ _index?: string; _id?: string; _source?: unknown; sort?: unknown[] }> };
}

export function searchBody(options: ElasticsearchSourceOptions, size: number, after: unknown[] | undefined): Record<string, unknown> {
  const filter: unknown[] = [];
  if (options.from !== undefined || options.to !== undefined) {
    // Bounds are ISO times (or epoch millis) whatever date format the index maps the field with.
    const range: Record<string, string> = { format: 'strict_date_optional_time||epoch_millis' };
    if (options.from !== undefined) range.gte = options.from;
    if (options.to !== undefined) range.lt = options.to;
    filter.push({ range: { [options.timeField]: range } });
  }
  if (options.query !== undefined && options.query.trim() !== '') filter.push({ query_string: { query: options.query } });
  return {
    size,
    query: { bool: { filter } },
    // _doc breaks ties between equal timestamps; stable on an index that is not being written to.
    sort: [{ [options.timeField]: { order: 'asc', unmapped_type: 'date' } }, { _doc: 'asc' }],
    ...(after === undefined ? {} : { search_after: after }),
  };
}

export async function readIndex(transport: StoreTransport, options: ElasticsearchSourceOptions, signal: AbortSignal): Promise<RawRecord[]> {
  const records: RawRecord[] = [];
  const pageSize = options.pageSize ?? 1000;
  let after: unknown[] | undefined;
  for (;;) {
    signal.throwIfAborted();
    const size = Math.min(pageSize, options.maxAlerts - records.length);
    if (size <= 0) return records;
    const response = await transport.request(
      { method: 'POST', path: `/${encodeURIComponent(options.index)}/_search`, body: searchBody(options, size, after), querystring: { ignore_unavailable: true } },
      signal,
    );
    const hits = (response.body as SearchPage).hits?.hits ?? [];
    for (const hit of hits) {
      // The whole hit: the normaliser takes `_source` out of the envelope and keeps `_id` as the alert's id.
      records.push({ raw: JSON.stringify(hit), origin: `${hit._index ?? options.index}/${hit._id ?? '?'}`, text: false });
    }
    const last = hits.at(-1);
    if (hits.length < size || last?.sort === undefined) return records;
    after = last.sort;
  }
}

export function elasticsearchSource(store: Config['store'], options: ElasticsearchSourceOptions): AlertSource {
  const range = `[${options.from ?? '-∞'}, ${options.to ?? '+∞'})`;
  return {
    description: `${store.flavor} index ${options.index} ${range}${options.query ? ` query ${options.query}` : ''}`,
    async read(signal: AbortSignal): Promise<ReplayInput> {
      const connection = {
        node: store.node,
        auth: store.auth,
        caFile: store.caFile,
        rejectUnauthorized: store.rejectUnauthorized,
        requestTimeoutMs: store.requestTimeoutMs,
      };
      const transport = store.flavor === 'opensearch' ? createOpenSearchTransport(connection) : createElasticsearchTransport(connection);
      try {
        const records = await readIndex(transport, options, signal);
        if (records.length === 0) throw new IraError(ErrorCodes.sourceInvalid, `no alerts in ${options.index} ${range}`);
        return { name: options.index, records, files: [] };
      } finally {
        await transport.close();
      }
    },
  };
}
