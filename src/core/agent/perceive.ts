import { IncidentAnswer } from './answers';
import { ask, type AskResult } from './ask-model';
import { messagesFor, type StepContext } from './context';
import { historyData, historyLines, stateText } from './prompt-values';
import type { RecoveryState } from './recovery-state';
import type { HistoryEntry } from './types';

/**
 * Perception (digest §3.1): the whole incident's evidence digest, the analyst's feedback and what was done so far → incident yes/no, a
 * description, tactics, techniques, entities and the recovery stages the evidence shows as done. Greedy: the
 * analysis should not change between two runs over the same evidence.
 */
export async function perceive(
  context: StepContext,
  state: RecoveryState,
  history: readonly HistoryEntry[],
): Promise<AskResult<IncidentAnswer>> {
  const messages = messagesFor(context, 'incident-analysis', {
    state: stateText(state),
    history: historyData(historyLines(history), context.config.historyItems),
  });
  return ask(context, {
    purpose: 'perceive',
    messages,
    schema: IncidentAnswer,
    temperature: 0,
    maxTokens: Math.max(context.config.maxTokens, context.config.analysisMaxTokens),
    seedKey: 'perceive',
  });
}
