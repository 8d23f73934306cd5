import { ActionKinds, type ActionKind } from '../agent/action';
import { ActionEffects, type EffectAim } from '../agent/action-effects';
import { stagesOfText } from './action-stages';
import { RecoveryStages, type GroundTruth, type RecoveryStage } from './ground-truth';
import { entityResolver, responseRequirements, type Requirement, type ResponseRequirements } from './requirements';
import type { TracedAction, TracedStep } from './trace';

export { entityResolver } from './requirements';

/**
 * The rule judge: replays a method's actions against the ground truth with the evaluator's own state (never the
 * agent's predicted one). Each action is checked per target (requirements.ts): it MEETS a requirement when its kind
 * advances that requirement's stage aimed at what the requirement is (action-effects.ts, the definition the agent's
 * world model shares) and it names that requirement's host, foothold or weakness.
 *
 * - EFFECTIVE = meets at least one requirement not met before; cost 1.
 * - UNNECESSARY (cost 2, NDSS's "+2 for an action with unnecessary steps"): it names hosts and none is in the ground
 *   truth (attackers ∪ targets ∪ recovery targets); or its kind advances no stage; or every stage it advances
 *   already holds; or the case is a false positive.
 * - otherwise INEFFECTIVE: it addresses an open stage but misses every open requirement (wrong host, wrong kind for
 *   the foothold or weakness); cost 1.
 * - an abstention costs 1 (a step spent waiting for an analyst); "no incident" costs 0.
 */
export type StageStatus = Readonly<Record<RecoveryStage, boolean>>;

export interface JudgedStep {
  readonly step: number;
  readonly outcome: TracedStep['outcome'];
  /** Stages the action's kind (or the judge model) says it advances. */
  readonly addressed: readonly RecoveryStage[];
  /** Stages that became true with this action. */
  readonly advanced: readonly RecoveryStage[];
  /** Requirement ids this action met for the first time. */
  readonly met: readonly string[];
  readonly effective: boolean;
  readonly unnecessary: boolean;
  readonly cost: number;
  readonly reason: string;
  readonly stateAfter: StageStatus;
}

/** The judge's running state: the requirements met and the attackers cut off so far. */
export interface JudgeState {
  readonly met: ReadonlySet<string>;
  readonly cutOff: ReadonlySet<string>;
  readonly stages: StageStatus;
}

/**
 * What an action advances: per stage, the aims it can meet. The rule reading takes them from the action's typed kind;
 * a judge model's verdict (or an untyped kind read by its verbs) gives stages only, which may then meet any aim.
 */
export type ActionReading = ReadonlyMap<RecoveryStage, readonly EffectAim[] | 'any'>;

export const emptyStatus: StageStatus = {
  contained: false, assessed: false, preserved: false, evicted: false, hardened: false, restored: false,
};

export const initialJudgeState: JudgeState = { met: new Set(), cutOff: new Set(), stages: emptyStatus };

export function isTerminal(status: StageStatus): boolean {
  return RecoveryStages.every((stage) => status[stage]);
}

const isKind = (kind: string): kind is ActionKind => (ActionKinds as readonly string[]).includes(kind);

/** The rule reading: the typed kind's effects; an unknown kind by the verbs of its description (action-stages.ts). */
export function ruleReading(action: TracedAction): ActionReading {
  const kind = action.kind.trim().toLowerCase();
  if (isKind(kind)) {
    const effect = ActionEffects[kind];
    return new Map(RecoveryStages.flatMap((stage) => (effect[stage] === undefined ? [] : [[stage, effect[stage]] as const])));
  }
  return stagesReading(stagesOfText(`${action.kind} ${action.description}`));
}

export function stagesReading(stages: readonly RecoveryStage[]): ActionReading {
  return new Map(stages.map((stage) => [stage, 'any'] as const));
}

const HOST_LIKE = /^(\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?|[0-9a-f:]+:[0-9a-f:]*|[a-z0-9-]+(\.[a-z0-9-]+)+)$/i;

function truthHosts(truth: GroundTruth, resolve: (name: string) => string) {
  const relevant = new Set([...truth.entities.attackers, ...truth.entities.targets, ...truth.recoveryTargets].map(resolve));
  const known = new Set([...relevant, ...truth.entities.systems.map(resolve)]);
  return { relevant, known };
}

function stagesOf(met: ReadonlySet<string>, response: ResponseRequirements): StageStatus {
  const status = { ...emptyStatus };
  for (const stage of RecoveryStages) {
    status[stage] = response.requirements.filter((r) => r.stage === stage).every((r) => met.has(r.id));
  }
  return status;
}

