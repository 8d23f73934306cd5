/**
 * Polls `predicate` until it returns true (or a value other than false/undefined), instead of sleeping a fixed
 * time. Fails with `description` and the last observed state when `timeoutMs` passes.
 */
export async function waitFor<T>(
  predicate: () => Promise<T | false | undefined> | T | false | undefined,
  options: { timeoutMs?: number; intervalMs?: number; description: string; describeState?: () => unknown },
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value !== false && value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const state = options.describeState ? ` (state: ${JSON.stringify(options.describeState())})` : '';
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${options.description}${state}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 200));
  }
}
