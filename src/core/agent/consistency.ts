/**
 * NOMS consistency (arXiv 2602.05279): λ = exp(−β/N · Σ_i (Q_i − mean Q)²) over the N scored candidates. Rollouts
 * that disagree about how far recovery is signal a model that does not know; at λ ≤ γ the step abstains.
 */
export function consistency(qs: readonly number[], beta: number): number | null {
  if (qs.length === 0) return null;
  const mean = qs.reduce((sum, q) => sum + q, 0) / qs.length;
  const spread = qs.reduce((sum, q) => sum + (q - mean) ** 2, 0);
  return Math.exp((-beta / qs.length) * spread);
}

/** Index of the smallest value; ties go to the first (candidate order is sampling order). */
export function argmin(values: readonly number[]): number {
  let best = -1;
  values.forEach((value, index) => {
    if (best < 0 || value < (values[best] ?? Infinity)) best = index;
  });
  return best;
}
