import { ErrorCodes, IraError, describeError, isAbortError } from '../errors';
import type { Logger } from '../logger';
import type { BatchControl } from '../core/ports/messaging';
import { withRetry } from '../retry';

export interface PersistOptions {
  logger: Logger;
  /** The process-wide shutdown signal. */
  signal: AbortSignal;
  baseDelayMs: number;
  maxDelayMs: number;
  onRetry: () => void;
  random?: () => number;
}

export type Persisted<T> = { done: true; value: T } | { done: false };

/**
 * Runs one write step until it is acknowledged. Nothing is dropped and nothing is committed past it: while the
 * store (or Kafka) is unavailable the partition is paused and the step retried with capped backoff, for as long
 * as it takes. Each store call already retried within its own budget (IRA_STORE_RETRY_MAX_MS) before failing here.
 * Returns `done: false` when the batch must be abandoned uncommitted (shutdown, or the partition was revoked);
 * the redelivery after a restart or rebalance is harmless because every write is idempotent.
 */
export async function persist<T>(what: string, step: () => Promise<T>, control: BatchControl, options: PersistOptions): Promise<Persisted<T>> {
  let resume: (() => void) | undefined;
  const stopped = (): boolean => options.signal.aborted || !control.isRunning();
  try {
    if (stopped()) return { done: false };
    const value = await withRetry(step, {
      attempts: Infinity,
      baseDelayMs: options.baseDelayMs,
      maxDelayMs: options.maxDelayMs,
      signal: options.signal,
      ...(options.random === undefined ? {} : { random: options.random }),
      // A bug is not an outage: let it surface (kafkajs restarts the consumer from the last commit).
      isRetryable: (error) => !stopped() && !isAbortError(error) && IraError.isInstance(error) && error.code !== ErrorCodes.internal,
      onRetry: (error, attempt, delayMs) => {
        options.onRetry();
        resume ??= control.pause();
        const level = IraError.isInstance(error) && error.retryable ? 'warn' : 'error';
        options.logger[level]('write-retry', { step: what, attempt, delayMs, paused: true, error: describeError(error) });
      },
      wait: (ms, signal) => wait(ms, control, signal),
    });
    return { done: true, value };
  } catch (error) {
    if (stopped()) return { done: false };
    throw error;
  } finally {
    if (resume) {
      resume();
      options.logger.info('write-resumed', { step: what });
    }
  }
}

/** Waits in short slices so a shutdown or a revoked partition is noticed within a second. */
async function wait(ms: number, control: BatchControl, signal: AbortSignal): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (signal.aborted || !control.isRunning()) return false;
    await new Promise<void>((resolve) => setTimeout(resolve, Math.min(250, end - Date.now())));
  }
  return !signal.aborted && control.isRunning();
}
