import { z } from 'zod';
import type { LlmMessage } from '../ports/llm';
import { RecoveryStage, RecoveryStages, type GroundTruth } from './ground-truth';
import type { StageStatus } from './judge';
import type { TracedAction } from './trace';

/**
 * The optional judge model: instead of the verb lists, a model (LLM port, purpose 'judge') says which recovery
 * stages an action genuinely achieves for this incident. Only that reading changes; the target rules, costs and
 * metrics stay the rule judge's, so the two judges differ in one documented place.
 */
export const JudgeAnswer = z.object({
  stages: z.array(RecoveryStage).max(RecoveryStages.length),
  reason: z.string().max(300),
});
export type JudgeAnswer = z.infer<typeof JudgeAnswer>;

const STAGE_MEANING: Readonly<Record<(typeof RecoveryStages)[number], string>> = {
  contained: 'the attack is isolated and can no longer spread',
  assessed: 'the scope and severity of the attack are known',
  preserved: 'forensic evidence is captured and stored safely',
  evicted: 'attacker access is revoked and malicious code, accounts and processes are removed',
  hardened: 'the weakness that let the attack in is fixed',
  restored: 'affected services run normally again',
};

export function judgeMessages(truth: GroundTruth, before: StageStatus, action: TracedAction): LlmMessage[] {
  const stages = RecoveryStages.map((stage) => `- ${stage}: ${STAGE_MEANING[stage]} (${before[stage] ? 'already achieved' : 'not yet'})`).join('\n');
  const system =
    'You grade incident-response actions against a known ground truth. Answer with the recovery stages that the ' +
    'action, if carried out as written, would genuinely achieve for this incident. A vague action achieves nothing. ' +
    'Stages already achieved do not count again. Answer only with JSON.';
  const user = [
    `Incident (ground truth): ${truth.description || 'no description'}`,
    `Attacker(s): ${truth.entities.attackers.join(', ') || 'none'}`,
    `Recovery targets: ${truth.recoveryTargets.join(', ') || 'none'}`,
    `ATT&CK techniques: ${truth.techniques.join(', ') || 'none'}`,
    `Recovery stages:\n${stages}`,
    `Action: ${action.kind} on ${action.targets.join(', ') || 'no target'}: ${action.description}`,
    'Which stages does this action achieve? Reply as {"stages": [...], "reason": "..."}.',
  ].join('\n\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}
