import { sleep } from '../adapters/retry';
import { describeError, isRetryable } from '../errors';
import type { Logger } from '../logger';

/** Retries a startup step while its failure is retryable (the store or Kafka still starting), until aborted. */
export async function untilReady<T>(what: string, step: () => Promise<T>, logger: Logger, signal: AbortSignal): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (!isRetryable(error) || signal.aborted) throw error;
      const delayMs = Math.min(10000, 500 * 2 ** (attempt - 1));
      logger.warn('startup-retry', { step: what, attempt, delayMs, error: describeError(error) });
      await sleep(delayMs, signal);
    }
  }
}

