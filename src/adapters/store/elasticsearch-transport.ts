import { Client } from '@elastic/elasticsearch';
import { certificateRefusal, storeTls } from './tls';
import { translateStoreError } from './translate-error';
import type { StoreConnectionOptions, StoreRequest, StoreResponse, StoreTransport } from './transport';

/**
 * Elasticsearch 8.x through the official client (connection pool, auth, TLS, product check). The client's own
 * retries are off: the store retries per bulk item, and the pipeline per batch, each with its own budget.
 */
export function createElasticsearchTransport(options: StoreConnectionOptions): StoreTransport {
  const client = new Client({
    node: options.node,
    ...(options.auth ? { auth: options.auth } : {}),
    tls: storeTls(options),
    requestTimeout: options.requestTimeoutMs,
    maxRetries: 0,
    compression: false,
  });
  return {
    flavor: 'elasticsearch',
    async request(request: StoreRequest, signal: AbortSignal): Promise<StoreResponse> {
      try {
        const result = await client.transport.request(
          {
            method: request.method,
            path: request.path,
            ...(request.querystring ? { querystring: request.querystring } : {}),
            ...(request.body !== undefined ? { body: request.body as Record<string, unknown> } : {}),
            ...(request.ndjson !== undefined ? { bulkBody: request.ndjson } : {}),
          },
          { signal, meta: true, ...(request.ignore ? { ignore: request.ignore } : {}) },
        );
        return { statusCode: result.statusCode ?? 0, body: result.body };
      } catch (error) {
        const what = `${request.method} ${request.path}`;
        throw certificateRefusal(error, 'elasticsearch', what) ?? translateStoreError(error, 'elasticsearch', what, signal);
      }
    },
    close: () => client.close(),
  };
}
