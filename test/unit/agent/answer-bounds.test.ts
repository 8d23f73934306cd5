import type { z } from 'zod';
import { defaultAgentConfig } from '../../../src/config';
import { ActionAnswer, IncidentAnswer, RevisionAnswer, SignatureAnswer, StateAnswer } from '../../../src/core/agent/answers';
import { JudgeAnswer } from '../../../src/core/eval/llm-judge';
import { maxPromptTokens, planCall } from '../../../src/core/llm/call-budget';
import { toJsonSchema } from '../../../src/core/llm/json-schema';
import { LlmProfileNames, LlmProfiles, LlmRoles, type LlmRole } from '../../../src/core/llm/profiles';
import { answerTokens, worstCase } from './support/worst-case';

/**
 * Every answer schema's worst case (every string at its maxLength, every array full) must fit the answer budget its
 * role gets in every profile, and a reasoning profile must leave room for thinking on top of it: a cut answer fails
 * its schema. The agent's three answer knobs are the profile's.
 */
const schemaOf: Readonly<Record<LlmRole, z.ZodType>> = {
  analysis: IncidentAnswer,
  action: ActionAnswer,
  state: StateAnswer,
  'conjecture-test': SignatureAnswer,
  revision: RevisionAnswer,
  judge: JudgeAnswer,
};

/** What a reasoning model thinks before answering in the proof (reasoning-profile.test.ts); R1 often thinks that long. */
const typicalThinking = 1500;

describe('answer schemas fit their budgets', () => {
  const cases = LlmProfileNames.flatMap((profile) => LlmRoles.map((role) => [profile, role] as const));

  it.each(cases)('%s: the worst-case %s answer fits its answer budget', (name, role) => {
    const profile = LlmProfiles[name];
    const schema = schemaOf[role];
    const worst = worstCase(toJsonSchema(schema));
    // The generator follows the schema the model is held to; the zod schema must accept what it builds.
    expect(schema.safeParse(worst).success).toBe(true);
    expect(answerTokens(worst)).toBeLessThanOrEqual(profile.answerTokens[role]);
    // A truncated answer is retried with a larger budget; the cap must allow it to grow.
    expect(profile.maxCompletionTokens).toBeGreaterThan(profile.answerTokens[role] + profile.thinkingTokens);
  });

  it.each(LlmRoles)('deepseek-r1: %s leaves room for thinking on top of the answer', (role) => {
    const profile = LlmProfiles['deepseek-r1'];
    expect(profile.thinkingTokens).toBeGreaterThanOrEqual(2 * typicalThinking);
    const planned = planCall({ profile, contextWindow: profile.contextWindow }, role, 6000, profile.answerTokens[role], profile.thinkingTokens);
    expect(planned.ok).toBe(true);
    if (planned.ok) {
      expect(planned.budget.maxTokens).toBe(profile.answerTokens[role] + profile.thinkingTokens);
      expect(planned.budget.contextSize).toBeGreaterThanOrEqual(6000 + planned.budget.maxTokens);
      expect(planned.budget.contextSize).toBeLessThanOrEqual(profile.contextWindow);
    }
    // A 4.5k-token prompt (the measured action/state size) fits many times over.
    expect(maxPromptTokens({ profile, contextWindow: profile.contextWindow }, role)).toBeGreaterThan(4500);
  });

  it("uses the profile's budgets for the agent's answer knobs", () => {
    for (const name of LlmProfileNames) {
      const config = defaultAgentConfig({ profile: name });
      const { answerTokens: budgets } = LlmProfiles[name];
      expect(config).toMatchObject({ maxTokens: budgets.action, analysisMaxTokens: budgets.analysis, conjectureMaxTokens: budgets['conjecture-test'] });
      expect(config.contextSize).toBe(LlmProfiles[name].contextWindow);
    }
  });
});