function hits(requirement: Requirement, reading: ActionReading, named: ReadonlySet<string>): boolean {
  const aims = reading.get(requirement.stage);
  if (aims === undefined) return false;
  if (aims !== 'any' && !aims.some((aim) => requirement.aims.includes(aim))) return false;
  return requirement.names.length === 0 ? named.size > 0 || aims === 'any' : requirement.names.some((name) => named.has(name));
}

/** One step against the state so far. `reading` is what the action advances (ignored for non-actions). */
export function judgeStep(step: TracedStep, before: JudgeState, truth: GroundTruth, reading: ActionReading): { verdict: JudgedStep; state: JudgeState } {
  const addressed = RecoveryStages.filter((stage) => reading.has(stage));
  const plain = (fields: Omit<JudgedStep, 'step' | 'outcome' | 'stateAfter' | 'met' | 'advanced'>) => ({
    verdict: { step: step.step, outcome: step.outcome, stateAfter: before.stages, met: [], advanced: [], ...fields },
    state: before,
  });
  if (step.outcome !== 'action' || step.action === undefined) {
    const abstained = step.outcome === 'abstain';
    const reason = abstained ? `abstained: ${step.abstainReason ?? 'no reason given'}` : 'declared no incident';
    return plain({ addressed: [], effective: false, unnecessary: false, cost: abstained ? 1 : 0, reason });
  }
  if (!truth.incident) return plain({ addressed, effective: false, unnecessary: true, cost: 2, reason: 'acted on a false positive' });
  const resolve = entityResolver(truth);
  const named = new Set(step.action.targets.map(resolve));
  const { relevant, known } = truthHosts(truth, resolve);
  const hosts = [...named].filter((entity) => HOST_LIKE.test(entity) || known.has(entity));
  if (hosts.length > 0 && !hosts.some((host) => relevant.has(host))) {
    return plain({ addressed, effective: false, unnecessary: true, cost: 2, reason: `targets ${hosts.join(', ')}: none in the ground truth` });
  }
  if (addressed.length === 0) return plain({ addressed, effective: false, unnecessary: true, cost: 2, reason: 'advances no recovery stage' });
  if (addressed.every((stage) => before.stages[stage])) {
    return plain({ addressed, effective: false, unnecessary: true, cost: 2, reason: `repeats achieved stage(s) ${addressed.join(', ')}` });
  }
  const response = responseRequirements(truth);
  const met = new Set(before.met);
  const cutOff = new Set(before.cutOff);
  const aims = reading.get('contained');
  if (aims === 'any' || aims?.includes('attacker') === true) {
    for (const attacker of response.attackers) if (named.has(attacker)) cutOff.add(attacker);
  }
  const allCut = response.attackers.length > 0 && response.attackers.every((attacker) => cutOff.has(attacker));
  const newlyMet = response.requirements
    .filter((r) => !met.has(r.id) && ((r.stage === 'contained' && allCut) || hits(r, reading, named)))
    .map((r) => r.id);
  for (const id of newlyMet) met.add(id);
  const stages = stagesOf(met, response);
  const advanced = RecoveryStages.filter((stage) => stages[stage] && !before.stages[stage]);
  const progressed = newlyMet.length > 0 || cutOff.size > before.cutOff.size;
  const open = addressed.filter((stage) => !before.stages[stage]);
  const reason = newlyMet.length > 0
    ? `meets ${newlyMet.join(', ')}${advanced.length > 0 ? `; ${advanced.join(', ')} now hold(s)` : ''}`
    : progressed
      ? `cuts off ${[...cutOff].filter((attacker) => !before.cutOff.has(attacker)).join(', ')} (not yet every attacker)`
      : `addresses ${open.join(', ')} but names no open requirement of the right kind`;
  return {
    verdict: { step: step.step, outcome: step.outcome, addressed, advanced, met: newlyMet, effective: progressed, unnecessary: false, cost: 1, reason, stateAfter: stages },
    state: { met, cutOff, stages },
  };
}

export function judgeTrace(steps: readonly TracedStep[], truth: GroundTruth, read: (action: TracedAction) => ActionReading = ruleReading): JudgedStep[] {
  const judged: JudgedStep[] = [];
  let state = initialJudgeState;
  for (const step of steps) {
    const result = judgeStep(step, state, truth, step.action === undefined ? new Map() : read(step.action));
    judged.push(result.verdict);
    state = result.state;
  }
  return judged;
}
