/**
 * Consistency λ in the spirit of NOMS (arXiv 2602.05279): how far the rollouts agree about the value of the action
 * the planner would commit. NOMS writes λ = exp(−β/N · Σ (T^i − mean T)²); we keep that form but
 *
 * - take the spread over the chosen candidate's own M rollouts, not across candidates: candidates that differ are
 *   what planning is for (a clearly best candidate must not lower λ), and candidates that are equally good must not
 *   look inconsistent either;
 * - measure each rollout cost c ∈ [1, H] in units of half the horizon's range, T = (c − 1) / ((H − 1)/2), so the
 *   variance V = Var(T) lies in [0, 1] whatever H is: V = 0 when the rollouts agree, V = 1 when half of them finish
 *   at once and half hit the cap. Noise of a step or two at H = 10 gives V ≤ 0.05, λ ≥ 0.95.
 *
 * λ = exp(−β · V) ∈ [exp(−β), 1]. With fewer than two finished rollouts there is no agreement to measure: null.
 */
export function spread(costs: readonly number[], horizon: number): number | null {
  if (costs.length < 2) return null;
  if (horizon <= 1) return 0;
  const half = (horizon - 1) / 2;
  const scaled = costs.map((cost) => (Math.min(Math.max(cost, 1), horizon) - 1) / half);
  const mean = scaled.reduce((sum, value) => sum + value, 0) / scaled.length;
  const variance = scaled.reduce((sum, value) => sum + (value - mean) ** 2, 0) / scaled.length;
  return Math.min(1, variance);
}

export function consistency(costs: readonly number[], horizon: number, beta: number): number | null {
  const variance = spread(costs, horizon);
  return variance === null ? null : Math.exp(-beta * variance);
}

/** Index of the smallest value; ties go to the first (candidate order is sampling order). */
export function argmin(values: readonly number[]): number {
  let best = -1;
  values.forEach((value, index) => {
    if (best < 0 || value < (values[best] ?? Infinity)) best = index;
  });
  return best;
}
