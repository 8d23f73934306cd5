import { sampleCandidates, type Sampling } from './candidates';
import type { StepContext } from './context';
import { screenCandidates } from './guard';
import { runPool } from './pool';
import type { HistoryLine } from './prompt-values';
import type { RecoveryState } from './recovery-state';
import { rollout, type RolloutResult } from './rollout';
import type { CandidateReport } from './types';
import type { PlanView } from './world-model';

/**
 * Planning (design "The agent step" 3): N distinct candidates, screened by the entity guard (guard.ts) so a rejected
 * one costs no rollouts; M rollouts per remaining candidate, scheduled round by round; Q per candidate. Deciding
 * what to do with the scores is the guard's job.
 */
export interface PlanResult {
  readonly candidates: CandidateReport[];
  readonly sampling: Sampling;
  /** False when planning is switched off (or nothing passed the entity guard): no candidate was scored. */
  readonly scored: boolean;
}

/** What became of one rollout: finished with a length, cut by a budget after it started, or never started. */
export type RolloutOutcome = RolloutResult | { kind: 'not-started' };

export type RolloutScore = Pick<CandidateReport, 'q' | 'rollouts' | 'unfinishedRollouts' | 'chargedRollouts'>;

/**
 * Q of one candidate from its rollouts (docs/agent.md "Rollouts cut by a budget"). A rollout cut after it started
 * was cut because it was still running, i.e. it tends to be a long one: dropping it would make the candidate look
 * shorter than it is, so it is charged H, the most a rollout can cost. A rollout that never started carries no
 * information and was not selected by its length, so it is left out. No finished rollout → unscored (q null).
 */
export function scoreRollouts(outcomes: readonly RolloutOutcome[], horizon: number): RolloutScore {
  const rollouts = outcomes.flatMap((outcome) => (outcome.kind === 'finished' ? [outcome.length] : []));
  const charged = outcomes.filter((outcome) => outcome.kind === 'unfinished').length;
  const unfinishedRollouts = outcomes.length - rollouts.length;
  const total = rollouts.reduce((sum, length) => sum + length, 0) + charged * horizon;
  const q = rollouts.length === 0 ? null : total / (rollouts.length + charged);
  return { q, rollouts, unfinishedRollouts, chargedRollouts: charged };
}

/**
 * Rollout m of every candidate runs before rollout m + 1 of any (round-robin), so a budget that runs out cuts the
 * last round of every candidate alike rather than every rollout of the later candidates. The keys (and so the seeds)
 * are those of the candidate and the rollout index, whatever the order.
 */
async function score(
  context: StepContext,
  view: PlanView,
  state: RecoveryState,
  history: readonly HistoryLine[],
  reports: CandidateReport[],
): Promise<CandidateReport[]> {
  const passing = reports.flatMap((item, index) => (item.guard.verdict === 'pass' ? [index] : []));
  const rounds = Array.from({ length: context.config.rollouts }, (_, m) => m);
  const slots = rounds.flatMap((m) => passing.map((index) => ({ index, m })));
  const tasks = slots.map(({ index, m }) => async (): Promise<RolloutOutcome> => {
    const action = reports[index]?.action;
    if (context.meter.exhausted !== null || action === undefined) return { kind: 'not-started' };
    return rollout(context, view, state, action, history, `rollout:${index}:${m}`);
  });
  const results = await runPool(tasks, context.config.rolloutConcurrency);
  return reports.map((item, index) => {
    if (!passing.includes(index)) return item;
    const mine = results.filter((_, position) => slots[position]?.index === index);
    return { ...item, ...scoreRollouts(mine, context.config.depth) };
  });
}

export async function plan(
  context: StepContext,
  view: PlanView,
  state: RecoveryState,
  history: readonly HistoryLine[],
): Promise<PlanResult> {
  const wanted = context.config.features.planning ? context.config.candidates : 1;
  const sampling = await sampleCandidates(context, view, state, history, wanted);
  const reports = screenCandidates(sampling.candidates, context.guardEvidence);
  context.deps.onCandidates?.(reports);
  const anyPassing = reports.some((item) => item.guard.verdict === 'pass');
  if (!context.config.features.planning || !anyPassing) return { candidates: reports, sampling, scored: false };
  return { candidates: await score(context, view, state, history, reports), sampling, scored: true };
}
