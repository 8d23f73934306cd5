import type { StepOutcome } from '../core/agent/types';
import type { DocumentStore, IndexNames } from '../core/ports/store';
import type { TriageOptions } from '../core/triage';
import type { AlertSource } from '../core/ports/alert-source';
import type { Progress } from '../core/ports/progress';
import type { Logger } from '../logger';
import type { IncidentReport, ReplayBudget, ReplayReport } from '../report/model';
import { loadIncidentAgent, saveStepOutcome } from '../stages/agent/incident-agent-store';
import { evidenceFromAlerts } from '../core/documents/evidence-summary';
import { ErrorCodes, IraError } from '../errors';
import { prepareRecords } from './prepare';
import { runIncident, type StepRunner, type StopRule } from './run-incident';
import { plannedCalls, stepProgressText } from './step-progress';
import { groupByIncident, triageAll, writeTriage, type TriagedIncident } from './triage-input';

/**
 * `ira replay` without the CLI: source → normalise → triage → agent per incident → documents → report model.
 * Every dependency comes in (store, step runner, clock, progress), so tests drive it with a scripted model and an
 * NDJSON store, and the CLI with the embedded model or Ollama and Elasticsearch.
 */
export interface ReplayOptions {
  readonly source: AlertSource;
  readonly store: DocumentStore;
  readonly indices: IndexNames;
  /** The agent step; absent for `--triage-only` (normalisation and triage, no model). */
  readonly runner?: StepRunner;
  readonly stopRule?: StopRule;
  readonly model: string;
  readonly provider: string;
  readonly method: string;
  /** Which step the runner runs (default planner): named in the recommendation of a step cut by the abort signal. */
  readonly mode?: 'planner' | 'direct';
  readonly budget: ReplayBudget;
  readonly maxIncidents: number;
  readonly triage: TriageOptions;
  readonly triageBatchSize: number;
  /** Caps the prose kept from the logs as context for the system description. */
  readonly contextChars: number;
  readonly output: string;
  readonly now: () => Date;
  readonly progress: Progress;
  readonly logger: Logger;
}

/** The system description plus the prose that came with the logs (their authors' summary), capped. */
export function systemContext(system: string | undefined, prose: readonly string[], maxChars: number): string | undefined {
  const notes = prose.join('\n').slice(0, maxChars).trim();
  if (system === undefined && notes === '') return undefined;
  if (notes === '') return system;
  return `${system ?? ''}\n\nNotes that came with the logs:\n${notes}`.trim();
}

/**
 * Stage 2's write path, the live one: load the incident's agent snapshot, then save the step under its optimistic
 * concurrency. Replay is the only writer of its incidents, so a conflict here is a bug in the store, not a race.
 */
async function persistStep(options: ReplayOptions, outcome: StepOutcome, signal: AbortSignal): Promise<void> {
  const incidentId = outcome.recommendation.incidentId;
  const snapshot = await loadIncidentAgent(options.store, options.indices, incidentId, signal);
  const saved = await saveStepOutcome(options.store, options.indices, snapshot, outcome, outcome.recommendation.step, signal);
  if (saved === 'conflict') throw new IraError(ErrorCodes.storeConflict, `incident ${incidentId} changed under replay`);
}

