import { adapt } from './adapt';
import type { AgentConfig } from './agent-config';
import type { IncidentAnswer } from './answers';
import { beginStep } from './build-step-context';
import { fitEvidence } from './prompt-fit';
import { conclude, initialDraft, type Draft } from './act';
import type { AgentDeps, StepContext } from './context';
import { guardPlan, noIncidentDecision } from './guard';
import { perceive } from './perceive';
import { plan } from './plan';
import { historyLines } from './prompt-values';
import { isTerminal, mergeMonotone } from './recovery-state';
import type { AbstainCode, AgentState, Decision, StepInput, StepOutcome } from './types';
import { predictState, type PlanView } from './world-model';

/**
 * One step of the agent of arXiv 2602.13156 (design "The agent step"): perceive → adapt → plan → guard → act.
 * Pure apart from the LLM port: time and randomness come from `deps`, nothing is executed, the caller stores the
 * outcome. Budget exhaustion and invalid answers end in a recommendation (possibly an abstention), never a throw;
 * infrastructure failures and a cancelled `signal` (other than its timeout) throw.
 */
const abstain = (code: AbstainCode, reason: string): Decision => ({ kind: 'abstain', code, reason });

export type Perceived = { draft: Draft; answer: IncidentAnswer | null } | { draft: Draft; stop: Decision };

/** Perception as every model method runs it (the planner, and the baselines on equal terms): the analysis call and its stops. */
export async function perceiveStep(context: StepContext, draft: Draft, input: StepInput): Promise<Perceived> {
  const feedback = (input.feedback?.length ?? 0) > 0;
  const fresh = input.alerts.length > 0 || feedback;
  if (!fresh && draft.analysis !== null) {
    if (!draft.analysis.isIncident) {
      // Nothing new since the analysis said "no incident": planning now would act on a non-incident.
      return { draft, stop: noIncidentDecision(`no new evidence since the analysis found no incident: ${draft.analysis.description}`, draft.analysis.description, input.triage) };
    }
    return { draft: { ...draft, notes: [...draft.notes, 'no new evidence: the previous analysis was kept'] }, answer: null };
  }
  const result = await perceive(context, draft.current, draft.base.history);
  if (!result.ok) {
    const code = result.reason === 'budget' ? 'budget' : 'invalid-answer';
    return { draft, stop: abstain(code, `incident analysis failed: ${result.message}`) };
  }
  const answer = result.value;
  const analysis = { isIncident: answer.incident, description: answer.description };
  // Alerts record an attack, not a response: until something was recommended or an analyst reported back, no
  // recovery stage can be done, whatever the model reads into the logs (small models often claim all six).
  const responded = draft.base.history.length > 0 || feedback;
  const current = responded ? mergeMonotone(draft.current, answer.state) : draft.current;
  const ignored = !responded && Object.values(answer.state).some(Boolean);
  const notes = ignored ? [...draft.notes, 'perceived recovery stages ignored: nothing has been done in response yet'] : draft.notes;
  const next = { ...draft, analysis, current, notes };
  if (!answer.incident) return { draft: next, stop: noIncidentDecision(`the evidence shows no incident: ${answer.description}`, answer.description, input.triage) };
  if (isTerminal(next.current)) return { draft: next, stop: abstain('recovered', 'the evidence shows all six recovery stages done') };
  return { draft: next, answer };
}

async function adaptStep(context: StepContext, draft: Draft, answer: IncidentAnswer | null): Promise<Draft> {
  const result = await adapt(context, {
    conjecture: draft.conjecture,
    perceived: answer,
    description: draft.analysis?.description ?? '',
    observed: context.observed,
    observedState: answer?.state ?? null,
    lastPrediction: draft.base.lastPrediction,
  });
  return {
    ...draft,
    conjecture: result.conjecture,
    revisions: result.revisions,
    adaptation: result.adaptation,
    notes: [...draft.notes, ...result.notes],
  };
}

export async function runAgentStep(
  state: AgentState,
  input: StepInput,
  deps: AgentDeps,
  config: AgentConfig,
  signal: AbortSignal,
): Promise<StepOutcome> {
  const { context: begun, base } = beginStep(state, input, deps, config, signal);
  const context = fitEvidence(begun);
  const start = initialDraft(base);
  if (isTerminal(start.current)) return conclude(context, start, abstain('recovered', 'all six recovery stages are done'), 'planner');
  const perceived = await perceiveStep(context, start, input);
  if ('stop' in perceived) return conclude(context, perceived.draft, perceived.stop, 'planner');
  const draft = await adaptStep(context, perceived.draft, perceived.answer);
  const view: PlanView = { description: draft.analysis?.description ?? '', conjecture: draft.conjecture };
  const history = historyLines(draft.base.history);
  const planned = await plan(context, view, draft.current, history);
  const guarded = guardPlan(context, planned);
  const scored: Draft = { ...draft, candidates: planned.candidates, consistency: guarded.consistency, notes: [...draft.notes, ...guarded.notes] };
  const chosen = guarded.chosen === null ? undefined : planned.candidates[guarded.chosen];
  if (guarded.decision.kind === 'abstain' || chosen === undefined) return conclude(context, scored, guarded.decision, 'planner');
  const committed = await predictState(context, view, draft.current, chosen.action, history, 'commit', true);
  const notes = committed.ok ? scored.notes : [...scored.notes, `next state not predicted (${committed.message}); kept the current state`];
  return conclude(context, { ...scored, notes }, { kind: 'act', action: chosen.action }, 'planner', committed.ok ? committed.value : null);
}
