/**
 * Runs tasks with at most `limit` in flight, results in task order. No timers: each of `limit` workers takes the next
 * task when its current one settles. After a task throws, no new task starts; the in-flight ones finish and the
 * first error is rethrown, so no promise is left running unobserved.
 */
export async function runPool<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async (): Promise<void> => {
    while (failure === null && next < tasks.length) {
      const index = next++;
      const task = tasks[index];
      if (task === undefined) continue;
      try {
        results[index] = await task();
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(limit), tasks.length));
  await Promise.all(Array.from({ length: workers }, () => worker()));
  if (failure !== null) throw (failure as { error: unknown }).error;
  return results;
}
