import { RecoveryStages, type GroundTruth, type RecoveryStage } from './ground-truth';
import type { TracedStep } from './trace';

/**
 * The rule judge: replays a method's actions against the ground truth with the evaluator's own recovery state
 * (never the agent's predicted one) and says, per action, whether it was effective and whether it was unnecessary.
 *
 * - An action ADVANCES a stage when it addresses that stage (see action-stages.ts), the stage is still false, and the
 *   action names what the stage needs: `contained`, `evicted` need an attacker or a recovery target; `preserved`,
 *   `hardened`, `restored` need a recovery target; `assessed` needs none.
 * - EFFECTIVE = advances at least one stage.
 * - UNNECESSARY = names hosts but none of them is in the ground truth (attackers ∪ targets ∪ recovery targets), or
 *   addresses no stage, or addresses only stages already achieved. On a false-positive case every action is unnecessary.
 * - COST: 2 for an unnecessary action, else 1 (NDSS footnote); an abstention costs 1 (a step spent waiting for an analyst).
 */
export type StageStatus = Readonly<Record<RecoveryStage, boolean>>;

export interface JudgedStep {
  readonly step: number;
  readonly outcome: TracedStep['outcome'];
  readonly addressed: readonly RecoveryStage[];
  readonly advanced: readonly RecoveryStage[];
  readonly effective: boolean;
  readonly unnecessary: boolean;
  readonly cost: number;
  readonly reason: string;
  readonly stateAfter: StageStatus;
}

/** How the stages an action addresses are decided: by the rule classifier or by a judge model's earlier verdicts. */
export type StageClassifier = (step: TracedStep) => readonly RecoveryStage[];

const HOST_LIKE = /^(\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?|[0-9a-f:]+:[0-9a-f:]*|[a-z0-9-]+(\.[a-z0-9-]+)+)$/i;

const norm = (value: string): string => value.trim().toLowerCase();

/** Lower-cases a name and maps a labelled alias onto its canonical entity. */
export function entityResolver(truth: GroundTruth): (name: string) => string {
  const aliases = new Map<string, string>();
  for (const [canonical, names] of Object.entries(truth.aliases)) {
    for (const name of names) aliases.set(norm(name), norm(canonical));
  }
  return (name) => aliases.get(norm(name)) ?? norm(name);
}

export const emptyStatus: StageStatus = {
  contained: false, assessed: false, preserved: false, evicted: false, hardened: false, restored: false,
};

export function isTerminal(status: StageStatus): boolean {
  return RecoveryStages.every((stage) => status[stage]);
}

interface TargetSets {
  readonly attackers: ReadonlySet<string>;
  readonly recovery: ReadonlySet<string>;
  readonly relevant: ReadonlySet<string>;
  readonly known: ReadonlySet<string>;
}

function targetSets(truth: GroundTruth): TargetSets {
  const attackers = new Set(truth.entities.attackers.map(norm));
  const recovery = new Set(truth.recoveryTargets.map(norm));
  const relevant = new Set([...attackers, ...recovery, ...truth.entities.targets.map(norm)]);
  const known = new Set([...relevant, ...truth.entities.systems.map(norm)]);
  return { attackers, recovery, relevant, known };
}

function stageNeedMet(stage: RecoveryStage, named: readonly string[], sets: TargetSets): boolean {
  const hasRecovery = named.some((entity) => sets.recovery.has(entity));
  const hasAttacker = named.some((entity) => sets.attackers.has(entity));
  switch (stage) {
    case 'assessed':
      return true;
    case 'contained':
    case 'evicted':
      return hasRecovery || hasAttacker;
    case 'preserved':
    case 'hardened':
    case 'restored':
      return hasRecovery;
  }
}

/** A host-like name (IP, CIDR, dotted host name) or any name the ground truth lists; accounts and files are not hosts. */
function hostsNamed(named: readonly string[], sets: TargetSets): string[] {
  return named.filter((entity) => HOST_LIKE.test(entity) || sets.known.has(entity));
}

export function judgeStep(step: TracedStep, before: StageStatus, truth: GroundTruth, addressed: readonly RecoveryStage[]): JudgedStep {
  const base = { step: step.step, outcome: step.outcome, addressed, stateAfter: before };
  if (step.outcome !== 'action' || step.action === undefined) {
    const reason = step.outcome === 'abstain' ? `abstained: ${step.abstainReason ?? 'no reason given'}` : 'declared no incident';
    return { ...base, addressed: [], advanced: [], effective: false, unnecessary: false, cost: step.outcome === 'abstain' ? 1 : 0, reason };
  }
  if (!truth.incident) {
    return { ...base, advanced: [], effective: false, unnecessary: true, cost: 2, reason: 'acted on a false positive' };
  }
  const sets = targetSets(truth);
  const named = step.action.targets.map(entityResolver(truth));
  const hosts = hostsNamed(named, sets);
  if (hosts.length > 0 && !hosts.some((host) => sets.relevant.has(host))) {
    return { ...base, advanced: [], effective: false, unnecessary: true, cost: 2, reason: `targets ${hosts.join(', ')}: none in the ground truth` };
  }
  if (addressed.length === 0) {
    return { ...base, advanced: [], effective: false, unnecessary: true, cost: 2, reason: 'addresses no recovery stage' };
  }
  const open = addressed.filter((stage) => !before[stage]);
  if (open.length === 0) {
    return { ...base, advanced: [], effective: false, unnecessary: true, cost: 2, reason: `repeats achieved stage(s) ${addressed.join(', ')}` };
  }
  const advanced = open.filter((stage) => stageNeedMet(stage, named, sets));
  const stateAfter = { ...before };
  for (const stage of advanced) stateAfter[stage] = true;
  const reason = advanced.length > 0
    ? `advances ${advanced.join(', ')}`
    : `addresses ${open.join(', ')} without naming a recovery target${open.some((s) => s === 'contained' || s === 'evicted') ? ' or attacker' : ''}`;
  return { ...base, advanced, effective: advanced.length > 0, unnecessary: false, cost: 1, reason, stateAfter };
}

export function judgeTrace(steps: readonly TracedStep[], truth: GroundTruth, classify: StageClassifier): JudgedStep[] {
  const judged: JudgedStep[] = [];
  let state: StageStatus = emptyStatus;
  for (const step of steps) {
    const addressed = step.outcome === 'action' ? classify(step) : [];
    const verdict = judgeStep(step, state, truth, addressed);
    judged.push(verdict);
    state = verdict.stateAfter;
  }
  return judged;
}
