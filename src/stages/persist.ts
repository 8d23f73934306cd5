import { ErrorCodes, IraError, describeError, isAbortError } from '../errors';
import type { Logger } from '../logger';
import type { BatchControl } from '../core/ports/messaging';

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
  const random = options.random ?? Math.random;
  try {
    for (let attempt = 1; ; attempt++) {
      if (options.signal.aborted || !control.isRunning()) return { done: false };
      try {
        return { done: true, value: await step() };
      } catch (error) {
        if (isAbortError(error) && (options.signal.aborted || !control.isRunning())) return { done: false };
        // A bug is not an outage: let it surface (kafkajs restarts the consumer from the last commit).
        if (!IraError.isInstance(error) || error.code === ErrorCodes.internal) throw error;
        options.onRetry();
        resume ??= control.pause();
        const delayMs = Math.round(Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1)) * (0.5 + random() / 2));
        const level = error.retryable ? 'warn' : 'error';
        options.logger[level]('write-retry', { step: what, attempt, delayMs, paused: true, error: describeError(error) });
        if (!(await wait(delayMs, control, options.signal))) return { done: false };
      }
    }
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
