import type { AgentConfig } from './agent-config';
import { beginStep } from './build-step-context';
import { fitEvidence } from './prompt-fit';
import { conclude, initialDraft } from './act';
import type { AgentDeps } from './context';
import { checkEntities } from './entity-guard';
import { historyLines } from './prompt-values';
import { isTerminal } from './recovery-state';
import type { AgentState, StepInput, StepOutcome } from './types';
import { predictState, proposeAction } from './world-model';

/**
 * The "direct" baseline for the evaluation: one action call per step with the same prompt, evidence and history,
 * then one state-prediction call to advance the state the same way the planner commits. No perception, no
 * conjecture test, no planning, and the guards only report (the candidate's verdict is recorded, not enforced),
 * so the baseline shows what the model does on its own.
 */
export async function runDirectStep(
  state: AgentState,
  input: StepInput,
  deps: AgentDeps,
  config: AgentConfig,
  signal: AbortSignal,
): Promise<StepOutcome> {
  const { context: begun, base } = beginStep(state, input, deps, config, signal);
  const context = fitEvidence(begun);
  const draft = initialDraft(base);
  if (isTerminal(draft.current)) {
    return conclude(context, draft, { kind: 'abstain', code: 'recovered', reason: 'all six recovery stages are done' }, 'direct');
  }
  const view = { description: base.analysis?.description ?? 'Not analysed (direct baseline).', conjecture: base.conjecture };
  const history = historyLines(base.history);
  const proposed = await proposeAction(context, view, draft.current, history, 'direct', 'direct-plan');
  if (!proposed.ok) {
    const code = proposed.reason === 'budget' ? 'budget' : 'invalid-answer';
    return conclude(context, draft, { kind: 'abstain', code, reason: `no action: ${proposed.message}` }, 'direct');
  }
  const candidate = {
    ...proposed.value,
    q: null,
    rollouts: [],
    unfinishedRollouts: 0,
    guard: checkEntities(proposed.value.action, context.guardEvidence),
  };
  const committed = await predictState(context, view, draft.current, proposed.value.action, history, 'commit', true);
  const notes = committed.ok ? [] : [`next state not predicted (${committed.message}); kept the current state`];
  return conclude(
    context,
    { ...draft, candidates: [candidate], notes },
    { kind: 'act', action: proposed.value.action },
    'direct',
    committed.ok ? committed.value : null,
  );
}
