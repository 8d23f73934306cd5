import { ErrorCodes, IraError, isRetryable } from './errors';

/**
 * Exponential backoff for retryable IraErrors. Waiting respects the caller's AbortSignal: an abort during a wait
 * rejects at once with an `aborted` IraError instead of sleeping out the delay.
 */
export interface RetryPolicy {
  /** Total attempts, the first included (1 = no retry; Infinity = until it succeeds or is aborted). */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface RetryOptions extends RetryPolicy {
  readonly signal: AbortSignal;
  readonly isRetryable?: (error: unknown) => boolean;
  /** Called before each wait, e.g. to log the failure being retried. */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** A number in [0, 1) for jitter; injectable so tests are deterministic. */
  readonly random?: () => number;
  /** How to wait between attempts (default: `sleep`); resolving false gives up with an `aborted` error. */
  readonly wait?: (ms: number, signal: AbortSignal) => Promise<boolean | void>;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 3, baseDelayMs: 500, maxDelayMs: 8000 };

export async function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const retryable = options.isRetryable ?? isRetryable;
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(options.signal);
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= options.attempts || !retryable(error) || options.signal.aborted) throw error;
      const delayMs = backoffDelay(attempt, options, options.random ?? Math.random);
      options.onRetry?.(error, attempt, delayMs);
      if (options.wait === undefined) await sleep(delayMs, options.signal);
      else if ((await options.wait(delayMs, options.signal)) === false) throw abortedError(options.signal, 'retry');
    }
  }
}

/** The capped exponential delay before retry `attempt` (1 = the first retry): the one formula of the project. */
export function exponentialDelay(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
}

/** "Equal jitter": half the exponential delay fixed, half random, so retries of parallel callers spread out. */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number): number {
  const exponential = exponentialDelay(attempt, policy);
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

export function abortedError(signal: AbortSignal, what = 'operation'): IraError {
  return new IraError(ErrorCodes.aborted, `${what} aborted`, { cause: signal.reason });
}

export function throwIfAborted(signal: AbortSignal, what?: string): void {
  if (signal.aborted) throw abortedError(signal, what);
}

/** Resolves after `ms`, or rejects with an `aborted` IraError as soon as the signal fires. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(abortedError(signal, 'wait'));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortedError(signal, 'wait'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
