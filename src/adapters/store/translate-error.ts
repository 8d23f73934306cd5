import { ErrorCodes, IraError } from '../../errors';

/**
 * Translates an engine client's error into an IraError. Both clients descend from the same code and share error
 * names (`ConnectionError`, `TimeoutError`, `ResponseError`, ...), so one translation serves both.
 * Connection trouble, timeouts, 429 and 5xx are retryable; authentication and bad requests are not.
 */
export function translateStoreError(error: unknown, flavor: string, what: string, signal?: AbortSignal): IraError {
  if (IraError.isInstance(error)) return error;
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'RequestAbortedError' || signal?.aborted) {
    return new IraError(ErrorCodes.aborted, `${flavor} ${what} aborted`, { cause: error });
  }
  switch (name) {
    case 'ConnectionError':
    case 'TimeoutError':
    case 'NoLivingConnectionsError':
      return new IraError(ErrorCodes.storeUnavailable, `${flavor} unreachable during ${what}: ${message}`, {
        retryable: true,
        cause: error,
      });
    case 'ProductNotSupportedError':
      return new IraError(
        ErrorCodes.storeRejected,
        `${flavor} ${what}: the server is not Elasticsearch (set IRA_STORE_FLAVOR=opensearch for OpenSearch)`,
        { cause: error },
      );
    case 'ResponseError':
      return fromStatus(statusOf(error), flavor, what, message, error);
    default:
      return new IraError(ErrorCodes.storeUnavailable, `${flavor} ${what} failed: ${name}: ${message}`, { cause: error });
  }
}

function statusOf(error: unknown): number {
  const candidate = error as { statusCode?: unknown; meta?: { statusCode?: unknown } };
  const status = candidate.statusCode ?? candidate.meta?.statusCode;
  return typeof status === 'number' ? status : 0;
}

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

function fromStatus(status: number, flavor: string, what: string, message: string, cause: unknown): IraError {
  const details = { statusCode: status };
  if (isRetryableStatus(status)) {
    return new IraError(ErrorCodes.storeUnavailable, `${flavor} ${what}: HTTP ${status}: ${message}`, {
      retryable: true,
      cause,
      details,
    });
  }
  if (status === 409) {
    return new IraError(ErrorCodes.storeConflict, `${flavor} ${what}: version conflict`, { cause, details });
  }
  const hint = status === 401 || status === 403 ? ' (check IRA_ES_API_KEY or IRA_ES_USERNAME/IRA_ES_PASSWORD)' : '';
  return new IraError(ErrorCodes.storeRejected, `${flavor} ${what}: HTTP ${status}: ${message}${hint}`, {
    cause,
    details,
  });
}
