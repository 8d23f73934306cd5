import type { AgentState, Decision, Recommendation, StepOutcome } from '../core/agent/types';
import { policyMove, type PolicyCase, type PolicyMethod } from '../core/eval/policies';
import type { StepRunner } from '../replay/run-incident';

/**
 * A known-answer policy as a step runner: the same loop, stop rule, trace and judge as a model method, without a
 * model. It never predicts a recovery state (it keeps the initial one), so only the judge can end its run.
 */
export function policyRunner(method: PolicyMethod, item: PolicyCase, now: () => Date): StepRunner {
  return (state, _input, signal) => {
    signal.throwIfAborted();
    const move = policyMove(method, item, state.step);
    const decision: Decision =
      move.kind === 'act'
        ? { kind: 'act', action: move.action }
        : move.kind === 'no-incident'
          ? { kind: 'abstain', code: 'no-incident', reason: `${method}: no incident` }
          : { kind: 'abstain', code: 'no-candidates', reason: `${method}: ${move.reason}` };
    const recommendation: Recommendation = {
      incidentId: state.incidentId,
      step: state.step,
      mode: 'direct',
      decision,
      candidates: [],
      currentState: state.recoveryState,
      predictedState: state.recoveryState,
      rationale: `known-answer policy ${method}`,
      conjectureVersion: null,
      model: 'none',
      usage: { llmCalls: 0, promptTokens: 0, completionTokens: 0, callsByPurpose: {} },
      latencyMs: 0,
      consistency: null,
      adaptation: null,
      budgetExhausted: null,
      createdAt: now().toISOString(),
    };
    const next: AgentState = {
      ...state,
      step: state.step + 1,
      analysis: move.kind === 'no-incident' ? { isIncident: false, description: `${method}: no incident` } : { isIncident: true, description: method },
      history: decision.kind === 'act' ? [...state.history, { step: state.step, action: decision.action, outcome: 'recommended' }] : state.history,
    };
    return Promise.resolve({ state: next, recommendation, revisions: [] } satisfies StepOutcome);
  };
}
