import type { MeterReading } from '../core/agent/step-meter';
import type { ReplayBudget } from '../report/model';

/**
 * The progress text of a step in flight: `17/26 calls, 41k tokens, ~2m left`. Calls count those in flight; the
 * total is the most the planning budget can use (`plannedCalls`) within the call budget. The time left is the mean
 * time per answered call times the calls left, capped by the step's time budget: an upper estimate, since a step
 * often ends early (rollouts that reach a terminal state stop, "no incident" ends the step). No estimate before the
 * first answer.
 */
export function compactCount(value: number): string {
  if (value < 1000) return String(value);
  if (value < 1_000_000) return `${value < 10_000 ? (value / 1000).toFixed(1) : Math.round(value / 1000)}k`;
  return `${(value / 1_000_000).toFixed(1)}M`;
}

export function durationLeft(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `${minutes}m` : `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/**
 * The most calls a planner step of this budget makes without retries: the analysis, the conjecture test and its
 * revision, N candidates, N·M rollouts of at most H state and H − 1 action calls, the commit. The direct baseline and
 * other methods: the call budget alone.
 */
export function plannedCalls(budget: Pick<ReplayBudget, 'candidates' | 'rollouts' | 'depth' | 'maxLlmCallsPerStep'>, mode: 'planner' | 'direct'): number {
  if (mode !== 'planner') return budget.maxLlmCallsPerStep;
  const { candidates: n, rollouts: m, depth: h } = budget;
  return Math.min(budget.maxLlmCallsPerStep, 4 + n + n * m * (2 * h - 1));
}

/** The calls a step is expected to make at most: the planned ones, or the call budget once retries pass them. */
function callTotal(reading: MeterReading, planned: number | undefined): number {
  const cap = reading.budgets.maxLlmCalls;
  return planned === undefined || reading.usage.llmCalls > planned ? cap : Math.min(cap, planned);
}

/** Milliseconds the step may still take by its planned calls and time budget; null before the first answer. */
export function estimateLeftMs(reading: MeterReading, planned?: number): number | null {
  const { usage, answered, budgets, elapsedMs } = reading;
  if (answered === 0) return null;
  const timeLeft = Math.max(0, budgets.timeoutMs - elapsedMs);
  // The calls in flight have part of their time behind them: counted as half done.
  const running = Math.max(0, usage.llmCalls - answered);
  const callsLeft = Math.max(0, callTotal(reading, planned) - answered - running / 2);
  return Math.min(timeLeft, (elapsedMs / (answered + running / 2)) * callsLeft);
}

export function stepProgressText(reading: MeterReading, planned?: number): string {
  const { usage } = reading;
  const tokens = usage.promptTokens + usage.completionTokens;
  const left = estimateLeftMs(reading, planned);
  const eta = left === null ? '' : `, ~${durationLeft(left)} left`;
  return `${usage.llmCalls}/${callTotal(reading, planned)} calls, ${compactCount(tokens)} tokens${eta}`;
}
