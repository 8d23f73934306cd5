import { actionKey } from './action';
import type { StepContext } from './context';
import { runPool } from './pool';
import type { HistoryLine } from './prompt-values';
import type { RecoveryState } from './recovery-state';
import { proposeAction, type PlanView, type ProposedAction } from './world-model';

/**
 * Samples N distinct candidate actions (digest §3.3 step 1): at most 3N attempts, in rounds of the missing number,
 * each round concurrent. A candidate equal to an earlier one, or to an action already in the history, is dropped
 * (normalised kind + targets + description), so "never repeat" holds even when the model forgets it.
 */
export interface Sampling {
  readonly candidates: ProposedAction[];
  readonly attempts: number;
  readonly duplicates: number;
  readonly invalid: number;
  readonly lastProblem: string | null;
}

export async function sampleCandidates(
  context: StepContext,
  view: PlanView,
  state: RecoveryState,
  history: readonly HistoryLine[],
  wanted: number,
): Promise<Sampling> {
  const seen = new Set(history.map((line) => actionKey(line.action)));
  const candidates: ProposedAction[] = [];
  const maxAttempts = 3 * wanted;
  let attempts = 0;
  let duplicates = 0;
  let invalid = 0;
  let lastProblem: string | null = null;
  while (candidates.length < wanted && attempts < maxAttempts && context.meter.exhausted === null) {
    const batch = Math.min(wanted - candidates.length, maxAttempts - attempts);
    const first = attempts;
    attempts += batch;
    const tasks = Array.from({ length: batch }, (_, offset) => () =>
      proposeAction(context, view, state, history, `candidate:${first + offset}`),
    );
    for (const result of await runPool(tasks, context.config.rolloutConcurrency)) {
      if (!result.ok) {
        if (result.reason === 'invalid') invalid += 1;
        lastProblem = result.message;
        continue;
      }
      const key = actionKey(result.value.action);
      if (seen.has(key) || candidates.length >= wanted) duplicates += 1;
      else {
        seen.add(key);
        candidates.push(result.value);
      }
    }
  }
  return { candidates, attempts, duplicates, invalid, lastProblem };
}
