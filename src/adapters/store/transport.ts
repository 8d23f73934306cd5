/**
 * The slice of an engine client the document store uses: one HTTP request against the cluster's REST API.
 * Elasticsearch and OpenSearch agree on every endpoint ira calls (_bulk, _doc, _search, _refresh, _index_template),
 * so the store logic is shared and each engine contributes only its client (auth, TLS, product check) and errors.
 */
export interface StoreRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';
  path: string;
  querystring?: Record<string, string | number | boolean>;
  /** A JSON body. */
  body?: unknown;
  /** An NDJSON body, already serialised (bulk). */
  ndjson?: string;
  /** Status codes that are answers, not errors (e.g. 404 on a get). */
  ignore?: number[];
}

export interface StoreResponse {
  statusCode: number;
  body: unknown;
}

export interface StoreTransport {
  /** `elasticsearch` or `opensearch`: for logs and error messages. */
  readonly flavor: 'elasticsearch' | 'opensearch';
  /** Throws IraError (translated at this boundary) for connection failures and unexpected statuses. */
  request(request: StoreRequest, signal: AbortSignal): Promise<StoreResponse>;
  close(): Promise<void>;
}

export interface StoreConnectionOptions {
  node: string;
  auth?: { apiKey: string } | { username: string; password: string } | undefined;
  caFile?: string | undefined;
  rejectUnauthorized: boolean;
  requestTimeoutMs: number;
}
