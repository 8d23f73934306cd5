import { createAgentScheduler, type WorkResult } from '../../../src/stages/agent/agent-scheduler';
import { LlmBudget } from '../../../src/stages/agent/llm-budget';
import { WorkQueue, type QueuedWork } from '../../../src/stages/agent/work-queue';
import { silentLogger } from '../../../src/logger';

function work(incidentId: string, score: number, overrides: Partial<QueuedWork> = {}): QueuedWork {
  return { incidentId, version: 1, score, alertIds: [`${incidentId}-a`], truncated: false, readyAt: 0, notBefore: 0, attempts: 0, ...overrides };
}

/** A deterministic shuffle of 0..n-1 (a linear congruential permutation), so the flood arrives in no score order. */
function shuffled(n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  let seed = 7;
  for (let i = n - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const j = seed % (i + 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}

async function until(predicate: () => boolean): Promise<void> {
  for (let turn = 0; turn < 10_000 && !predicate(); turn++) await new Promise((resolve) => setImmediate(resolve));
  expect(predicate()).toBe(true);
}

describe('WorkQueue', () => {
  test('events of one incident fold into one entry: newest version and score, alert ids merged', () => {
    const queue = new WorkQueue({ maxEntries: 10, maxAlertIds: 3 });
    queue.offer(work('a', 40, { version: 1, alertIds: ['1', '2'], readyAt: 100 }));
    queue.offer(work('a', 70, { version: 3, alertIds: ['2', '3', '4'], readyAt: 200 }));
    expect(queue.size).toBe(1);
    const taken = queue.take(1000, () => false);
    expect(taken).toMatchObject({ incidentId: 'a', version: 3, score: 70, alertIds: ['2', '3', '4'], truncated: true, readyAt: 100 });
  });

  test('beyond the bound the lowest score is dropped (and reported), the highest kept', () => {
    const queue = new WorkQueue({ maxEntries: 2, maxAlertIds: 10 });
    expect(queue.offer(work('a', 10)).dropped).toBeUndefined();
    queue.offer(work('b', 50));
    expect(queue.offer(work('c', 30)).dropped?.incidentId).toBe('a');
    expect(queue.offer(work('d', 5)).dropped?.incidentId).toBe('d');
    expect([queue.take(0, () => false)?.incidentId, queue.take(0, () => false)?.incidentId]).toEqual(['b', 'c']);
  });

  test('an entry waits for its coalescing time and its backoff, and is never taken while its incident is busy', () => {
    const queue = new WorkQueue({ maxEntries: 10, maxAlertIds: 10 });
    queue.offer(work('a', 90, { readyAt: 500 }));
    queue.offer(work('b', 80, { notBefore: 900 }));
    queue.offer(work('c', 70));
    expect(queue.take(100, (id) => id === 'c')).toBeUndefined();
    expect(queue.nextReadyAt(100, (id) => id === 'c')).toBe(500);
    expect(queue.take(600, () => false)?.incidentId).toBe('a');
    expect(queue.take(600, () => false)?.incidentId).toBe('c');
    expect(queue.take(1000, () => false)?.incidentId).toBe('b');
  });
});

describe('LlmBudget', () => {
  test('calls and model-seconds per hour: spent budget says when it comes back', () => {
    const budget = new LlmBudget({ llmCallsPerHour: 10, modelSecondsPerHour: 0 });
    expect(budget.availableAt(0)).toBe(0);
    budget.record(1000, { llmCalls: 6, modelMs: 100 });
    budget.record(2000, { llmCalls: 4, modelMs: 100 });
    expect(budget.availableAt(3000)).toBe(1000 + 3_600_000);
    expect(budget.availableAt(3_601_001)).toBe(3_601_001);
    const seconds = new LlmBudget({ llmCallsPerHour: 0, modelSecondsPerHour: 60 });
    seconds.record(0, { llmCalls: 1, modelMs: 61_000 });
    expect(seconds.availableAt(10)).toBe(3_600_000);
  });
});

describe('agent scheduler', () => {
  test('a flood of 10,000 incidents: memory stays bounded, the highest scores are worked first, nothing is lost', async () => {
    const total = 10_000;
    const bound = 200;
    const journal = new Map<string, QueuedWork>();
    const worked: QueuedWork[] = [];
    let maxQueued = 0;
    const controller = new AbortController();
    const queue = new WorkQueue({ maxEntries: bound, maxAlertIds: 50 });
    const scheduler = createAgentScheduler({
      queue,
      budget: new LlmBudget({ llmCallsPerHour: 0, modelSecondsPerHour: 0 }),
      concurrency: 2,
      maxAttempts: 3,
      retryDelayMs: () => 0,
      now: () => 0,
      run: async (item): Promise<WorkResult> => {
        maxQueued = Math.max(maxQueued, queue.size);
        await Promise.resolve();
        worked.push(item);
        journal.delete(item.incidentId);
        return { kind: 'done', usage: { llmCalls: 4, modelMs: 10 } };
      },
      // The durable queue: what was dropped from memory comes back from here, best first.
      refill: (limit) => Promise.resolve([...journal.values()].sort((a, b) => b.score - a.score).slice(0, limit)),
      deadLetter: () => Promise.reject(new Error('nothing fails here')),
      logger: silentLogger,
      signal: controller.signal,
    });
    // The flood arrives before any step can run (offer is synchronous): every incident is recorded, memory keeps the best.
    for (const index of shuffled(total)) {
      const item = work(`inc-${index}`, index / 100);
      journal.set(item.incidentId, item);
      scheduler.offer(item);
      maxQueued = Math.max(maxQueued, queue.size);
    }
    expect(queue.size).toBe(bound);
    scheduler.start();
    await until(() => worked.length === total);
    controller.abort();
    await scheduler.stopped();
    expect(maxQueued).toBeLessThanOrEqual(bound);
    // The first `bound` steps are the `bound` highest scores, best first (two workers: pairs may swap).
    const firstScores = worked.slice(0, bound).map((item) => item.score);
    expect(Math.min(...firstScores)).toBe((total - bound) / 100);
    for (let i = 2; i < firstScores.length; i++) expect(firstScores[i]).toBeLessThanOrEqual(firstScores[i - 2] as number);
    expect(new Set(worked.map((item) => item.incidentId)).size).toBe(total);
  });

  test('the LLM budget holds steps back until it comes back; steps never exceed the concurrency', async () => {
    let now = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    const worked: string[] = [];
    const controller = new AbortController();
    const scheduler = createAgentScheduler({
      queue: new WorkQueue({ maxEntries: 100, maxAlertIds: 10 }),
      budget: new LlmBudget({ llmCallsPerHour: 10, modelSecondsPerHour: 0 }),
      concurrency: 2,
      maxAttempts: 3,
      retryDelayMs: () => 0,
      now: () => now,
      run: async (item) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
        worked.push(item.incidentId);
        return { kind: 'done', usage: { llmCalls: 4, modelMs: 10 } };
      },
      refill: () => Promise.resolve([]),
      deadLetter: () => Promise.resolve(),
      logger: silentLogger,
      signal: controller.signal,
    });
    for (let i = 0; i < 6; i++) scheduler.offer(work(`i${i}`, 90 - i));
    scheduler.start();
    await until(() => worked.length >= 3);
    for (let turn = 0; turn < 50; turn++) await new Promise((resolve) => setImmediate(resolve));
    // Checked before a step starts, charged when it ends: steps in flight may overrun it by one step each (at most 4 here).
    expect(worked.length).toBeLessThanOrEqual(4);
    expect(scheduler.queued()).toBeGreaterThanOrEqual(2);
    expect(maxInFlight).toBeLessThanOrEqual(2);
    now = 3_600_001;
    scheduler.wake();
    await until(() => worked.length === 6);
    controller.abort();
    await scheduler.stopped();
  });

  test('a step that fails N times goes to the dead letter once, with its reason; a deferred step comes back later', async () => {
    const dead: { id: string; reason: string; attempts: number }[] = [];
    let now = 0;
    let laterCalls = 0;
    const controller = new AbortController();
    const scheduler = createAgentScheduler({
      queue: new WorkQueue({ maxEntries: 10, maxAlertIds: 10 }),
      budget: new LlmBudget({ llmCallsPerHour: 0, modelSecondsPerHour: 0 }),
      concurrency: 1,
      maxAttempts: 3,
      retryDelayMs: () => 1000,
      now: () => now,
      run: (item) => {
        if (item.incidentId === 'poison') return Promise.reject(new Error('incident poison not found'));
        if (item.incidentId === 'later' && ++laterCalls === 1) return Promise.resolve({ kind: 'deferred', delayMs: 5000, usage: { llmCalls: 0, modelMs: 0 } } as WorkResult);
        return Promise.resolve({ kind: 'done', usage: { llmCalls: 1, modelMs: 1 } } as WorkResult);
      },
      refill: () => Promise.resolve([]),
      deadLetter: (item, error, attempts) => {
        dead.push({ id: item.incidentId, reason: error instanceof Error ? error.message : String(error), attempts });
        return Promise.resolve();
      },
      logger: silentLogger,
      signal: controller.signal,
    });
    scheduler.offer(work('poison', 50));
    scheduler.offer(work('later', 40));
    scheduler.start();
    for (let step = 0; step < 12 && dead.length === 0; step++) {
      for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
      now += 1000;
      scheduler.wake();
    }
    expect(dead).toEqual([{ id: 'poison', reason: 'incident poison not found', attempts: 3 }]);
    // 'later' was deferred (no attempt counted), not dead-lettered, and is still queued until its time comes.
    expect(scheduler.queued()).toBe(1);
    now += 10_000;
    scheduler.wake();
    await until(() => scheduler.queued() === 0 && scheduler.inFlight() === 0);
    controller.abort();
    await scheduler.stopped();
  });
});
