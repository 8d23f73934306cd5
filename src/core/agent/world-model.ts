import type { ResponseAction } from './action';
import { actionEffectsText } from './action-effects';
import { ActionAnswer, StateAnswer } from './answers';
import { ask, type AskResult } from './ask-model';
import { messagesFor, type StepContext } from './context';
import { actionText, conjectureText, historyData, incidentData, stateText, type HistoryLine } from './prompt-values';
import type { RecoveryState } from './recovery-state';
import type { Conjecture } from './types';

/**
 * The two questions planning alternates: the model as world model (state + action → next state) and as base policy
 * (state + history → next action). Both see the same head (system, evidence digest, entities, feedback, analysis,
 * conjecture; see messagesFor), so their prompts differ only in the role's instructions and values.
 */
export interface PlanView {
  readonly description: string;
  readonly conjecture: Conjecture | null;
}

export interface ProposedAction {
  readonly action: ResponseAction;
  readonly explanation: string;
}

export async function proposeAction(
  context: StepContext,
  view: PlanView,
  state: RecoveryState,
  history: readonly HistoryLine[],
  seedKey: string,
  purpose: 'generate-action' | 'direct-plan' = 'generate-action',
): Promise<AskResult<ProposedAction>> {
  const messages = messagesFor(context, 'action-generation', {
    incident: incidentData(view.description),
    conjecture: conjectureText(view.conjecture),
    state: stateText(state),
    history: historyData(history, context.config.historyItems),
  });
  const answer = await ask(context, {
    purpose,
    messages,
    schema: ActionAnswer,
    temperature: context.config.temperature,
    maxTokens: context.config.maxTokens,
    seedKey,
  });
  if (!answer.ok) return answer;
  const { kind, targets, description, reasoning } = answer.value;
  return { ok: true, value: { action: { kind, targets, description }, explanation: reasoning } };
}

export async function predictState(
  context: StepContext,
  view: PlanView,
  state: RecoveryState,
  action: ResponseAction,
  history: readonly HistoryLine[],
  seedKey: string,
  useReserve = false,
): Promise<AskResult<RecoveryState>> {
  const messages = messagesFor(context, 'state-prediction', {
    incident: incidentData(view.description),
    conjecture: conjectureText(view.conjecture),
    state: stateText(state),
    history: historyData(history, context.config.historyItems),
    action: actionText(action),
    // Static, so it sits in the role's part without breaking the shared head; the judge reads the same table.
    effects: actionEffectsText(),
  });
  const answer = await ask(context, {
    purpose: 'predict-state',
    messages,
    schema: StateAnswer,
    temperature: context.config.temperature,
    maxTokens: context.config.maxTokens,
    seedKey,
    useReserve,
  });
  if (!answer.ok) return answer;
  const { contained, assessed, preserved, evicted, hardened, restored } = answer.value;
  return { ok: true, value: { contained, assessed, preserved, evicted, hardened, restored } };
}
