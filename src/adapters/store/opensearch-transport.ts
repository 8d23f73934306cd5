import { Client } from '@opensearch-project/opensearch';
import { ErrorCodes, IraError } from '../../errors';
import { certificateRefusal, storeTls } from './tls';
import { translateStoreError } from './translate-error';
import type { StoreConnectionOptions, StoreRequest, StoreResponse, StoreTransport } from './transport';

/**
 * OpenSearch 2.x/3.x through its official client: the Elasticsearch 8 client refuses non-Elasticsearch servers
 * (product check). OpenSearch's security plugin has no Elasticsearch-style API keys, so only basic auth is taken.
 * Its transport has no AbortSignal option: the returned promise's `abort()` is wired to the signal instead.
 */
export function createOpenSearchTransport(options: StoreConnectionOptions): StoreTransport {
  if (options.auth && 'apiKey' in options.auth) {
    throw new IraError(
      ErrorCodes.configInvalid,
      'IRA_ES_API_KEY is not supported by OpenSearch: use IRA_ES_USERNAME and IRA_ES_PASSWORD',
    );
  }
  const client = new Client({
    node: options.node,
    ...(options.auth ? { auth: options.auth } : {}),
    ssl: storeTls(options),
    requestTimeout: options.requestTimeoutMs,
    maxRetries: 0,
  });
  return {
    flavor: 'opensearch',
    async request(request: StoreRequest, signal: AbortSignal): Promise<StoreResponse> {
      const what = `${request.method} ${request.path}`;
      if (signal.aborted) throw translateStoreError(signal.reason, 'opensearch', what, signal);
      const pending = client.transport.request(
        {
          method: request.method,
          path: request.path,
          ...(request.querystring ? { querystring: request.querystring } : {}),
          ...(request.body !== undefined ? { body: request.body as Record<string, unknown> } : {}),
          ...(request.ndjson !== undefined ? { bulkBody: request.ndjson } : {}),
        },
        request.ignore ? { ignore: request.ignore } : {},
      );
      const onAbort = (): void => pending.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        const result = await pending;
        return { statusCode: result.statusCode ?? 0, body: result.body as unknown };
      } catch (error) {
        throw certificateRefusal(error, 'opensearch', what) ?? translateStoreError(error, 'opensearch', what, signal);
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    },
    close: () => client.close(),
  };
}
