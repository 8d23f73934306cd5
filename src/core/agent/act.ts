import { formatAction } from './action';
import { expectedSignaturesOf } from './adapt';
import type { StepContext } from './context';
import { mergeMonotone, type RecoveryState } from './recovery-state';
import type {
  Adaptation,
  AgentState,
  CandidateReport,
  Conjecture,
  ConjectureRevision,
  Decision,
  Recommendation,
  StepOutcome,
} from './types';

/** Everything a step has gathered before it is turned into a recommendation and the next state. */
export interface Draft {
  readonly base: AgentState;
  readonly current: RecoveryState;
  readonly analysis: AgentState['analysis'];
  readonly conjecture: Conjecture | null;
  readonly revisions: readonly ConjectureRevision[];
  readonly adaptation: Adaptation | null;
  readonly notes: readonly string[];
  readonly candidates: readonly CandidateReport[];
  readonly consistency: number | null;
}

export function initialDraft(base: AgentState): Draft {
  return {
    base,
    current: base.recoveryState,
    analysis: base.analysis,
    conjecture: base.conjecture,
    revisions: [],
    adaptation: null,
    notes: [],
    candidates: [],
    consistency: null,
  };
}

/** Per candidate with cut rollouts: how many were charged H in Q and how many never started (docs/agent.md). */
function cutRollouts(candidates: readonly CandidateReport[]): string {
  return candidates
    .flatMap((item, index) => {
      if (item.unfinishedRollouts === 0) return [];
      const charged = item.chargedRollouts ?? 0;
      const scored = item.q === null ? ', unscored' : '';
      return [`#${index + 1} ${item.action.kind} ${item.unfinishedRollouts} (${charged} charged H, ${item.unfinishedRollouts - charged} not started${scored})`];
    })
    .join('; ');
}

function rationale(context: StepContext, draft: Draft, decision: Decision): string {
  const parts: string[] = [];
  if (decision.kind === 'abstain') parts.push(`Abstained (${decision.code}): ${decision.reason}.`);
  else {
    const chosen = draft.candidates.find((item) => item.action === decision.action);
    const scored = draft.candidates.filter((item) => item.q !== null).length;
    const q = chosen?.q === null || chosen?.q === undefined ? '' : ` with estimated recovery cost Q=${chosen.q.toFixed(2)}, lowest of ${scored} scored`;
    const lambda = draft.consistency === null ? '' : ` (consistency λ=${draft.consistency.toFixed(3)})`;
    parts.push(`Recommend ${formatAction(decision.action)}${q}${lambda}.`);
    if (chosen !== undefined && chosen.explanation !== '') parts.push(`Model's reasoning: ${chosen.explanation}`);
  }
  const rejected = draft.candidates.filter((item) => item.guard.verdict === 'reject').length;
  if (rejected > 0) parts.push(`${rejected} candidate(s) rejected by the entity guard.`);
  const cut = cutRollouts(draft.candidates);
  if (cut !== '') parts.push(`Rollouts cut by the budget: ${cut}.`);
  if (context.meter.exhausted !== null) parts.push(`Budget exhausted: ${context.meter.exhausted}; finished with what was scored.`);
  for (const note of draft.notes) parts.push(`Note: ${note}.`);
  for (const note of context.meter.notes) parts.push(`Note: ${note}.`);
  return parts.join(' ');
}

function nextState(context: StepContext, draft: Draft, decision: Decision, predicted: RecoveryState): AgentState {
  const usage = context.meter.usage();
  const counters = draft.base.counters;
  return {
    ...draft.base,
    step: context.step + 1,
    recoveryState: predicted,
    analysis: draft.analysis,
    conjecture: draft.conjecture,
    history:
      decision.kind === 'act'
        ? [...draft.base.history, { step: context.step, action: decision.action, outcome: 'recommended' }]
        : draft.base.history,
    lastPrediction: { step: context.step, state: predicted, expectedSignatures: expectedSignaturesOf(draft.conjecture) },
    counters: {
      llmCalls: counters.llmCalls + usage.llmCalls,
      promptTokens: counters.promptTokens + usage.promptTokens,
      completionTokens: counters.completionTokens + usage.completionTokens,
      abstentions: counters.abstentions + (decision.kind === 'abstain' ? 1 : 0),
      revisions: counters.revisions + draft.revisions.filter((revision) => revision.previousVersion !== null).length,
    },
  };
}

/**
 * Builds the step's outcome. The predicted next state is merged monotone with the current one, so a prediction that
 * resets a stage cannot move the incident back.
 */
export function conclude(
  context: StepContext,
  draft: Draft,
  decision: Decision,
  mode: Recommendation['mode'],
  predicted: RecoveryState | null = null,
): StepOutcome {
  const predictedState = predicted === null ? draft.current : mergeMonotone(draft.current, predicted);
  const recommendation: Recommendation = {
    incidentId: context.incidentId,
    step: context.step,
    mode,
    decision,
    candidates: [...draft.candidates],
    currentState: draft.current,
    predictedState,
    rationale: rationale(context, draft, decision),
    conjectureVersion: draft.conjecture?.version ?? null,
    model: context.deps.llm.model,
    usage: context.meter.usage(),
    latencyMs: Math.max(0, Math.round(context.deps.now() - context.startedAt)),
    consistency: draft.consistency,
    adaptation: draft.adaptation,
    budgetExhausted: context.meter.exhausted,
    createdAt: new Date(context.deps.now()).toISOString(),
  };
  return { state: nextState(context, draft, decision, predictedState), recommendation, revisions: [...draft.revisions] };
}