async function replayIncident(options: ReplayOptions & { readonly runner: StepRunner }, item: TriagedIncident, position: number, total: number, system: string | undefined, signal: AbortSignal): Promise<IncidentReport> {
  const label = `incident ${position + 1}/${total} (${item.alerts.length} alerts)`;
  const stepLabel = (index: number): string => `incident ${position + 1}/${total} step ${index + 1}`;
  const planned = plannedCalls(options.budget, options.mode ?? 'planner');
  const loop = await runIncident(
    item.incident.id,
    item.alerts,
    options.runner,
    {
      maxSteps: options.budget.maxSteps,
      chunkSize: options.budget.chunkSize,
      ...(system === undefined ? {} : { systemDescription: system }),
      triage: { score: item.incident.score, tactics: item.incident.tactics },
      ...(options.stopRule === undefined ? {} : { stopRule: options.stopRule }),
      model: options.model,
      mode: options.mode ?? 'planner',
      now: options.now,
    },
    {
      beforeStep: (event) => options.progress.update(event.index, event.plannedSteps, `${label}: agent step ${event.index + 1}`),
      onUsage: (reading, event) => options.progress.update(event.index, event.plannedSteps, `${stepLabel(event.index)}: ${stepProgressText(reading, planned)}`),
      onStep: async (outcome, event) => {
        await persistStep(options, outcome, signal);
        const decision = outcome.recommendation.decision;
        const what = decision.kind === 'act' ? `${decision.action.kind} ${decision.action.targets.join(', ')}`.trim() : `abstain (${decision.code})`;
        options.progress.note(`  step ${event.index + 1}: ${what}`);
      },
    },
    signal,
  );
  if (loop.error !== undefined) options.logger.warn('replay-incident-stopped', { incidentId: item.incident.id, stopReason: loop.stopReason, error: loop.error });
  return {
    incident: item.incident,
    alertCount: item.alerts.length,
    evidence: evidenceFromAlerts(item.alerts),
    recommendations: loop.recommendations,
    revisions: loop.revisions,
    alertsPerStep: loop.alertsPerStep,
    finalState: loop.state,
    stopReason: loop.stopReason,
    ...(loop.error === undefined ? {} : { error: loop.error }),
  };
}

export async function runReplay(options: ReplayOptions, signal: AbortSignal): Promise<ReplayReport> {
  const startedAt = options.now().toISOString();
  options.progress.update(0, 1, `reading ${options.source.description}`);
  const input = await options.source.read(signal);
  // An incident folder (system description + logs) is one incident: its name becomes the alerts' case id.
  const caseId = input.systemDescription === undefined ? undefined : `replay:${input.name}`;
  const prepared = prepareRecords(input.records, caseId === undefined ? {} : { caseId });
  options.progress.update(0, 1, `triage of ${prepared.alerts.length} alerts`);
  const { triaged, incidents } = triageAll(prepared.alerts, options.triage, options.triageBatchSize);
  await writeTriage(options.store, options.indices, triaged, incidents, startedAt, signal);
  const groups = groupByIncident(triaged, incidents);
  const chosen = groups.slice(0, options.maxIncidents);
  const system = systemContext(input.systemDescription, prepared.contextLines, options.contextChars);
  const reports: IncidentReport[] = [];
  const runner = options.runner;
  for (const [position, item] of runner === undefined ? [] : chosen.entries()) {
    signal.throwIfAborted();
    reports.push(await replayIncident({ ...options, runner: runner as StepRunner }, item, position, chosen.length, system, signal));
    if (reports.at(-1)?.stopReason === 'aborted') break;
  }
  options.progress.end();
  const warnings = [
    ...(input.warnings ?? []),
    ...prepared.files.filter((file) => file.alerts === 0).map((file) => `${file.file}: no alerts in ${file.records} record(s) (${file.rejected} rejected, ${file.context} read as prose)`),
  ];
  const rejectionReasons: Record<string, number> = {};
  for (const rejection of prepared.rejections) {
    const reason = rejection.reason.split(':')[0] ?? 'unknown';
    rejectionReasons[reason] = (rejectionReasons[reason] ?? 0) + 1;
  }
  return {
    title: `ira replay: ${input.name}`,
    source: options.source.description,
    files: input.files,
    model: options.model,
    provider: options.provider,
    method: options.method,
    budget: options.budget,
    startedAt,
    finishedAt: options.now().toISOString(),
    counts: {
      records: input.records.length,
      alerts: prepared.alerts.length,
      rejected: prepared.rejections.length,
      contextLines: prepared.contextLines.length,
      incidents: groups.length,
      incidentsReplayed: reports.length,
    },
    rejections: prepared.rejections.slice(0, 20),
    inputs: { files: prepared.files, warnings, rejectionReasons },
    triaged: groups.slice(0, 50).map((group) => ({
      id: group.incident.id,
      score: group.incident.score,
      alerts: group.alerts.length,
      tactics: group.incident.tactics,
      status: group.incident.status,
    })),
    output: options.output,
    incidents: reports,
  };
}
