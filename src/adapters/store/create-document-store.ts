import type { Config } from '../../config';
import type { Logger } from '../../logger';
import { createElasticsearchTransport } from './elasticsearch-transport';
import { createHttpDocumentStore, type EngineDocumentStore } from './http-document-store';
import { createOpenSearchTransport } from './opensearch-transport';

/** Picks the engine client by `IRA_STORE_FLAVOR`; the store logic above it is the same for both. */
export function createDocumentStore(config: Config['store'], logger: Logger): EngineDocumentStore {
  const connection = {
    node: config.node,
    auth: config.auth,
    caFile: config.caFile,
    rejectUnauthorized: config.rejectUnauthorized,
    requestTimeoutMs: config.requestTimeoutMs,
  };
  const transport =
    config.flavor === 'opensearch' ? createOpenSearchTransport(connection) : createElasticsearchTransport(connection);
  return createHttpDocumentStore({ transport, logger: logger.child({ store: config.flavor }), retryMaxMs: config.retryMaxMs });
}
