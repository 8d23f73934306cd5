import type { AgentConfig } from './agent-config';
import { beginStep } from './build-step-context';
import { fitEvidence } from './prompt-fit';
import { conclude, initialDraft, type Draft } from './act';
import type { AgentDeps, StepContext } from './context';
import { checkEntities } from './entity-guard';
import { historyLines, type HistoryLine } from './prompt-values';
import { isTerminal } from './recovery-state';
import { perceiveStep } from './step';
import type { AgentState, CandidateReport, StepInput, StepOutcome } from './types';
import { predictState, proposeAction, type PlanView, type ProposedAction } from './world-model';

/**
 * The "direct" baseline for the evaluation, on equal terms with the planner: the same incident-analysis call
 * (perceiveStep, so it stops with "no incident" — or an abstention for the analyst — exactly as the planner does),
 * then one action call with the same prompt, evidence and history, then one state-prediction call to advance the
 * state the way the planner commits. No conjecture, no planning, and the guards only report (the candidate's verdict
 * is recorded, not enforced), so the baseline shows what the model does on its own.
 */
export type BaselineStart =
  | { readonly outcome: StepOutcome }
  | { readonly context: StepContext; readonly draft: Draft; readonly view: PlanView; readonly history: readonly HistoryLine[] };

/** What every baseline does before it chooses an action: begin the step, fit its prompts, perceive. */
export async function beginBaselineStep(
  state: AgentState,
  input: StepInput,
  deps: AgentDeps,
  config: AgentConfig,
  signal: AbortSignal,
): Promise<BaselineStart> {
  const { context: begun, base } = beginStep(state, input, deps, config, signal);
  const context = fitEvidence(begun);
  const start = initialDraft(base);
  if (isTerminal(start.current)) {
    return { outcome: conclude(context, start, { kind: 'abstain', code: 'recovered', reason: 'all six recovery stages are done' }, 'direct') };
  }
  const perceived = await perceiveStep(context, start, input);
  if ('stop' in perceived) return { outcome: conclude(context, perceived.draft, perceived.stop, 'direct') };
  const { draft } = perceived;
  const view: PlanView = { description: draft.analysis?.description ?? '', conjecture: draft.conjecture };
  return { context, draft, view, history: historyLines(draft.base.history) };
}

/** The chosen action as a candidate whose guard verdict is reported, not enforced. */
export function reportedCandidate(context: StepContext, proposed: ProposedAction): CandidateReport {
  return { ...proposed, q: null, rollouts: [], unfinishedRollouts: 0, guard: checkEntities(proposed.action, context.guardEvidence) };
}

/** Commits `chosen` the way the planner does: one state prediction from the reserve, then the recommendation. */
export async function commitBaseline(
  start: Exclude<BaselineStart, { readonly outcome: StepOutcome }>,
  chosen: ProposedAction,
  candidates: readonly CandidateReport[],
  notes: readonly string[],
): Promise<StepOutcome> {
  const { context, draft, view, history } = start;
  const committed = await predictState(context, view, draft.current, chosen.action, history, 'commit', true);
  const unpredicted = committed.ok ? [] : [`next state not predicted (${committed.message}); kept the current state`];
  return conclude(
    context,
    { ...draft, candidates: [...candidates], notes: [...draft.notes, ...notes, ...unpredicted] },
    { kind: 'act', action: chosen.action },
    'direct',
    committed.ok ? committed.value : null,
  );
}

export async function runDirectStep(
  state: AgentState,
  input: StepInput,
  deps: AgentDeps,
  config: AgentConfig,
  signal: AbortSignal,
): Promise<StepOutcome> {
  const start = await beginBaselineStep(state, input, deps, config, signal);
  if ('outcome' in start) return start.outcome;
  const { context, draft, view, history } = start;
  const proposed = await proposeAction(context, view, draft.current, history, 'direct', 'direct-plan');
  if (!proposed.ok) {
    const code = proposed.reason === 'budget' ? 'budget' : 'invalid-answer';
    return conclude(context, draft, { kind: 'abstain', code, reason: `no action: ${proposed.message}` }, 'direct');
  }
  return commitBaseline(start, proposed.value, [reportedCandidate(context, proposed.value)], []);
}
