import type { ResponseAction } from './action';
import { argmin, consistency, spread } from './consistency';
import type { StepContext } from './context';
import { checkEntities, type GuardEvidence } from './entity-guard';
import type { PlanResult } from './plan';
import { tacticStage } from '../triage/stage';
import type { CandidateReport, Decision, TriageView } from './types';
import type { ProposedAction } from './world-model';

/**
 * The guards between planning and acting (docs/agent.md "Guard"). None of them calls the model; each turns what
 * the earlier phases found into a decision, or an abstention for an analyst with both sides of the story:
 *
 * - entity guard (digest §7 "consistency with system constraints"): a candidate naming what the evidence does not
 *   show is rejected before it costs rollouts; every candidate rejected → `entity-guard`;
 * - consistency (NOMS): the chosen candidate's rollouts must agree about its value, λ > γ, else `inconsistent`;
 * - disagreement: the analysis says "no incident" while triage scored the incident high with attack-stage alerts →
 *   `disagreement`, not "no incident".
 */
export interface GuardResult {
  readonly decision: Decision;
  /** Index of the chosen candidate in the plan's list; null on an abstention. */
  readonly chosen: number | null;
  readonly consistency: number | null;
  readonly notes: readonly string[];
}

/** Triage score (0–100) from which "no incident" needs an analyst; 60 ≈ a severity-60 alert at initial access. */
export const DISAGREEMENT_MIN_SCORE = 60;
/** Tactic stage (triage/stage.ts) from which an alert is attack-stage: Initial Access (0.45) onward. */
export const ATTACK_STAGE_MIN = 0.45;

const abstain = (code: Extract<Decision, { kind: 'abstain' }>['code'], reason: string): Decision => ({ kind: 'abstain', code, reason });

/** The entity guard's verdict on every sampled candidate; rejected ones keep their reasons and are never scored. */
export function screenCandidates(proposed: readonly ProposedAction[], evidence: GuardEvidence): CandidateReport[] {
  return proposed.map((item) => ({
    action: item.action,
    explanation: item.explanation,
    q: null,
    rollouts: [],
    unfinishedRollouts: 0,
    guard: checkEntities(item.action, evidence),
  }));
}

/** Tactics of the incident's alerts that are attack stages (initial access onward), in triage's order. */
export function attackStageTactics(triage: TriageView): string[] {
  return triage.tactics.filter((tactic) => (tacticStage(tactic) ?? 0) >= ATTACK_STAGE_MIN);
}

/**
 * The decision when the analysis finds no incident: "no incident", unless triage scored the incident at least
 * DISAGREEMENT_MIN_SCORE with attack-stage alerts. Then two views disagree, and only an analyst can settle it.
 */
export function noIncidentDecision(reason: string, analysis: string, triage: TriageView | undefined): Decision {
  const stages = triage === undefined ? [] : attackStageTactics(triage);
  if (triage === undefined || triage.score < DISAGREEMENT_MIN_SCORE || stages.length === 0) return abstain('no-incident', reason);
  return abstain(
    'disagreement',
    `needs analyst: the model's analysis finds no incident ("${analysis}"), but triage scored the incident ` +
      `${triage.score}/100 with attack-stage alerts (${stages.join(', ')})`,
  );
}

function noCandidates(context: StepContext, planned: PlanResult): Decision {
  const { sampling } = planned;
  const budget = context.meter.exhausted;
  if (budget !== null) return abstain('budget', `no candidate action before the budget ran out: ${budget}`);
  if (sampling.invalid > 0) {
    return abstain('invalid-answer', `no valid candidate action in ${sampling.attempts} attempts: ${sampling.lastProblem ?? ''}`);
  }
  return abstain('no-candidates', `no new candidate action in ${sampling.attempts} attempts (${sampling.duplicates} repeated earlier ones)`);
}

function consistencyNote(report: CandidateReport, lambda: number | null): string[] {
  if (lambda !== null) return [];
  return [`consistency not measured: the chosen candidate has ${report.rollouts.length} finished rollout(s), two are needed`];
}

/** Consistency of the argmin: abstains at λ ≤ γ with the rollouts that disagree in the reason. */
function decideScored(context: StepContext, candidates: readonly CandidateReport[]): GuardResult {
  const scored = candidates.flatMap((item, index) => (item.q === null ? [] : [{ q: item.q, index, item }]));
  const best = scored[argmin(scored.map((entry) => entry.q))];
  if (best === undefined) {
    const reason = context.meter.exhausted ?? 'no rollout finished';
    return { decision: abstain('budget', `no candidate could be scored: ${reason}`), chosen: null, consistency: null, notes: [] };
  }
  const { depth, consistencyBeta: beta, consistencyGamma: gamma } = context.config;
  const lambda = consistency(best.item.rollouts, depth, beta);
  if (lambda !== null && lambda <= gamma) {
    const variance = spread(best.item.rollouts, depth) ?? 0;
    const reason =
      `needs analyst: the rollouts of the best candidate (${formatShort(best.item.action)}) disagree about its value: ` +
      `lengths ${best.item.rollouts.join(', ')} of at most ${depth}, spread ${variance.toFixed(3)}, consistency ${lambda.toFixed(3)} ≤ γ ${gamma}`;
    return { decision: abstain('inconsistent', reason), chosen: null, consistency: lambda, notes: [] };
  }
  return { decision: { kind: 'act', action: best.item.action }, chosen: best.index, consistency: lambda, notes: consistencyNote(best.item, lambda) };
}

function formatShort(action: ResponseAction): string {
  return [action.kind, ...action.targets].join(' ');
}

/** The guard phase of the step: what the plan allows, as a decision. */
export function guardPlan(context: StepContext, planned: PlanResult): GuardResult {
  const { candidates } = planned;
  if (candidates.length === 0) return { decision: noCandidates(context, planned), chosen: null, consistency: null, notes: [] };
  const firstPassing = candidates.findIndex((item) => item.guard.verdict === 'pass');
  const passing = candidates[firstPassing];
  if (passing === undefined) {
    const reasons = [...new Set(candidates.flatMap((item) => item.guard.reasons))].join('; ');
    const reason = `needs analyst: every candidate names entities absent from the evidence (${reasons})`;
    return { decision: abstain('entity-guard', reason), chosen: null, consistency: null, notes: [] };
  }
  if (!planned.scored) return { decision: { kind: 'act', action: passing.action }, chosen: firstPassing, consistency: null, notes: [] };
  return decideScored(context, candidates);
}
