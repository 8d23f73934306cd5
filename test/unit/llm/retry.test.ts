import { backoffDelay, sleep, withRetry } from '../../../src/retry';
import { linkDeadline } from '../../../src/deadline';
import { Semaphore } from '../../../src/adapters/llm/semaphore';
import { IraError } from '../../../src/errors';

const retryable = (): IraError => new IraError('IRA_LLM_UNAVAILABLE', 'down', { retryable: true });
const fatal = (): IraError => new IraError('IRA_LLM_REJECTED', 'no such model');
const policy = { attempts: 3, baseDelayMs: 1, maxDelayMs: 4, random: () => 0.5 };

describe('withRetry', () => {
  it('retries retryable errors until success', async () => {
    let calls = 0;
    const delays: number[] = [];
    const value = await withRetry(
      (attempt) => {
        calls++;
        return attempt < 3 ? Promise.reject(retryable()) : Promise.resolve('ok');
      },
      { ...policy, signal: new AbortController().signal, onRetry: (_error, _attempt, delayMs) => delays.push(delayMs) },
    );
    expect(value).toBe('ok');
    expect(calls).toBe(3);
    expect(delays).toHaveLength(2);
  });

  it('does not retry non-retryable errors', async () => {
    let calls = 0;
    const operation = (): Promise<never> => {
      calls++;
      return Promise.reject(fatal());
    };
    await expect(withRetry(operation, { ...policy, signal: new AbortController().signal })).rejects.toMatchObject({ code: 'IRA_LLM_REJECTED' });
    expect(calls).toBe(1);
  });

  it('gives up after the last attempt with the last error', async () => {
    let calls = 0;
    const operation = (): Promise<never> => {
      calls++;
      return Promise.reject(retryable());
    };
    await expect(withRetry(operation, { ...policy, signal: new AbortController().signal })).rejects.toMatchObject({ code: 'IRA_LLM_UNAVAILABLE' });
    expect(calls).toBe(3);
  });

  it('stops waiting at once when the signal aborts during the backoff', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const promise = withRetry(() => Promise.reject(retryable()), {
      attempts: 5,
      baseDelayMs: 60_000,
      maxDelayMs: 60_000,
      signal: controller.signal,
      onRetry: () => setTimeout(() => controller.abort(), 10),
    });
    await expect(promise).rejects.toMatchObject({ code: 'IRA_ABORTED' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('backoffDelay', () => {
  it('doubles per attempt within [d/2, d] and is capped', () => {
    const p = { attempts: 10, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, p, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect(backoffDelay(3, p, () => 0.999999)).toBe(400);
  });
});

describe('sleep', () => {
  it('rejects immediately for an already aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(sleep(10_000, controller.signal)).rejects.toMatchObject({ code: 'IRA_ABORTED' });
  });
});

describe('linkDeadline', () => {
  it('follows the parent signal and reports that it was not a timeout', () => {
    const parent = new AbortController();
    const deadline = linkDeadline(parent.signal, 60_000);
    parent.abort();
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.timedOut()).toBe(false);
    deadline.dispose();
  });

  it('fires on its own timeout', async () => {
    const deadline = linkDeadline(new AbortController().signal, 5);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.timedOut()).toBe(true);
    deadline.dispose();
  });

  it('does not fire after dispose', async () => {
    const deadline = linkDeadline(new AbortController().signal, 5);
    deadline.dispose();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(deadline.signal.aborted).toBe(false);
  });
});

describe('Semaphore', () => {
  it('runs at most N tasks at once and lets aborted waiters leave the queue', async () => {
    const gate = new Semaphore(1);
    let running = 0;
    let peak = 0;
    const task = async (): Promise<void> => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
    };
    const waiter = new AbortController();
    const first = gate.run(new AbortController().signal, task);
    const aborted = gate.run(waiter.signal, task);
    const third = gate.run(new AbortController().signal, task);
    waiter.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'IRA_ABORTED' });
    await Promise.all([first, third]);
    expect(peak).toBe(1);
  });
});
