import type { ResponseAction } from './action';
import type { StepContext } from './context';
import type { HistoryLine } from './prompt-values';
import { isTerminal, mergeMonotone, type RecoveryState } from './recovery-state';
import { predictState, proposeAction, type PlanView } from './world-model';

/**
 * One simulated trajectory (digest §3.3 step 2–3). The cost is the number of simulated actions until the predicted
 * state is terminal: 1 when the candidate alone finishes recovery, H when the depth cap is reached or an answer
 * fails its schema twice. Unlike the reference code, each simulated action joins the rollout's history, so the
 * simulated policy does not repeat itself; and a failure costs H flat rather than the steps so far plus H.
 * A rollout cut short by the budget is 'unfinished' and does not count.
 */
export type RolloutResult = { kind: 'finished'; length: number } | { kind: 'unfinished' };

export async function rollout(
  context: StepContext,
  view: PlanView,
  start: RecoveryState,
  candidate: ResponseAction,
  history: readonly HistoryLine[],
  key: string,
): Promise<RolloutResult> {
  const cap = context.config.depth;
  const simulated: HistoryLine[] = [...history];
  let state = start;
  let action = candidate;
  for (let depth = 1; depth <= cap; depth++) {
    const next = await predictState(context, view, state, action, simulated, `${key}:state:${depth}`);
    if (!next.ok) return next.reason === 'budget' ? { kind: 'unfinished' } : { kind: 'finished', length: cap };
    state = mergeMonotone(state, next.value);
    if (isTerminal(state)) return { kind: 'finished', length: depth };
    if (depth === cap) break;
    simulated.push({ action, outcome: 'simulated' });
    const proposed = await proposeAction(context, view, state, simulated, `${key}:action:${depth}`);
    if (!proposed.ok) return proposed.reason === 'budget' ? { kind: 'unfinished' } : { kind: 'finished', length: cap };
    action = proposed.value.action;
  }
  return { kind: 'finished', length: cap };
}
