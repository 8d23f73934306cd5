import { loadConfig } from '../../../src/config';
import { contextStepTokens, grownPlan, planCall } from '../../../src/core/llm/call-budget';
import { LlmProfiles, placeInstructions, profileTemperature, roleOf } from '../../../src/core/llm/profiles';
import { PromptTokenEstimator, estimateTextTokens } from '../../../src/core/llm/prompt-tokens';

const r1 = LlmProfiles['deepseek-r1'];
const spec = { profile: r1, contextWindow: r1.contextWindow };

describe('model profiles', () => {
  it('defaults by provider and takes IRA_LLM_PROFILE, IRA_LLM_CONTEXT_SIZE and IRA_LLM_THREADS', () => {
    expect(loadConfig({}).llm).toMatchObject({ profile: 'smollm2', contextSize: 8192 });
    expect(loadConfig({ IRA_LLM_PROVIDER: 'ollama' }).llm).toMatchObject({ profile: 'deepseek-r1', contextSize: 32768 });
    expect(loadConfig({ IRA_LLM_PROVIDER: 'ollama', IRA_LLM_PROFILE: 'generic', IRA_LLM_CONTEXT_SIZE: '16384', IRA_LLM_THREADS: '3' }).llm).toMatchObject({
      profile: 'generic',
      contextSize: 16384,
      threads: 3,
    });
    expect(loadConfig({}).llm.threads).toBeGreaterThanOrEqual(1);
    expect(() => loadConfig({ IRA_LLM_PROFILE: 'gpt' })).toThrow(/IRA_LLM_PROFILE/);
  });

  it('never samples R1 greedily and leaves other profiles alone', () => {
    expect([0, 0.6, 1.2].map((value) => profileTemperature(r1, value))).toEqual([0.5, 0.6, 0.7]);
    expect(profileTemperature(LlmProfiles.smollm2, 0)).toBe(0);
  });

  it('moves the system message into the first user turn for R1, keeping the order', () => {
    const messages = [
      { role: 'system' as const, content: 'S' },
      { role: 'user' as const, content: 'U1' },
      { role: 'assistant' as const, content: 'A' },
      { role: 'user' as const, content: 'U2' },
    ];
    expect(placeInstructions(r1, messages)).toEqual([
      { role: 'user', content: 'S\n\nU1' },
      { role: 'assistant', content: 'A' },
      { role: 'user', content: 'U2' },
    ]);
    expect(placeInstructions(LlmProfiles.generic, messages)).toBe(messages);
  });

  it('maps every purpose to a role', () => {
    expect(roleOf('perceive')).toBe('analysis');
    expect(roleOf('direct-plan')).toBe('action');
    expect(roleOf('conjecture-revise')).toBe('revision');
  });
});

describe('prompt token estimate', () => {
  it('counts every digit as a token and the rest at 2.5 characters', () => {
    expect(estimateTextTokens('10.0.0.17')).toBe(6 + 2);
    expect(estimateTextTokens('abcde')).toBe(2);
  });

  it('learns a denser tokenizer from the server and keeps the conservative of the two', () => {
    const estimator = new PromptTokenEstimator();
    const messages = [{ role: 'user' as const, content: 'word '.repeat(1000) }];
    const heuristic = estimator.estimate(messages);
    estimator.observe(messages, 4000); // 1.25 characters per token: denser than the heuristic assumes
    expect(estimator.estimate(messages)).toBeGreaterThan(4000);
    estimator.observe(messages, 500); // a sparser count (a cache hit on an old server) never lowers it
    expect(estimator.estimate(messages)).toBeGreaterThan(4000);
    expect(heuristic).toBeLessThan(4000);
  });
});

describe('call budget', () => {
  it('asks for the prompt, the thinking and the answer, in steps that keep Ollama from reloading on every call', () => {
    const planned = planCall(spec, 'action', 4321, 500, 3072);
    expect(planned).toEqual({
      ok: true,
      budget: { promptTokens: 4321, answerTokens: 500, thinkingTokens: 3072, maxTokens: 3572, contextSize: 4 * contextStepTokens },
    });
  });

  it('refuses a prompt that does not fit the window', () => {
    const planned = planCall({ profile: r1, contextWindow: 4096 }, 'analysis', 3000, 1024, 3072);
    expect(planned).toMatchObject({ ok: false, message: expect.stringMatching(/do not fit the 4096-token context of profile deepseek-r1; not sent/) });
  });

  it('doubles a cut budget up to the cap and says when it cannot grow', () => {
    const first = planCall(spec, 'state', 2000, 256, 3072);
    if (!first.ok) throw new Error('expected a plan');
    const grown = grownPlan(spec, 'state', first.budget);
    expect(grown?.ok && grown.budget.maxTokens).toBe(2 * first.budget.maxTokens);
    const capped = planCall(spec, 'state', 2000, 256, r1.maxCompletionTokens - 256);
    expect(capped.ok && grownPlan(spec, 'state', capped.budget)).toBeNull();
  });
});
