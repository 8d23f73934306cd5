import type { AgentState, ConjectureRevision, Recommendation } from '../core/agent/types';
import type { AlertEvidence } from '../core/documents/evidence-summary';
import type { Incident } from '../core/triage/types';

/** Everything a replay report shows; built by src/replay, rendered by markdown.ts and html.ts (pure). */
export type StopReason = 'recovered' | 'no-incident' | 'step-cap' | 'aborted' | 'failed';

export interface IncidentReport {
  readonly incident: Incident;
  readonly alertCount: number;
  /** What the agent was given to see: top rules, entities, tactics and a timeline of the incident's alerts. */
  readonly evidence: AlertEvidence;
  readonly recommendations: readonly Recommendation[];
  /** How many new alerts each step was given (aligned with `recommendations`; 0 for the steps after the last chunk). */
  readonly alertsPerStep: readonly number[];
  readonly revisions: readonly ConjectureRevision[];
  readonly finalState: AgentState;
  readonly stopReason: StopReason;
  /** The error message when the agent loop failed part way (the steps before it are still reported). */
  readonly error?: string;
}

export interface ReplayBudget {
  readonly candidates: number;
  readonly rollouts: number;
  readonly depth: number;
  readonly maxSteps: number;
  readonly chunkSize: number;
  readonly maxLlmCallsPerStep: number;
  readonly stepTimeoutMs: number;
}

export interface ReplayReport {
  readonly title: string;
  readonly source: string;
  readonly files: readonly string[];
  readonly model: string;
  readonly provider: string;
  /** "planner", "direct", or the planner with parts switched off ("planner without planning, adaptation"). */
  readonly method: string;
  readonly budget: ReplayBudget;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly counts: {
    readonly records: number;
    readonly alerts: number;
    readonly rejected: number;
    readonly contextLines: number;
    readonly incidents: number;
    readonly incidentsReplayed: number;
  };
  /** Why some records were rejected (first few, for the analyst). */
  readonly rejections: ReadonlyArray<{ readonly origin: string; readonly reason: string }>;
  /** What each input file yielded, the warnings (files with no alerts, files not read) and rejections by reason. */
  readonly inputs?: {
    readonly files: ReadonlyArray<{ readonly file: string; readonly records: number; readonly alerts: number; readonly rejected: number; readonly context: number }>;
    readonly warnings: readonly string[];
    readonly rejectionReasons: Readonly<Record<string, number>>;
  };
  /** The incidents triage formed, highest score first (at most 50), whether or not the agent ran on them. */
  readonly triaged?: ReadonlyArray<{ readonly id: string; readonly score: number; readonly alerts: number; readonly tactics: readonly string[]; readonly status: string }>;
  readonly output: string;
  readonly incidents: readonly IncidentReport[];
}
