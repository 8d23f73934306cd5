import { loadConfig } from '../../../src/config';
import { initialJudgeState, judgeStep, ruleReading } from '../../../src/core/eval/judge';
import { JudgeAnswer, judgeMessages } from '../../../src/core/eval/llm-judge';
import { responseRequirements } from '../../../src/core/eval/requirements';
import type { TracedAction, TracedStep } from '../../../src/core/eval/trace';
import { toJsonSchema } from '../../../src/core/llm/json-schema';
import { estimateTextTokens } from '../../../src/core/llm/prompt-tokens';
import { loadDataset, type EvalCase } from '../../../src/eval/load-dataset';
import { answerTokens, worstCase } from '../agent/support/worst-case';

/**
 * The judge model's prompt carries what the rule judge checks per target (the case's attackers, compromised hosts,
 * footholds and weaknesses, and which requirements are met), and the whole call fits the judge's own budget.
 */
let cases: EvalCase[];
beforeAll(async () => {
  cases = await loadDataset('bundled');
});

const userOf = (truth: EvalCase['truth'], action: TracedAction, before = initialJudgeState): string =>
  judgeMessages(truth, before, action).find((message) => message.role === 'user')?.content ?? '';
const longest: TracedAction = {
  kind: 'reset-credentials',
  targets: ['10.0.2.11', 'admin', 'server_ssh', 'x'.repeat(64)],
  description: 'y'.repeat(240),
};

describe('LLM judge prompt', () => {
  it('lists every attacker, compromised host, foothold and weakness of each bundled case', () => {
    expect(cases.length).toBeGreaterThanOrEqual(4);
    for (const { truth } of cases) {
      const user = userOf(truth, longest);
      for (const name of [...truth.entities.attackers, ...truth.recoveryTargets]) expect(user).toContain(name);
      for (const foothold of truth.response?.footholds ?? []) {
        expect(user).toContain(`${foothold.kind}${foothold.name === undefined ? '' : ` "${foothold.name}"`} on ${foothold.host}`);
      }
      for (const weakness of truth.response?.weaknesses ?? []) expect(user).toContain(`${weakness.kind} on ${weakness.host}`);
      // One line per requirement of the rule judge.
      const lines = user.split('\n').filter((line) => /\((met|open)\)$/.test(line));
      expect(lines).toHaveLength(responseRequirements(truth).requirements.length);
    }
  });

  it('marks the requirements the actions so far have met', () => {
    const truth = cases.find((item) => item.id === 'weak-credential-3')!.truth;
    const action = { kind: 'reset-credentials', targets: ['10.0.2.11', 'admin'], description: 'Reset the admin password' };
    const step: TracedStep = { step: 0, outcome: 'action', action, usage: { llmCalls: 0, promptTokens: 0, completionTokens: 0, latencyMs: 0 } };
    const { state, verdict } = judgeStep(step, initialJudgeState, truth, ruleReading(action));
    expect(verdict.met.length).toBeGreaterThan(0);
    const user = userOf(truth, longest, state);
    const met = user.split('\n').filter((line) => line.endsWith('(met)'));
    expect(met).toHaveLength(verdict.met.length);
    expect(met.every((line) => line.includes('10.0.2.11'))).toBe(true);
  });

  it('fits the judge model\'s budget: prompt + IRA_EVAL_JUDGE_MAX_TOKENS within IRA_EVAL_JUDGE_CONTEXT_SIZE', () => {
    const { evalJudge } = loadConfig({});
    for (const { truth } of cases) {
      const messages = judgeMessages(truth, initialJudgeState, longest);
      const promptTokens = messages.reduce((sum, message) => sum + estimateTextTokens(message.content) + 8, 0);
      expect(promptTokens + evalJudge.maxTokens).toBeLessThanOrEqual(evalJudge.contextSize);
    }
    // The answer itself is short: its worst case leaves nearly all of the budget for a reasoning model's thinking.
    const worst = worstCase(toJsonSchema(JudgeAnswer));
    expect(JudgeAnswer.safeParse(worst).success).toBe(true);
    expect(answerTokens(worst)).toBeLessThanOrEqual(evalJudge.maxTokens / 16);
  });
});
