import { formatAction } from '../core/agent/action';
import { RecoveryStateFields, countSet, type RecoveryState } from '../core/agent/recovery-state';
import type { CandidateReport, Recommendation } from '../core/agent/types';
import type { AlertEvidence, TimelineEntry } from '../core/documents/evidence-summary';
import type { IncidentReport, ReplayReport } from './model';

/** Figures and phrases both renderers print, computed once so the markdown and HTML reports agree. */
export interface IncidentFacts {
  readonly steps: number;
  readonly actions: number;
  readonly abstentions: number;
  readonly stagesHeld: number;
  readonly llmCalls: number;
  readonly tokens: number;
  readonly latencyMs: number;
}

export function incidentFacts(report: IncidentReport): IncidentFacts {
  const recs = report.recommendations;
  return {
    steps: recs.length,
    actions: recs.filter((r) => r.decision.kind === 'act').length,
    abstentions: recs.filter((r) => r.decision.kind === 'abstain').length,
    stagesHeld: countSet(report.finalState.recoveryState),
    llmCalls: recs.reduce((total, r) => total + r.usage.llmCalls, 0),
    tokens: recs.reduce((total, r) => total + r.usage.promptTokens + r.usage.completionTokens, 0),
    latencyMs: recs.reduce((total, r) => total + r.latencyMs, 0),
  };
}

export function stateText(state: RecoveryState): string {
  const held = RecoveryStateFields.filter((field) => state[field]);
  return held.length === 0 ? 'none' : held.join(', ');
}

export function decisionText(recommendation: Recommendation): string {
  const decision = recommendation.decision;
  return decision.kind === 'act' ? formatAction(decision.action) : `abstain (${decision.code}): ${decision.reason}`;
}

export function qText(q: number | null): string {
  return q === null ? '—' : q.toFixed(2);
}

export function candidateText(candidate: CandidateReport): string {
  const guard = candidate.guard.verdict === 'pass' ? '' : ` [rejected: ${candidate.guard.reasons.join('; ')}]`;
  return `${formatAction(candidate.action)} (Q ${qText(candidate.q)})${guard}`;
}

export function chosenQ(recommendation: Recommendation): number | null {
  const decision = recommendation.decision;
  if (decision.kind !== 'act') return null;
  const chosen = recommendation.candidates.find(
    (candidate) => candidate.action.kind === decision.action.kind && candidate.action.description === decision.action.description,
  );
  return chosen?.q ?? null;
}

export function durationText(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

export function wallMs(report: ReplayReport): number {
  return Math.max(0, Date.parse(report.finishedAt) - Date.parse(report.startedAt));
}

export function budgetText(report: ReplayReport): string {
  const b = report.budget;
  return `N=${b.candidates} candidates, M=${b.rollouts} rollouts, H=${b.depth} depth, ≤${b.maxSteps} steps, ${b.chunkSize} alerts/chunk, ≤${b.maxLlmCallsPerStep} LLM calls/step`;
}

export function listText(values: readonly string[]): string {
  return values.length === 0 ? '—' : values.join(', ');
}

/** "start → end (duration)" of the incident's alerts, or a dash when there were none. */
export function spanText(evidence: AlertEvidence): string {
  const span = evidence.time_span;
  return span === null ? '—' : `${span.start} → ${span.end} (${durationText(span.duration_ms)})`;
}

/** The rows of the evidence facts both renderers print, in order. */
export function evidenceRows(evidence: AlertEvidence): Array<readonly [string, string]> {
  return [
    ['alerts', `${evidence.alerts} from ${evidence.rule_count} rule(s)`],
    ['time span', spanText(evidence)],
    ['tactics', listText(evidence.tactics)],
    ['techniques', listText(evidence.techniques)],
    ['hosts', listText(evidence.entities.hosts)],
    ['IPs', listText(evidence.entities.ips)],
    ['users', listText(evidence.entities.users)],
  ];
}

/** A timeline entry's time: one instant, or "first → last" for a run of alerts. */
export function entryTimeText(entry: TimelineEntry): string {
  return entry.first === entry.last ? entry.first : `${entry.first} → ${entry.last}`;
}

export function flowText(entry: TimelineEntry): string {
  if (entry.source === undefined && entry.destination === undefined) return '—';
  return `${entry.source ?? '?'} → ${entry.destination ?? '?'}`;
}
