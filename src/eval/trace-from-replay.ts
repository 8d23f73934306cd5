import type { Recommendation } from '../core/agent/types';
import type { NormalizedAlert } from '../core/alert/schema';
import type { EvalTrace, TracedStep } from '../core/eval/trace';
import type { IncidentReport } from '../report/model';

/** A replayed incident as the evaluator sees it: only what the method recommended, never its own state estimate. */
export function evidenceEntities(alerts: readonly NormalizedAlert[]): string[] {
  const names = new Set<string>();
  for (const alert of alerts) {
    for (const value of [alert.source.ip, alert.destination.ip, alert.host.name, alert.user.name, ...(alert.host.ip ?? [])]) {
      if (value !== undefined && value !== '') names.add(value);
    }
  }
  return [...names];
}

export function tracedStep(r: Recommendation): TracedStep {
  const usage = {
    llmCalls: r.usage.llmCalls,
    promptTokens: r.usage.promptTokens,
    completionTokens: r.usage.completionTokens,
    latencyMs: r.latencyMs,
  };
  const decision = r.decision;
  if (decision.kind === 'act') {
    return { step: r.step, outcome: 'action', action: { kind: decision.action.kind, description: decision.action.description, targets: decision.action.targets }, usage };
  }
  if (decision.code === 'no-incident') return { step: r.step, outcome: 'no-incident', abstainReason: decision.reason, usage };
  return { step: r.step, outcome: 'abstain', abstainReason: `${decision.code}: ${decision.reason}`, usage };
}

export function traceOf(report: Pick<IncidentReport, 'finalState' | 'recommendations'>, alerts: readonly NormalizedAlert[]): EvalTrace {
  const state = report.finalState;
  const conjecture = state.conjecture;
  return {
    // A method without perception (the direct baseline) never says "no incident": it is taken as having detected one.
    incidentDetected: state.analysis?.isIncident ?? true,
    tactics: conjecture?.tactics ?? [],
    techniques: conjecture?.techniques ?? [],
    entities: { attackers: conjecture?.entities.attackers ?? [], targets: conjecture?.entities.targets ?? [] },
    evidenceEntities: evidenceEntities(alerts),
    steps: report.recommendations.map(tracedStep),
  };
}
