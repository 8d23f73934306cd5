import type { RecoveryStage } from './ground-truth';

/**
 * What the evaluator needs from one run of a method on one incident, independent of how the agent stores it.
 * The eval runner builds a trace from the agent's recommendations; the metrics never see the agent's own
 * (LLM-predicted) recovery state, only what it recommended.
 */
export interface TracedAction {
  /** The action's kind as the agent typed it (free text for methods without a typed action). */
  readonly kind: string;
  readonly description: string;
  /** Every entity the action names (hosts, accounts, files...). */
  readonly targets: readonly string[];
  /** The stages the agent itself said the action addresses, when it says so (used by the rule judge as a hint). */
  readonly claimedStages?: readonly RecoveryStage[];
}

export type StepOutcome = 'action' | 'abstain' | 'no-incident';

export interface StepUsage {
  readonly llmCalls: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly latencyMs: number;
}

export interface TracedStep {
  readonly step: number;
  readonly outcome: StepOutcome;
  readonly action?: TracedAction;
  readonly abstainReason?: string;
  readonly usage: StepUsage;
}

export interface EvalTrace {
  /** Did perception call it an incident (false = the method answered "no incident"). */
  readonly incidentDetected: boolean;
  /** The final attack conjecture. */
  readonly tactics: readonly string[];
  readonly techniques: readonly string[];
  readonly entities: { readonly attackers: readonly string[]; readonly targets: readonly string[] };
  /** Every entity that occurs in the evidence the method was given (alert IPs, host names, users). */
  readonly evidenceEntities: readonly string[];
  readonly steps: readonly TracedStep[];
}

export const zeroUsage: StepUsage = { llmCalls: 0, promptTokens: 0, completionTokens: 0, latencyMs: 0 };
