import { actionKey, type ResponseAction } from './action';
import type { AgentConfig } from './agent-config';
import { conclude } from './act';
import type { AgentDeps } from './context';
import { beginBaselineStep, commitBaseline, reportedCandidate } from './direct-step';
import { runPool } from './pool';
import type { AgentState, Decision, StepInput, StepOutcome } from './types';
import { proposeAction, type ProposedAction } from './world-model';

/**
 * The compute-matched same-model baseline (self-consistency, Wang et al. 2023): the planner's analysis call (as the
 * direct baseline makes it), then k action samples from the same prompt, the most frequent action by majority vote,
 * then the one state-prediction call that commits it. k is chosen by the caller so that the step makes as many model
 * calls as the planner's step does (`matchedSamples`); no rollouts, no conjecture, guards only report.
 */

/** Calls a self-consistency step makes besides its samples: the incident analysis and the commit. */
export const baselineFixedCalls = 2;

/**
 * The planner's call budget per step: analysis 1 + N candidates + N·M rollouts of H state calls and H − 1 action calls
 * + the commit 1, within the step's call cap. The conjecture test's calls (one per tactic, when it runs) are not
 * counted: they vary with the conjecture.
 */
export function plannerCallBudget(config: Pick<AgentConfig, 'candidates' | 'rollouts' | 'depth'> & { readonly budgets: { readonly maxLlmCalls: number } }): number {
  const { candidates, rollouts, depth } = config;
  return Math.min(config.budgets.maxLlmCalls, 1 + candidates + candidates * rollouts * (2 * depth - 1) + 1);
}

/** k for a step that should cost `plannerCallsPerStep` calls: what is left after the fixed calls, at least 1. */
export function matchedSamples(plannerCallsPerStep: number): number {
  return Math.max(1, Math.round(plannerCallsPerStep) - baselineFixedCalls);
}

/** Vote key: what the judge reads (kind and targets), not the wording of the description. */
export function voteKey(action: ResponseAction): string {
  const targets = [...new Set(action.targets.map((target) => target.trim().toLowerCase()))].sort();
  return `${action.kind}|${targets.join(',')}`;
}

export interface Vote {
  /** The first sample of the group: its wording stands for the group. */
  readonly proposed: ProposedAction;
  readonly votes: number;
}

/** Groups by voteKey, most votes first; a tie goes to the group sampled first, so the vote is deterministic. */
export function tallyVotes(samples: readonly ProposedAction[]): Vote[] {
  const groups = new Map<string, { proposed: ProposedAction; votes: number; first: number }>();
  samples.forEach((proposed, index) => {
    const key = voteKey(proposed.action);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { proposed, votes: 1, first: index });
    else group.votes += 1;
  });
  return [...groups.values()].sort((a, b) => b.votes - a.votes || a.first - b.first).map(({ proposed, votes }) => ({ proposed, votes }));
}

const describeVote = (vote: Vote): string => {
  const { kind, targets } = vote.proposed.action;
  return `${kind}${targets.length > 0 ? ` on ${targets.join(', ')}` : ''} ×${vote.votes}`;
};

export async function runSelfConsistencyStep(
  state: AgentState,
  input: StepInput,
  deps: AgentDeps,
  config: AgentConfig,
  signal: AbortSignal,
  samples: number,
): Promise<StepOutcome> {
  const start = await beginBaselineStep(state, input, deps, config, signal);
  if ('outcome' in start) return start.outcome;
  const { context, draft, view, history } = start;
  // Within the step's call cap: the analysis was made, one call stays reserved for the commit.
  const k = Math.max(1, Math.min(samples, config.budgets.maxLlmCalls - baselineFixedCalls));
  const tasks = Array.from({ length: k }, (_, index) => () => proposeAction(context, view, draft.current, history, `sample:${index}`, 'direct-plan'));
  const results = await runPool(tasks, config.rolloutConcurrency);
  // As the planner's sampling does, an action already in the history is never recommended again.
  const done = new Set(history.map((line) => actionKey(line.action)));
  const valid = results.flatMap((result) => (result.ok ? [result.value] : []));
  const fresh = valid.filter((proposed) => !done.has(actionKey(proposed.action)));
  const votes = tallyVotes(fresh);
  const winner = votes[0];
  const tally = `self-consistency: ${k} sample(s)${k < samples ? ` (${samples} wanted, cut to the step's call cap)` : ''}, ` +
    `${valid.length} valid, ${valid.length - fresh.length} repeated earlier actions; votes: ${votes.map(describeVote).join(', ') || 'none'}`;
  if (winner === undefined) {
    const problem = results.find((result) => !result.ok);
    const decision: Decision = context.meter.exhausted !== null
      ? { kind: 'abstain', code: 'budget', reason: `no action before the budget ran out: ${context.meter.exhausted}` }
      : problem !== undefined && !problem.ok && valid.length === 0
        ? { kind: 'abstain', code: 'invalid-answer', reason: `no valid action in ${k} samples: ${problem.message}` }
        : { kind: 'abstain', code: 'no-candidates', reason: `no new action in ${k} samples (${valid.length - fresh.length} repeated earlier ones)` };
    return conclude(context, { ...draft, notes: [...draft.notes, tally] }, decision, 'direct');
  }
  const candidates = votes.map((vote) => reportedCandidate(context, vote.proposed));
  return commitBaseline(start, winner.proposed, candidates, [tally]);
}
