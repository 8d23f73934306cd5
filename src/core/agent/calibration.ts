import { z } from 'zod';
import { ActionKind, type ResponseAction } from './action';
import { RecoveryState } from './recovery-state';

/**
 * Calibrating γ the way NOMS does (arXiv 2602.05279, digest §7.5): split conformal prediction on a calibration set
 * of decisions whose chosen action was wrong ("hallucinated"). With λ_(1) ≤ … ≤ λ_(n) their consistencies and a
 * target risk α, γ = λ_(k) with k = ⌈(n + 1)(1 − α)⌉. The step abstains at λ ≤ γ, so for a new wrong decision
 * exchangeable with the calibration set P(λ_new ≤ γ) ≥ k / (n + 1) ≥ 1 − α: it goes unflagged with probability
 * at most α. When k > n the set is too small for that risk and γ = 1 (abstain on everything) — honest, not useful.
 * Right decisions play no part in γ; the abstention rate on them is reported as the price.
 */

/** One labelled situation: an incident of the bundled set at a recovery state, with what a right action is. */
export const CalibrationSituation = z.object({
  id: z.string().min(1),
  /** A case id of datasets/bundled.json. */
  case: z.string().min(1),
  state: RecoveryState,
  /** Actions already taken (the reference plan up to this state), given to the agent as executed. */
  history: z.array(z.object({ kind: ActionKind, targets: z.array(z.string()), description: z.string() })),
  right: z.object({
    /** Action kinds that advance a stage still open in `state` (labelling rule in datasets/calibration/README.md). */
    kinds: z.array(ActionKind).min(1),
    /** Entities a right action may name (attacker, recovery targets; their aliases). */
    targets: z.array(z.string()),
    /** Whether a right action must name at least one of `targets` (not for assessment). */
    targetRequired: z.boolean(),
  }),
});
export type CalibrationSituation = z.infer<typeof CalibrationSituation>;

/** One decision of a model on a situation, labelled. `right` is null when the step chose no action. */
export const CalibrationDecision = z.object({
  situation: z.string(),
  seed: z.number().int(),
  decision: z.string(),
  action: z.object({ kind: z.string(), targets: z.array(z.string()) }).nullable(),
  /** Finished rollout lengths of the chosen candidate and the horizon H they are measured against. */
  rollouts: z.array(z.number()),
  depth: z.number().int().positive(),
  lambda: z.number().min(0).max(1).nullable(),
  right: z.boolean().nullable(),
  label: z.string(),
});
export type CalibrationDecision = z.infer<typeof CalibrationDecision>;

export const CalibrationResult = z.object({
  profile: z.string().min(1),
  model: z.string(),
  /** 'default': a conservative γ shipped until the model is calibrated, no decisions behind it. */
  method: z.enum(['split-conformal', 'default']),
  /** Target risk: the largest probability that a wrong decision goes unflagged. */
  alpha: z.number().gt(0).lt(1),
  beta: z.number().nonnegative(),
  gamma: z.number().min(0).max(1),
  /** Wrong decisions with a measured λ (the conformal set) and the rank k of γ among them (null: k > n). */
  n: z.number().int().nonnegative(),
  rank: z.number().int().positive().nullable(),
  decisions: z.number().int().nonnegative(),
  right: z.number().int().nonnegative(),
  wrong: z.number().int().nonnegative(),
  /** Decisions with no chosen action or no measured λ (fewer than two finished rollouts). */
  unusable: z.number().int().nonnegative(),
  /** On the calibration set at this γ: share of wrong decisions flagged, and of right ones abstained on. */
  flaggedWrong: z.number().min(0).max(1).nullable(),
  abstainedRight: z.number().min(0).max(1).nullable(),
  createdAt: z.string(),
  note: z.string(),
});
export type CalibrationResult = z.infer<typeof CalibrationResult>;

export interface ConformalThreshold {
  readonly gamma: number;
  readonly n: number;
  readonly rank: number | null;
}

export function conformalGamma(wrongLambdas: readonly number[], alpha: number): ConformalThreshold {
  const sorted = [...wrongLambdas].sort((a, b) => a - b);
  const n = sorted.length;
  const rank = Math.ceil((n + 1) * (1 - alpha));
  const value = sorted[rank - 1];
  if (rank > n || value === undefined) return { gamma: 1, n, rank: null };
  return { gamma: value, n, rank };
}

const norm = (value: string): string => value.trim().toLowerCase();

/** Whether an action is right for a situation, and why (the labelling rule). */
export function labelAction(action: ResponseAction, situation: CalibrationSituation): { right: boolean; label: string } {
  const { kinds, targets, targetRequired } = situation.right;
  if (!kinds.includes(action.kind)) return { right: false, label: `${action.kind} advances no open stage (right: ${kinds.join(', ')})` };
  const allowed = new Set(targets.map(norm));
  const outside = action.targets.filter((target) => !allowed.has(norm(target)));
  if (outside.length > 0) return { right: false, label: `names ${outside.join(', ')}, not the attacker or a recovery target` };
  if (targetRequired && action.targets.length === 0) return { right: false, label: 'names no attacker or recovery target' };
  return { right: true, label: `${action.kind} on ${action.targets.join(', ') || 'the incident'} advances an open stage` };
}

/** γ and its report from labelled decisions. */
export function calibrate(
  decisions: readonly CalibrationDecision[],
  settings: { profile: string; model: string; alpha: number; beta: number; createdAt: string },
): CalibrationResult {
  const measured = decisions.filter((item) => item.right !== null && item.lambda !== null);
  const wrong = measured.filter((item) => item.right === false).map((item) => item.lambda ?? 0);
  const right = measured.filter((item) => item.right === true).map((item) => item.lambda ?? 0);
  const threshold = conformalGamma(wrong, settings.alpha);
  const share = (values: number[]): number | null => (values.length === 0 ? null : values.filter((lambda) => lambda <= threshold.gamma).length / values.length);
  const note =
    threshold.rank === null
      ? `${wrong.length} wrong decision(s) are too few for α = ${settings.alpha} (need ${Math.ceil(1 / settings.alpha - 1)}): γ = 1, abstain on everything`
      : `γ is the ${threshold.rank}-th smallest λ of ${wrong.length} wrong decisions`;
  return {
    profile: settings.profile,
    model: settings.model,
    method: 'split-conformal',
    alpha: settings.alpha,
    beta: settings.beta,
    gamma: threshold.gamma,
    n: threshold.n,
    rank: threshold.rank,
    decisions: decisions.length,
    right: right.length,
    wrong: wrong.length,
    unusable: decisions.length - measured.length,
    flaggedWrong: share(wrong),
    abstainedRight: share(right),
    createdAt: settings.createdAt,
    note,
  };
}
