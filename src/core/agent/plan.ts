import { sampleCandidates, type Sampling } from './candidates';
import { argmin, consistency } from './consistency';
import type { StepContext } from './context';
import { checkEntities } from './entity-guard';
import { runPool } from './pool';
import type { HistoryLine } from './prompt-values';
import type { RecoveryState } from './recovery-state';
import { rollout, type RolloutResult } from './rollout';
import type { AbstainCode, CandidateReport } from './types';
import type { PlanView, ProposedAction } from './world-model';

/**
 * Planning and the guards (design "The agent step" 3–4): N distinct candidates; the entity guard drops candidates
 * naming what the evidence does not show; M rollouts per remaining candidate, concurrently; Q = mean length;
 * NOMS consistency over the Qs; argmin, ties to the first sampled.
 */
export interface PlanResult {
  readonly candidates: CandidateReport[];
  readonly chosen: number | null;
  readonly consistency: number | null;
  readonly abstain: { code: AbstainCode; reason: string } | null;
}

function report(proposed: ProposedAction, context: StepContext): CandidateReport {
  return {
    action: proposed.action,
    explanation: proposed.explanation,
    q: null,
    rollouts: [],
    unfinishedRollouts: 0,
    guard: checkEntities(proposed.action, context.guardEvidence),
  };
}

function noCandidates(context: StepContext, sampling: Sampling): PlanResult {
  const budget = context.meter.exhausted;
  const [code, reason]: [AbstainCode, string] =
    budget !== null
      ? ['budget', `no candidate action before the budget ran out: ${budget}`]
      : sampling.invalid > 0
        ? ['invalid-answer', `no valid candidate action in ${sampling.attempts} attempts: ${sampling.lastProblem ?? ''}`]
        : ['no-candidates', `no new candidate action in ${sampling.attempts} attempts (${sampling.duplicates} repeated earlier ones)`];
  return { candidates: [], chosen: null, consistency: null, abstain: { code, reason } };
}

async function score(
  context: StepContext,
  view: PlanView,
  state: RecoveryState,
  history: readonly HistoryLine[],
  reports: CandidateReport[],
): Promise<CandidateReport[]> {
  const passing = reports.map((item, index) => ({ item, index })).filter(({ item }) => item.guard.verdict === 'pass');
  const tasks = passing.flatMap(({ item, index }) =>
    Array.from({ length: context.config.rollouts }, (_, m) => () =>
      rollout(context, view, state, item.action, history, `rollout:${index}:${m}`),
    ),
  );
  const results: RolloutResult[] = await runPool(tasks, context.config.rolloutConcurrency);
  return reports.map((item, index) => {
    const position = passing.findIndex((entry) => entry.index === index);
    if (position < 0) return item;
    const mine = results.slice(position * context.config.rollouts, (position + 1) * context.config.rollouts);
    const lengths = mine.flatMap((result) => (result.kind === 'finished' ? [result.length] : []));
    const q = lengths.length === 0 ? null : lengths.reduce((sum, length) => sum + length, 0) / lengths.length;
    return { ...item, q, rollouts: lengths, unfinishedRollouts: mine.length - lengths.length };
  });
}

function decide(context: StepContext, reports: CandidateReport[]): PlanResult {
  const scored = reports.map((item, index) => ({ q: item.q, index })).filter((entry): entry is { q: number; index: number } => entry.q !== null);
  if (scored.length === 0) {
    const reason = context.meter.exhausted ?? 'no rollout finished';
    return { candidates: reports, chosen: null, consistency: null, abstain: { code: 'budget', reason: `no candidate could be scored: ${reason}` } };
  }
  const lambda = consistency(
    scored.map((entry) => entry.q),
    context.config.consistencyBeta,
  );
  const best = scored[argmin(scored.map((entry) => entry.q))]?.index ?? null;
  if (lambda !== null && lambda <= context.config.consistencyGamma) {
    const reason = `needs analyst: rollouts disagree (consistency ${lambda.toFixed(3)} ≤ γ ${context.config.consistencyGamma})`;
    return { candidates: reports, chosen: null, consistency: lambda, abstain: { code: 'inconsistent', reason } };
  }
  return { candidates: reports, chosen: best, consistency: lambda, abstain: null };
}

export async function plan(
  context: StepContext,
  view: PlanView,
  state: RecoveryState,
  history: readonly HistoryLine[],
): Promise<PlanResult> {
  const wanted = context.config.features.planning ? context.config.candidates : 1;
  const sampling = await sampleCandidates(context, view, state, history, wanted);
  if (sampling.candidates.length === 0) return noCandidates(context, sampling);
  const reports = sampling.candidates.map((proposed) => report(proposed, context));
  const firstPassing = reports.findIndex((item) => item.guard.verdict === 'pass');
  if (firstPassing < 0) {
    const reasons = [...new Set(reports.flatMap((item) => item.guard.reasons))].join('; ');
    return { candidates: reports, chosen: null, consistency: null, abstain: { code: 'entity-guard', reason: `needs analyst: every candidate names entities absent from the evidence (${reasons})` } };
  }
  if (!context.config.features.planning) return { candidates: reports, chosen: firstPassing, consistency: null, abstain: null };
  return decide(context, await score(context, view, state, history, reports));
}
