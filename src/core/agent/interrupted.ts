import type { MeterReading, StepBudgets } from './step-meter';
import type { AgentState, CandidateReport, Recommendation, Usage } from './types';

/**
 * What a step had spent when it was cut by its abort signal (not its time budget, which ends in a recommendation
 * of its own): the meter's last reading and the candidates planning had screened, seen through the step's
 * `onUsage` and `onCandidates` callbacks (context.ts). A step's abort still throws, so nothing half-done is stored
 * or acted on; a caller that reports on the run (replay) turns this into a recommendation that says what was spent.
 */
export interface InterruptedStep {
  readonly usage: Usage;
  readonly budgets: StepBudgets | null;
  readonly elapsedMs: number;
  readonly candidates: readonly CandidateReport[];
}

export const noUsage: Usage = { llmCalls: 0, promptTokens: 0, evaluatedPromptTokens: 0, completionTokens: 0, callsByPurpose: {} };

/** Collects a step's readings for `interruptedRecommendation`; its two listeners go into AgentDeps. */
export function interruptionRecorder(): {
  readonly onUsage: (reading: MeterReading) => void;
  readonly onCandidates: (candidates: readonly CandidateReport[]) => void;
  readonly reading: () => InterruptedStep;
} {
  let reading: InterruptedStep = { usage: noUsage, budgets: null, elapsedMs: 0, candidates: [] };
  return {
    onUsage: ({ usage, budgets, elapsedMs }) => {
      reading = { ...reading, usage, budgets, elapsedMs };
    },
    onCandidates: (candidates) => {
      reading = { ...reading, candidates: [...candidates] };
    },
    reading: () => reading,
  };
}

/**
 * The recommendation of a step cut by its abort signal: an abstention ('budget': it ended before it could decide)
 * with the calls and tokens it spent and the candidates it had, unscored (their rollouts were cut); the state is
 * the step's starting state, unchanged.
 */
export function interruptedRecommendation(
  state: AgentState,
  interrupted: InterruptedStep,
  agent: { readonly model: string; readonly mode: Recommendation['mode'] },
  reason: string,
  nowMs: number,
): Recommendation {
  const { usage, budgets, candidates } = interrupted;
  const of = budgets === null ? '' : ` of ${budgets.maxLlmCalls}`;
  const spent = `${usage.llmCalls}${of} LLM calls, ${usage.promptTokens + usage.completionTokens} tokens`;
  const had = candidates.length === 0 ? 'no candidate yet' : `${candidates.length} candidate(s), unscored`;
  const why = `step interrupted before it decided (${reason}) after ${spent}; ${had}`;
  return {
    incidentId: state.incidentId,
    step: state.step,
    mode: agent.mode,
    decision: { kind: 'abstain', code: 'budget', reason: why },
    candidates: candidates.map((item) => ({ ...item, q: null, rollouts: [], unfinishedRollouts: 0 })),
    currentState: state.recoveryState,
    predictedState: state.recoveryState,
    rationale: `Abstained (budget): ${why}. Nothing of this step was stored or acted on.`,
    conjectureVersion: state.conjecture?.version ?? null,
    model: agent.model,
    usage,
    latencyMs: Math.max(0, Math.round(interrupted.elapsedMs)),
    consistency: null,
    adaptation: null,
    budgetExhausted: `interrupted: ${reason}`,
    createdAt: new Date(nowMs).toISOString(),
  };
}
