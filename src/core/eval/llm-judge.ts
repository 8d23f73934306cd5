import { z } from 'zod';
import type { LlmMessage } from '../ports/llm';
import { RecoveryStage, RecoveryStages, type GroundTruth } from './ground-truth';
import type { JudgeState } from './judge';
import { responseRequirements, type Requirement } from './requirements';
import type { TracedAction } from './trace';

/**
 * The optional judge model: instead of the typed kind's effects, a model (LLM port, purpose 'judge') says which
 * recovery stages an action genuinely achieves for this incident. It is shown what the rule judge checks per target —
 * the attackers, the compromised hosts, the attacker's footholds and the exploited weaknesses (ground truth and
 * reference-plan.json), and which of those requirements are met so far — so it judges per target as the rules do.
 * Only the reading changes; the target rules, costs and metrics stay the rule judge's, so the two judges differ in
 * one documented place.
 *
 * The answer is short by construction (a one-sentence reason first, then at most six stage names): its worst case is
 * about 100 tokens, far inside the judge role's answer budget (answer-bounds.test.ts) and IRA_EVAL_JUDGE_MAX_TOKENS.
 */
export const JudgeAnswer = z.object({
  reason: z.string().max(200),
  stages: z.array(RecoveryStage).max(RecoveryStages.length),
});
export type JudgeAnswer = z.infer<typeof JudgeAnswer>;

const STAGE_MEANING: Readonly<Record<(typeof RecoveryStages)[number], string>> = {
  contained: 'the attack is isolated and can no longer spread (every compromised host cut off, or every attacker blocked)',
  assessed: 'the scope and severity of the attack are known (each compromised host analysed)',
  preserved: 'forensic evidence is captured and stored safely (from each compromised host)',
  evicted: "attacker access is revoked: each foothold below removed (accounts disabled or reset, planted code deleted, sessions killed)",
  hardened: 'each weakness below that let the attacker in is fixed (credential replaced, software patched, configuration corrected)',
  restored: 'affected services run normally again (on each compromised host)',
};

const list = (items: readonly string[]): string => (items.length === 0 ? 'none labelled' : items.join(', '));

/** One line per requirement the rule judge checks, marked met or open. */
function requirementLines(truth: GroundTruth, before: JudgeState): string {
  const show = (requirement: Requirement): string => {
    const names = requirement.names.length === 0 ? 'any target' : requirement.names.join(' or ');
    return `- ${requirement.stage}: ${requirement.aims.map((aim) => aim.replace(':', ' ')).join(' / ')} — named ${names} (${before.met.has(requirement.id) ? 'met' : 'open'})`;
  };
  return responseRequirements(truth).requirements.map(show).join('\n');
}

function groundTruthLines(truth: GroundTruth): string[] {
  const response = truth.response;
  const footholds = (response?.footholds ?? []).map((item) => `${item.kind}${item.name === undefined ? '' : ` "${item.name}"`} on ${item.host}`);
  const weaknesses = (response?.weaknesses ?? []).map((item) => `${item.kind} on ${item.host}`);
  const aliases = Object.entries(truth.aliases).map(([name, others]) => `${name} = ${others.join(' = ')}`);
  return [
    `Incident (ground truth): ${truth.description || 'no description'}`,
    `Attacker(s): ${list(truth.entities.attackers)}`,
    `Compromised hosts (recovery targets): ${list(truth.recoveryTargets)}`,
    `Attacker footholds: ${list(footholds)}`,
    `Exploited weaknesses: ${list(weaknesses)}`,
    ...(aliases.length === 0 ? [] : [`Other names of these hosts: ${aliases.join('; ')}`]),
  ];
}

export function judgeMessages(truth: GroundTruth, before: JudgeState, action: TracedAction): LlmMessage[] {
  const stages = RecoveryStages.map((stage) => `- ${stage}: ${STAGE_MEANING[stage]} (${before.stages[stage] ? 'already achieved' : 'not yet'})`).join('\n');
  const system =
    'You grade incident-response actions against a known ground truth, target by target. A stage counts only when ' +
    'the action, if carried out as written, achieves it on a target the ground truth lists for that stage: the right ' +
    'compromised host, attacker, foothold or weakness, by an action of a kind that really does it. An action on the ' +
    'wrong host, a foothold it does not remove or a weakness it does not fix achieves nothing; a vague action achieves ' +
    'nothing. Stages already achieved do not count again. Answer only with JSON.';
  const user = [
    ...groundTruthLines(truth),
    `Recovery stages:\n${stages}`,
    `Requirements per target (what the grading checks; an action must name the target):\n${requirementLines(truth, before)}`,
    `Action: ${action.kind} on ${action.targets.join(', ') || 'no target'}: ${action.description}`,
    'Which stages does this action achieve on the listed targets? Reply as {"reason": "one short sentence", "stages": [...]}.',
  ].join('\n\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}
