import { withRetry } from '../retry';
import { describeError, isRetryable } from '../errors';
import type { Logger } from '../logger';

/** Retries a startup step while its failure is retryable (the store or Kafka still starting), until aborted. */
export function untilReady<T>(what: string, step: () => Promise<T>, logger: Logger, signal: AbortSignal): Promise<T> {
  return withRetry(step, {
    attempts: Infinity,
    baseDelayMs: 500,
    maxDelayMs: 10_000,
    signal,
    isRetryable,
    onRetry: (error, attempt, delayMs) => logger.warn('startup-retry', { step: what, attempt, delayMs, error: describeError(error) }),
  });
}

