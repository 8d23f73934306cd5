import type { AgentState, StepOutcome } from '../../core/agent';
import { ErrorCodes, IraError } from '../../errors';

/**
 * The model cannot answer at all: Ollama down or unreachable, a timeout, the model not pulled (404), the embedded
 * model not loadable. Not the incident's fault: the step is retried later, and never dead-lettered for it.
 */
export function isLlmUnavailable(error: unknown): boolean {
  if (!IraError.isInstance(error)) return false;
  if (error.code === ErrorCodes.llmUnavailable || error.code === ErrorCodes.modelUnavailable) return true;
  return error.code === ErrorCodes.llmRejected && error.details['status'] === 404;
}

/**
 * The step's outcome when the model is unavailable: an `llm-unavailable` abstention, written like any
 * recommendation. The state moves one step on (the recommendation gets its own number) but keeps everything else,
 * and the caller saves it without advancing the incident-event version, so the incident is stepped again later.
 */
export function llmUnavailableOutcome(state: AgentState, reason: string, model: string, now: number, latencyMs: number): StepOutcome {
  const createdAt = new Date(now).toISOString();
  return {
    state: { ...state, step: state.step + 1, counters: { ...state.counters, abstentions: state.counters.abstentions + 1 } },
    recommendation: {
      incidentId: state.incidentId,
      step: state.step,
      mode: 'planner',
      decision: { kind: 'abstain', code: 'llm-unavailable', reason },
      candidates: [],
      currentState: state.recoveryState,
      predictedState: state.recoveryState,
      rationale: `The model could not be reached, so no analysis was made; the incident will be analysed again later. ${reason}`,
      conjectureVersion: state.conjecture?.version ?? null,
      model,
      usage: { llmCalls: 0, promptTokens: 0, completionTokens: 0, callsByPurpose: {} },
      latencyMs: Math.max(0, Math.round(latencyMs)),
      consistency: null,
      adaptation: null,
      budgetExhausted: null,
      createdAt,
    },
    revisions: [],
  };
}
