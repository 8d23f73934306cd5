import { interruptedRecommendation, interruptionRecorder } from '../core/agent/interrupted';
import { isTerminal } from '../core/agent/recovery-state';
import type { MeterReading, UsageListener } from '../core/agent/step-meter';
import type { AgentDeps } from '../core/agent/context';
import { initialAgentState, type AgentState, type ConjectureRevision, type Recommendation, type StepInput, type StepOutcome, type TriageView } from '../core/agent/types';
import type { NormalizedAlert } from '../core/alert/schema';
import { describeError, isAbortError } from '../errors';
import type { StopReason } from '../report/model';
import { chunk } from './prepare';

/**
 * One incident through the agent offline: its alerts (time order) in chunks, one step per chunk, then further steps
 * without new evidence until the recovery state is terminal or the step cap is reached. With more chunks than the
 * cap allows, chunks are made larger so that every alert is seen. Each outcome is handed to `onStep` (which writes
 * the documents) before the next step runs, so an interrupted replay leaves a consistent prefix.
 */
export type StepRunner = (state: AgentState, input: StepInput, signal: AbortSignal, listeners?: StepListeners) => Promise<StepOutcome>;

/** Progress inside a step, passed into the step's AgentDeps (context.ts `onUsage`, `onCandidates`). */
export interface StepListeners {
  readonly onUsage?: UsageListener;
  readonly onCandidates?: NonNullable<AgentDeps['onCandidates']>;
}

/**
 * Decides after each step whether the incident's replay ends. The default (`agentStopRule`) follows the agent: its
 * recovery state is terminal, or it says "no incident" once the whole evidence is seen. `ira eval` injects a rule on
 * its judge's state instead, so a run never ends on the agent's own (LLM-predicted) belief.
 */
export type StopRule = (outcome: StepOutcome, event: StepEvent) => Promise<StopReason | undefined> | StopReason | undefined;

export interface IncidentLoopOptions {
  readonly maxSteps: number;
  readonly stopRule?: StopRule;
  readonly chunkSize: number;
  readonly systemDescription?: string;
  /** Triage's score and tactics of the incident, given to every step (the disagreement guard). */
  readonly triage?: TriageView;
  /** Named in the recommendation recorded for a step cut by the abort signal (its calls, tokens and candidates). */
  readonly model?: string;
  readonly mode?: Recommendation['mode'];
  /** The clock of that recommendation's createdAt (default: the system clock). */
  readonly now?: () => Date;
}

export interface IncidentLoopResult {
  readonly state: AgentState;
  readonly recommendations: Recommendation[];
  readonly revisions: ConjectureRevision[];
  readonly alertsPerStep: number[];
  readonly stopReason: StopReason;
  readonly error?: string;
}

export interface StepEvent {
  readonly index: number;
  readonly plannedSteps: number;
  readonly chunks: number;
}

export interface IncidentLoopHooks {
  /** Before a step runs (progress). */
  readonly beforeStep?: (event: StepEvent) => void;
  /** Inside a step, when a model call starts or ends: the step's usage so far, its budgets and elapsed time. */
  readonly onUsage?: (reading: MeterReading, event: StepEvent) => void;
  /** After a step; awaited before the next step (persist the documents here). */
  readonly onStep?: (outcome: StepOutcome, event: StepEvent) => Promise<void>;
}

/** Chunk size such that the chunks fit in the step cap. */
export function effectiveChunkSize(alertCount: number, chunkSize: number, maxSteps: number): number {
  return Math.max(chunkSize, Math.ceil(alertCount / Math.max(1, maxSteps)), 1);
}

/** "No incident" is final only once the whole evidence has been seen: a later chunk may show the attack. */
export function noIncidentStop(outcome: StepOutcome, event: StepEvent): StopReason | undefined {
  const decision = outcome.recommendation.decision;
  const evidenceLeft = event.index < event.chunks - 1;
  return decision.kind === 'abstain' && decision.code === 'no-incident' && !evidenceLeft ? 'no-incident' : undefined;
}

export const agentStopRule: StopRule = (outcome, event) => {
  if (isTerminal(outcome.state.recoveryState)) return 'recovered';
  const decision = outcome.recommendation.decision;
  if (decision.kind === 'abstain' && decision.code === 'recovered') return 'recovered';
  return noIncidentStop(outcome, event);
};

export async function runIncident(
  incidentId: string,
  alerts: readonly NormalizedAlert[],
  runner: StepRunner,
  options: IncidentLoopOptions,
  hooks: IncidentLoopHooks,
  signal: AbortSignal,
): Promise<IncidentLoopResult> {
  const chunks = chunk(alerts, effectiveChunkSize(alerts.length, options.chunkSize, options.maxSteps));
  const recommendations: Recommendation[] = [];
  const revisions: ConjectureRevision[] = [];
  const alertsPerStep: number[] = [];
  let state = initialAgentState(incidentId);
  const result = (stopReason: StopReason, error?: string): IncidentLoopResult => ({
    state, recommendations, revisions, alertsPerStep, stopReason, ...(error === undefined ? {} : { error }),
  });
  for (let index = 0; index < options.maxSteps; index++) {
    const event = { index, plannedSteps: options.maxSteps, chunks: chunks.length };
    const given = chunks[index] ?? [];
    const input: StepInput = {
      alerts: given,
      ...(index === 0 && options.systemDescription !== undefined ? { systemDescription: options.systemDescription } : {}),
      ...(options.triage === undefined ? {} : { triage: options.triage }),
    };
    hooks.beforeStep?.(event);
    const recorder = interruptionRecorder();
    const listeners: StepListeners = {
      onUsage: (reading) => {
        recorder.onUsage(reading);
        hooks.onUsage?.(reading, event);
      },
      onCandidates: recorder.onCandidates,
    };
    let outcome: StepOutcome;
    try {
      outcome = await runner(state, input, signal, listeners);
    } catch (error) {
      if (signal.aborted || isAbortError(error)) {
        // What the cut step spent is reported (not stored: the abort stops the writes too).
        const reading = recorder.reading();
        const nowMs = (options.now ?? (() => new Date()))().getTime();
        recommendations.push(interruptedRecommendation(state, reading, { model: options.model ?? 'unknown', mode: options.mode ?? 'planner' }, describeError(error), nowMs));
        alertsPerStep.push(given.length);
        return result('aborted', describeError(error));
      }
      return result('failed', describeError(error));
    }
    state = outcome.state;
    recommendations.push(outcome.recommendation);
    revisions.push(...outcome.revisions);
    alertsPerStep.push(given.length);
    await hooks.onStep?.(outcome, event);
    const stop = await (options.stopRule ?? agentStopRule)(outcome, event);
    if (stop !== undefined) return result(stop);
  }
  return result(options.stopRule === undefined && isTerminal(state.recoveryState) ? 'recovered' : 'step-cap');
}
