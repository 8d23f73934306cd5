import { describeError, isAbortError } from '../../errors';
import type { Logger } from '../../logger';
import type { LlmBudget, StepUsage } from './llm-budget';
import type { QueuedWork, WorkQueue } from './work-queue';

/**
 * What running one incident's work came to. `deferred`: not done, try again after `delayMs` without counting an
 * attempt (the LLM is unavailable: `pauseAll` holds every step back meanwhile; or another writer moved the state).
 */
export type WorkResult =
  | { kind: 'done'; usage: StepUsage }
  | { kind: 'deferred'; delayMs: number; pauseAll?: boolean; usage: StepUsage };

export interface AgentSchedulerOptions {
  readonly queue: WorkQueue;
  readonly budget: LlmBudget;
  /** Steps at once (IRA_AGENT_INCIDENT_CONCURRENCY); never two for one incident. */
  readonly concurrency: number;
  /** A step that throws this many times is handed to `deadLetter` and dropped. */
  readonly maxAttempts: number;
  readonly retryDelayMs: (attempt: number) => number;
  readonly now: () => number;
  readonly run: (work: QueuedWork, signal: AbortSignal) => Promise<WorkResult>;
  /** The best queued work recorded in the store, for when the in-memory queue dropped some (or after a restart). */
  readonly refill: (limit: number) => Promise<QueuedWork[]>;
  readonly deadLetter: (work: QueuedWork, error: unknown, attempts: number) => Promise<void>;
  readonly logger: Logger;
  readonly signal: AbortSignal;
}

export interface AgentScheduler {
  offer(work: QueuedWork): void;
  /** Drops queued work of an incident (closed, or fallen below the threshold); a step in flight finishes. */
  remove(incidentId: string): void;
  start(): void;
  /** Runs `task` for one incident once no step of it is in flight, and keeps the workers off it meanwhile. */
  exclusive<T>(incidentId: string, task: () => Promise<T>): Promise<T>;
  /** Re-evaluates waits now (new work, a clock that moved in tests). */
  wake(): void;
  queued(): number;
  inFlight(): number;
  /** Settles when every worker has ended (after the signal aborted). */
  stopped(): Promise<void>;
}

/**
 * Stage 2's workers: up to `concurrency` steps at once, always the highest-scored ready work, within the LLM budget.
 * Work dropped from the bounded queue is still recorded in the store; the queue is refilled from there when it has
 * fallen to half its bound. A failing step is retried with backoff and dead-lettered after `maxAttempts`.
 */
export function createAgentScheduler(options: AgentSchedulerOptions): AgentScheduler {
  const { queue, logger } = options;
  const busy = new Set<string>();
  const waiters = new Set<() => void>();
  let workers: Promise<void>[] = [];
  /** The store may hold queued work the memory does not (dropped, or from before a restart). */
  let storeHasMore = true;
  let refilling: Promise<void> | undefined;
  let pausedUntil = 0;

  const isBusy = (incidentId: string): boolean => busy.has(incidentId);

  const wake = (): void => {
    for (const resolve of [...waiters]) resolve();
    waiters.clear();
  };

  const wait = (ms: number | undefined): Promise<void> =>
    new Promise<void>((resolve) => {
      if (options.signal.aborted) return resolve();
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        if (timer) clearTimeout(timer);
        options.signal.removeEventListener('abort', done);
        waiters.delete(done);
        resolve();
      };
      waiters.add(done);
      options.signal.addEventListener('abort', done, { once: true });
      if (ms !== undefined) timer = setTimeout(done, Math.max(0, Math.min(ms, 2_147_000_000)));
    });

  const offer = (work: QueuedWork): void => {
    const { dropped } = queue.offer(work);
    if (dropped) {
      storeHasMore = true;
      logger.debug('agent-work-dropped', { incidentId: dropped.incidentId, score: dropped.score, queued: queue.size });
    }
    wake();
  };

  const refill = (limit: number): Promise<void> => {
    refilling ??= options
      .refill(limit)
      .then((recorded) => {
        storeHasMore = recorded.length >= limit;
        for (const work of recorded) if (!busy.has(work.incidentId) && !queue.has(work.incidentId)) queue.offer(work);
      })
      .catch((error: unknown) => {
        if (!isAbortError(error)) logger.warn('agent-queue-refill-failed', { error: describeError(error) });
      })
      .finally(() => {
        refilling = undefined;
        wake();
      });
    return refilling;
  };

  const step = async (work: QueuedWork): Promise<void> => {
    busy.add(work.incidentId);
    try {
      const result = await options.run(work, options.signal);
      const now = options.now();
      options.budget.record(now, result.usage);
      if (result.kind === 'deferred') {
        if (result.pauseAll) pausedUntil = Math.max(pausedUntil, now + result.delayMs);
        queue.offer({ ...work, notBefore: now + result.delayMs });
      }
    } catch (error) {
      if (options.signal.aborted) {
        queue.offer(work);
        return;
      }
      const attempts = work.attempts + 1;
      if (attempts >= options.maxAttempts) {
        logger.error('agent-step-dead-lettered', { incidentId: work.incidentId, attempts, error: describeError(error) });
        await options.deadLetter(work, error, attempts);
      } else {
        const delayMs = options.retryDelayMs(attempts);
        logger.warn('agent-step-failed', { incidentId: work.incidentId, attempts, delayMs, error: describeError(error) });
        queue.offer({ ...work, attempts, notBefore: options.now() + delayMs });
      }
    } finally {
      busy.delete(work.incidentId);
      wake();
    }
  };

  const worker = async (): Promise<void> => {
    while (!options.signal.aborted) {
      const now = options.now();
      const limit = queue.capacity;
      if (storeHasMore && queue.size <= limit / 2) await refill(limit);
      const holdUntil = Math.max(pausedUntil, options.budget.availableAt(now));
      if (holdUntil > now) {
        await wait(holdUntil - now);
        continue;
      }
      const work = queue.take(now, isBusy);
      if (work === undefined) {
        const next = queue.nextReadyAt(now, isBusy);
        await wait(next === undefined ? undefined : next - now);
        continue;
      }
      try {
        await step(work);
      } catch (error) {
        // Only the dead-letter write can end up here (its own retries spent): keep the work, try again later.
        if (options.signal.aborted) break;
        logger.error('agent-dead-letter-failed', { incidentId: work.incidentId, error: describeError(error) });
        queue.offer({ ...work, notBefore: options.now() + options.retryDelayMs(work.attempts + 1) });
      }
    }
  };

  return {
    offer,
    remove: (incidentId) => queue.remove(incidentId),
    start() {
      workers = Array.from({ length: options.concurrency }, () => worker());
    },
    async exclusive(incidentId, task) {
      while (busy.has(incidentId)) {
        if (options.signal.aborted) throw new Error('agent stage stopping');
        await wait(undefined);
      }
      busy.add(incidentId);
      try {
        return await task();
      } finally {
        busy.delete(incidentId);
        wake();
      }
    },
    wake,
    queued: () => queue.size,
    inFlight: () => busy.size,
    async stopped() {
      await Promise.all(workers);
    },
  };
}
