import { ActionKinds, ActionLimits, type ActionKind } from '../agent/action';
import { ActionEffects, FootholdKinds, WeaknessKinds, type EffectAim } from '../agent/action-effects';
import { RecoveryStages, type GroundTruth, type RecoveryStage } from './ground-truth';

/**
 * What a response must achieve on one incident, per target: the judge's recovery state is the set of requirements
 * met, and a stage holds once all of its requirements are met.
 *
 * - contained, assessed, preserved, restored: one requirement per compromised host (recovery target), aimed at that
 *   host; `contained` is also met on every host at once when every attacker has been cut off (see action-effects.ts);
 * - evicted: one per foothold (reference-plan.json), aimed at its kind and named by its host or its own name;
 * - hardened: one per exploited weakness, aimed at its kind and named by its host.
 * Without footholds or weaknesses labelled, each recovery target needs one evicting and one hardening action of any kind.
 */
export interface Requirement {
  readonly id: string;
  readonly stage: RecoveryStage;
  readonly aims: readonly EffectAim[];
  /** Canonical (lower-case, alias-resolved) names that hit it; empty = any target. */
  readonly names: readonly string[];
}

export interface ResponseRequirements {
  readonly requirements: readonly Requirement[];
  /** Cutting off every one of them meets every `contained` requirement. */
  readonly attackers: readonly string[];
}

const norm = (value: string): string => value.trim().toLowerCase();

/** Lower-cases a name and maps a labelled alias onto its canonical entity. */
export function entityResolver(truth: GroundTruth): (name: string) => string {
  const aliases = new Map<string, string>();
  for (const [canonical, names] of Object.entries(truth.aliases)) {
    for (const name of names) aliases.set(norm(name), norm(canonical));
  }
  return (name) => aliases.get(norm(name)) ?? norm(name);
}

const anyFoothold = FootholdKinds.map((kind) => `foothold:${kind}` as const);
const anyWeakness = WeaknessKinds.map((kind) => `weakness:${kind}` as const);

export function responseRequirements(truth: GroundTruth): ResponseRequirements {
  const resolve = entityResolver(truth);
  const hosts = [...new Set(truth.recoveryTargets.map(resolve))];
  const perHost = (stage: RecoveryStage): Requirement[] => hosts.map((host) => ({ id: `${stage}@${host}`, stage, aims: ['host'], names: [host] }));
  const response = truth.response;
  const evicted: Requirement[] = response === undefined || response.footholds.length === 0
    ? hosts.map((host) => ({ id: `evicted@${host}`, stage: 'evicted', aims: anyFoothold, names: [host] }))
    : response.footholds.map((foothold) => ({
        id: `evicted:${foothold.kind}${foothold.name === undefined ? '' : `:${norm(foothold.name)}`}@${resolve(foothold.host)}`,
        stage: 'evicted',
        aims: [`foothold:${foothold.kind}`],
        names: [resolve(foothold.host), ...(foothold.name === undefined ? [] : [resolve(foothold.name)])],
      }));
  const hardened: Requirement[] = response === undefined || response.weaknesses.length === 0
    ? hosts.map((host) => ({ id: `hardened@${host}`, stage: 'hardened', aims: anyWeakness, names: [host] }))
    : response.weaknesses.map((weakness) => ({
        id: `hardened:${weakness.kind}@${resolve(weakness.host)}`,
        stage: 'hardened',
        aims: [`weakness:${weakness.kind}`],
        names: [resolve(weakness.host)],
      }));
  const requirements = [...perHost('contained'), ...perHost('assessed'), ...perHost('preserved'), ...evicted, ...hardened, ...perHost('restored')];
  // A stage nothing is labelled for (an incident without recovery targets) needs one action of its kinds on anything.
  for (const stage of RecoveryStages) {
    if (!requirements.some((requirement) => requirement.stage === stage)) {
      requirements.push({ id: `${stage}@any`, stage, aims: ['host', 'attacker', ...anyFoothold, ...anyWeakness], names: [] });
    }
  }
  return { requirements, attackers: [...new Set(truth.entities.attackers.map(resolve))] };
}

const covers = (kind: ActionKind, requirement: Requirement): boolean =>
  ActionEffects[kind][requirement.stage]?.some((aim) => requirement.aims.includes(aim)) === true;

const cutsOff = (kind: ActionKind): boolean => ActionEffects[kind].contained?.includes('attacker') === true;

/** Actions needed if each requirement goes to the first chosen kind that can meet it; undefined if one cannot be met. */
function coverCost(chosen: readonly ActionKind[], response: ResponseRequirements): number | undefined {
  const named = new Map<ActionKind, Set<string>>();
  const add = (kind: ActionKind, names: readonly string[]) => {
    const set = named.get(kind) ?? new Set<string>();
    for (const name of names) set.add(name);
    named.set(kind, set);
  };
  const cutter = response.attackers.length > 0 ? chosen.find(cutsOff) : undefined;
  for (const requirement of response.requirements) {
    if (requirement.stage === 'contained' && cutter !== undefined) {
      add(cutter, response.attackers);
      continue;
    }
    const kind = chosen.find((candidate) => covers(candidate, requirement));
    if (kind === undefined) return undefined;
    add(kind, requirement.names.slice(0, 1));
  }
  return [...named.values()].reduce((total, names) => total + Math.max(1, Math.ceil(names.size / ActionLimits.targets)), 0);
}

/**
 * The fewest actions that meet every requirement (the case's minimum recovery time, one cost unit each): every set of
 * kinds is tried, each kind's action naming all it is needed for (up to four targets per action). Exact whenever no
 * kind has to name more than four entities (true of every bundled case); otherwise an upper bound.
 */
export function minimumActions(response: ResponseRequirements): number {
  let best = Number.POSITIVE_INFINITY;
  for (let mask = 1; mask < 1 << ActionKinds.length; mask++) {
    const chosen = ActionKinds.filter((_, index) => (mask & (1 << index)) !== 0);
    if (chosen.length >= best) continue;
    const cost = coverCost(chosen, response);
    if (cost !== undefined && cost < best) best = cost;
  }
  return best;
}
