import { ErrorCodes, IraError } from '../../errors';

/** kafkajs errors carry `retriable`; we keep that bit and our own code. */
export function translateKafkaError(error: unknown, what: string): IraError {
  if (IraError.isInstance(error)) return error;
  const retriable = (error as { retriable?: unknown }).retriable;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new IraError(ErrorCodes.kafkaUnavailable, `kafka ${what} failed: ${message}`, {
    retryable: retriable !== false,
    cause: error,
  });
}
