import { ErrorCodes } from '../../../src/errors';
import { runAgentStep } from '../../../src/core/agent/step';
import { initialAgentState } from '../../../src/core/agent/types';
import { FakeLlm } from './support/fake-llm';
import { act, bruteForceAlerts, makeConfig, makeDeps, world } from './support/world';

const candidates = () => [
  act('monitor', ['web-01'], 'Watch web-01.'),
  act('isolate-host', ['web-01'], 'Quarantine web-01.'),
  act('collect-forensics', ['web-01'], 'Image web-01.'),
];
const input = () => ({ alerts: bruteForceAlerts() });

describe('runAgentStep: budgets', () => {
  it('stops at the LLM call budget, finishes with what was scored and says so', async () => {
    const llm = new FakeLlm(world({ candidates: candidates() }));
    const config = makeConfig({ rolloutConcurrency: 1, budgets: { maxLlmCalls: 20 } });
    const outcome = await runAgentStep(initialAgentState('inc-b1'), input(), makeDeps(llm), config, new AbortController().signal);
    const { recommendation } = outcome;
    expect(llm.calls.length).toBeLessThanOrEqual(20);
    expect(recommendation.usage.llmCalls).toBe(llm.calls.length);
    expect(recommendation.budgetExhausted).toContain('LLM call budget of 20');
    expect(recommendation.rationale).toContain('Budget exhausted');
    const unfinished = recommendation.candidates.reduce((sum, candidate) => sum + candidate.unfinishedRollouts, 0);
    expect(unfinished).toBeGreaterThan(0);
    // Sequential rollouts: the first candidate was scored, so the step still recommends it, and the reserved call
    // advanced the state.
    expect(recommendation.decision.kind).toBe('act');
    expect(llm.calls.at(-1)?.purpose).toBe('predict-state');
  });

  it('abstains when the budget runs out before any candidate is scored', async () => {
    const llm = new FakeLlm(world({ candidates: candidates() }));
    const config = makeConfig({ budgets: { maxLlmCalls: 5 } });
    const outcome = await runAgentStep(initialAgentState('inc-b2'), input(), makeDeps(llm), config, new AbortController().signal);
    expect(llm.calls.length).toBeLessThanOrEqual(5);
    expect(outcome.recommendation.decision).toMatchObject({ kind: 'abstain', code: 'budget' });
    expect(outcome.state.recoveryState).toEqual(outcome.recommendation.currentState);
  });

  it('stops at the token budget', async () => {
    const llm = new FakeLlm(world({ candidates: candidates() }), { promptTokens: 900, completionTokens: 100 });
    const config = makeConfig({ rolloutConcurrency: 1, budgets: { maxTokens: 15000 } });
    const outcome = await runAgentStep(initialAgentState('inc-b3'), input(), makeDeps(llm), config, new AbortController().signal);
    expect(outcome.recommendation.budgetExhausted).toContain('token budget of 15000');
    // Calls start only under the budget; the commit may use its reserved call.
    expect(llm.calls.length).toBeLessThanOrEqual(16);
    expect(outcome.recommendation.usage.promptTokens + outcome.recommendation.usage.completionTokens).toBe(1000 * llm.calls.length);
  });

  it('stops at the time budget measured with the injected clock', async () => {
    let clock = 0;
    const handler = world({ candidates: candidates() });
    const timed = new FakeLlm((request, index) => {
      clock += 1000;
      return handler(request, index);
    });
    const config = makeConfig({ rolloutConcurrency: 1, budgets: { timeoutMs: 10_000 } });
    const outcome = await runAgentStep(initialAgentState('inc-b4'), input(), makeDeps(timed, () => clock), config, new AbortController().signal);
    expect(outcome.recommendation.budgetExhausted).toContain('time budget of 10000 ms');
    expect(timed.calls.length).toBeLessThanOrEqual(11);
    expect(outcome.recommendation.latencyMs).toBe(clock);
  });

  it('treats the step signal timing out as the time budget', async () => {
    const controller = new AbortController();
    const handler = world({ candidates: candidates() });
    const llm = new FakeLlm((request, index) => {
      if (index === 12) controller.abort(new DOMException('step timeout', 'TimeoutError'));
      return handler(request, index);
    });
    const outcome = await runAgentStep(initialAgentState('inc-b5'), input(), makeDeps(llm), makeConfig({ rolloutConcurrency: 1 }), controller.signal);
    expect(outcome.recommendation.budgetExhausted).toBe('step timeout reached');
    expect(llm.calls.length).toBeLessThanOrEqual(14);
  });

  it('throws when the step is cancelled for any other reason', async () => {
    const controller = new AbortController();
    const handler = world({ candidates: candidates() });
    const llm = new FakeLlm((request, index) => {
      if (index === 3) controller.abort(new Error('shutdown'));
      return handler(request, index);
    });
    await expect(runAgentStep(initialAgentState('inc-b6'), input(), makeDeps(llm), makeConfig(), controller.signal)).rejects.toMatchObject({
      code: ErrorCodes.aborted,
    });
  });
});
