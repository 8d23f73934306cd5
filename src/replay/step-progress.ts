import type { MeterReading } from '../core/agent/step-meter';

/**
 * The progress text of a step in flight: `37/120 calls, 41k tokens, ~2m left`. Calls count those in flight. The
 * time left is the mean time per answered call times the calls left in the budget, capped by the step's time
 * budget: an upper estimate, since a step often ends before its call budget (rollouts that reach a terminal state
 * stop). No estimate before the first answer.
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

/** Milliseconds the step may still take by its call and time budgets; null before the first answer. */
export function estimateLeftMs(reading: MeterReading): number | null {
  const { usage, answered, budgets, elapsedMs } = reading;
  if (answered === 0) return null;
  const timeLeft = Math.max(0, budgets.timeoutMs - elapsedMs);
  // The calls in flight have part of their time behind them: counted as half done.
  const running = Math.max(0, usage.llmCalls - answered);
  const callsLeft = Math.max(0, budgets.maxLlmCalls - answered - running / 2);
  return Math.min(timeLeft, (elapsedMs / (answered + running / 2)) * callsLeft);
}

export function stepProgressText(reading: MeterReading): string {
  const { usage, budgets } = reading;
  const tokens = usage.promptTokens + usage.completionTokens;
  const left = estimateLeftMs(reading);
  const eta = left === null ? '' : `, ~${durationLeft(left)} left`;
  return `${usage.llmCalls}/${budgets.maxLlmCalls} calls, ${compactCount(tokens)} tokens${eta}`;
}
