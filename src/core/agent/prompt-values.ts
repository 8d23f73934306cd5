import { ActionKinds, type ResponseAction } from './action';
import { encodeDataLine, prepareData, type PreparedData } from './data-block';
import { RecoveryStateFields, RecoveryStateGloss, type RecoveryState } from './recovery-state';
import { AttackTactics } from './tactics';
import type { Conjecture, HistoryEntry } from './types';

/** Renders step data as prompt values. Anything a model or an attacker wrote is JSON-encoded or a data block. */
const historyChars = 3000;
const incidentChars = 1200;

export function commonPromptValues(): Record<string, string> {
  return {
    stateGloss: RecoveryStateFields.map((field) => `- ${field}: ${RecoveryStateGloss[field]}`).join('\n'),
    actionKinds: ActionKinds.join(', '),
    tactics: AttackTactics.join(', '),
  };
}

export function stateText(state: RecoveryState): string {
  return JSON.stringify(state);
}

export function actionText(action: ResponseAction): string {
  return encodeDataLine(action);
}

export interface HistoryLine {
  readonly action: ResponseAction;
  readonly outcome: HistoryEntry['outcome'] | 'simulated';
  readonly step?: number;
}

/** The most recent `limit` actions, oldest first; simulated rollout actions are marked as such. */
export function historyData(lines: readonly HistoryLine[], limit: number): PreparedData {
  const recent = lines.slice(-limit).reverse();
  const items = recent.map((line) => ({
    ...(line.step === undefined ? {} : { step: line.step }),
    outcome: line.outcome,
    ...line.action,
  }));
  const prepared = prepareData('HISTORY', items, historyChars, 'earlier actions');
  return { ...prepared, lines: [...prepared.lines].reverse(), total: lines.length, dropped: lines.length - prepared.lines.length };
}

export function historyLines(history: readonly HistoryEntry[]): HistoryLine[] {
  return history.map((entry) => ({ action: entry.action, outcome: entry.outcome, step: entry.step }));
}

export function incidentData(description: string): PreparedData {
  return prepareData('ANALYSIS', [description], incidentChars, 'descriptions');
}

export function conjectureText(conjecture: Conjecture | null): string {
  if (conjecture === null || conjecture.tactics.length === 0) return 'No attack conjecture yet.';
  const techniques = conjecture.techniques.map((technique) => encodeDataLine(technique)).join(', ');
  return (
    `Tactics: ${conjecture.tactics.join(', ')}. ` +
    `Techniques: ${techniques === '' ? 'none named' : techniques}. ` +
    `Confidence ${conjecture.confidence.toFixed(2)} (version ${conjecture.version}).`
  );
}
