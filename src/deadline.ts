/**
 * A per-call AbortSignal that fires when the caller's signal does or when the call's own timeout passes.
 *
 * Built by hand rather than with `AbortSignal.any([caller, AbortSignal.timeout(ms)])`: on Node 20 `any` keeps every
 * composed signal alive as long as the long-lived parent (design.md, "Known gotchas"). Here the listener is removed
 * and the timer cleared in `dispose()`, so nothing outlives the call.
 */
export interface Deadline {
  readonly signal: AbortSignal;
  /** True when the timeout (not the caller) ended the call. */
  timedOut(): boolean;
  dispose(): void;
}

/** `reason` is what the timeout aborts with: a TimeoutError by default, so callers can tell it from a stop. */
export function linkDeadline(parent: AbortSignal, timeoutMs: number, reason: () => unknown = () => new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError')): Deadline {
  const controller = new AbortController();
  let expired = false;
  const onParentAbort = (): void => controller.abort(parent.reason);
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(reason());
  }, timeoutMs);
  if (parent.aborted) controller.abort(parent.reason);
  else parent.addEventListener('abort', onParentAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => expired && !parent.aborted,
    dispose: () => {
      clearTimeout(timer);
      parent.removeEventListener('abort', onParentAbort);
    },
  };
}
