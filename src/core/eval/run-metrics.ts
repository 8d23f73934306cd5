import { canonicalTactic, canonicalTechnique, techniquesMatch } from './attack-labels';
import type { GroundTruth } from './ground-truth';
import { entityResolver, isTerminal, type JudgedStep } from './judge';
import { minimumActions, responseRequirements } from './requirements';
import { setScore, uniqueDefined, type SetScore } from './set-scores';
import type { EvalTrace } from './trace';

/** The metrics of one run (one method, one incident, one seed). Rates are fractions in [0, 1]. */
export interface RunMetrics {
  readonly incident: boolean;
  readonly recovered: boolean;
  /**
   * True incident: sum of costs up to recovery; a failed run (not recovered within T_max steps, missed, or stopped
   * early) is charged failureCost. False positive: the sum of costs (0 when nothing was done).
   */
  readonly recoveryTime: number;
  /** The case's minimum recovery time: the fewest actions that recover it (0 on a false positive). */
  readonly minimum: number;
  /** True incident not recovered, or a false positive acted on. */
  readonly failed: boolean;
  readonly recoveryStep: number | null;
  readonly steps: number;
  readonly actions: number;
  readonly ineffective: number;
  readonly unnecessary: number;
  readonly abstentions: number;
  readonly ineffectiveRate: number;
  readonly abstentionRate: number;
  readonly tactics: SetScore;
  readonly techniques: SetScore;
  readonly attackers: SetScore;
  /** Entities named by actions and by the conjecture that occur in the evidence / all named (1 when none named). */
  readonly entityGrounding: number;
  /** Hosts named by actions that are in the ground truth / hosts named by actions (1 when none named). */
  readonly targetPrecision: number;
  /** Recovery targets named by at least one effective action / all recovery targets. */
  readonly recoveryTargetCoverage: number;
  /** False-positive case: handled = no action taken. null on a true incident. */
  readonly falsePositiveHandled: boolean | null;
  /** True incident on which the method answered "no incident". */
  readonly missedIncident: boolean;
  readonly llmCallsPerStep: number;
  readonly tokensPerStep: number;
  readonly latencyMsPerStep: number;
}

const norm = (value: string): string => value.trim().toLowerCase();
const ratio = (part: number, whole: number, empty: number): number => (whole === 0 ? empty : part / whole);

/**
 * What a failure costs with a step cap of T_max: every step spent on an unnecessary action (2 each). A run that
 * recovers costs at most 2·(T_max − 1) + 1 (its last action is effective), so failing is always dearer.
 */
export function failureCost(maxSteps: number): number {
  return 2 * maxSteps;
}

function recovery(judged: readonly JudgedStep[], maxSteps: number): { recovered: boolean; time: number; step: number | null } {
  let time = 0;
  for (const verdict of judged) {
    time += verdict.cost;
    if (isTerminal(verdict.stateAfter)) return { recovered: true, time, step: verdict.step };
  }
  return { recovered: false, time: Math.max(time, failureCost(maxSteps)), step: null };
}

function entityScores(trace: EvalTrace, truth: GroundTruth, judged: readonly JudgedStep[]) {
  const resolve = entityResolver(truth);
  const evidence = new Set(trace.evidenceEntities.map(norm));
  // Grounding is checked on the names as written: an alias is grounded only if that very name is in the evidence.
  const named = [...new Set([...trace.steps.flatMap((step) => step.action?.targets ?? []), ...trace.entities.attackers, ...trace.entities.targets].map(norm))];
  const actionTargets = trace.steps.flatMap((step) => step.action?.targets ?? []).map(resolve);
  const truthHosts = new Set([...truth.entities.attackers, ...truth.entities.targets, ...truth.recoveryTargets].map(norm));
  const hostLike = [...new Set(actionTargets)].filter((entity) => /^\d{1,3}(\.\d{1,3}){3}$/.test(entity) || truthHosts.has(entity));
  const effectiveTargets = new Set(
    trace.steps.filter((_, index) => judged[index]?.effective === true).flatMap((step) => step.action?.targets ?? []).map(resolve),
  );
  return {
    entityGrounding: ratio(named.filter((entity) => evidence.has(entity)).length, named.length, 1),
    targetPrecision: ratio(hostLike.filter((entity) => truthHosts.has(entity)).length, hostLike.length, 1),
    recoveryTargetCoverage: ratio(truth.recoveryTargets.filter((t) => effectiveTargets.has(norm(t))).length, truth.recoveryTargets.length, 1),
    attackers: setScore([...new Set(trace.entities.attackers.map(resolve))], truth.entities.attackers.map(resolve)),
  };
}

function usagePerStep(trace: EvalTrace) {
  const steps = trace.steps.length;
  const sum = (pick: (index: number) => number) => trace.steps.reduce((total, _, index) => total + pick(index), 0);
  const usage = (index: number) => trace.steps[index]!.usage;
  return {
    llmCallsPerStep: ratio(sum((i) => usage(i).llmCalls), steps, 0),
    tokensPerStep: ratio(sum((i) => usage(i).promptTokens + usage(i).completionTokens), steps, 0),
    latencyMsPerStep: ratio(sum((i) => usage(i).latencyMs), steps, 0),
  };
}

/** `maxSteps` is T_max, the step cap the run had (it sets the failure charge). */
export function runMetrics(trace: EvalTrace, truth: GroundTruth, judged: readonly JudgedStep[], maxSteps: number): RunMetrics {
  const actions = judged.filter((verdict) => verdict.outcome === 'action');
  const abstentions = judged.filter((verdict) => verdict.outcome === 'abstain').length;
  const ineffective = actions.filter((verdict) => !verdict.effective).length;
  const done = recovery(judged, maxSteps);
  const recovered = truth.incident && done.recovered;
  const tactics = setScore(uniqueDefined(trace.tactics.map(canonicalTactic)), uniqueDefined(truth.tactics.map(canonicalTactic)));
  const techniques = setScore(
    uniqueDefined(trace.techniques.map(canonicalTechnique)),
    uniqueDefined(truth.techniques.map(canonicalTechnique)),
    techniquesMatch,
  );
  return {
    incident: truth.incident,
    recovered,
    recoveryTime: truth.incident ? done.time : judged.reduce((total, verdict) => total + verdict.cost, 0),
    minimum: truth.incident ? minimumActions(responseRequirements(truth)) : 0,
    failed: truth.incident ? !recovered : actions.length > 0,
    recoveryStep: done.step,
    steps: judged.length,
    actions: actions.length,
    ineffective,
    unnecessary: actions.filter((verdict) => verdict.unnecessary).length,
    abstentions,
    ineffectiveRate: ratio(ineffective, actions.length, 0),
    abstentionRate: ratio(abstentions, judged.length, 0),
    tactics,
    techniques,
    ...entityScores(trace, truth, judged),
    falsePositiveHandled: truth.incident ? null : actions.length === 0,
    missedIncident: truth.incident && !trace.incidentDetected,
    ...usagePerStep(trace),
  };
}
