import { scoreRollouts, type RolloutOutcome } from '../../../src/core/agent/plan';
import { runAgentStep } from '../../../src/core/agent/step';
import { initialAgentState, Recommendation } from '../../../src/core/agent/types';
import { FakeLlm } from './support/fake-llm';
import { act, applyEffects, bruteForceAlerts, makeConfig, makeDeps, world } from './support/world';

const finished = (length: number): RolloutOutcome => ({ kind: 'finished', length });
const cut: RolloutOutcome = { kind: 'unfinished' };
const notStarted: RolloutOutcome = { kind: 'not-started' };

describe('rollouts cut by a budget: scoring', () => {
  it('charges a rollout cut after it started H, leaves out one that never started, and reports both', () => {
    expect(scoreRollouts([finished(1), cut, notStarted], 10)).toEqual({ q: 5.5, rollouts: [1], unfinishedRollouts: 2, chargedRollouts: 1 });
    expect(scoreRollouts([finished(4), finished(6), notStarted], 10)).toEqual({ q: 5, rollouts: [4, 6], unfinishedRollouts: 1, chargedRollouts: 0 });
  });

  it('leaves a candidate with no finished rollout unscored', () => {
    expect(scoreRollouts([cut, notStarted, notStarted], 10)).toEqual({ q: null, rollouts: [], unfinishedRollouts: 3, chargedRollouts: 1 });
  });

  it('never lets a cut make a candidate look shorter: its long rollouts are not dropped', () => {
    // Dropping the cut rollout would give Q = 1 and beat a sure 4; charged, it gives 5.5.
    const bimodal = scoreRollouts([finished(1), cut], 10).q ?? 0;
    expect(bimodal).toBeGreaterThan(scoreRollouts([finished(4), finished(4), finished(4)], 10).q ?? 0);
  });
});

describe('rollouts cut by a budget: the argmin', () => {
  const watch = act('monitor', ['web-01'], 'Watch web-01 for further SSH attempts.');
  const notify = act('disable-account', ['deploy'], 'Disable the deploy account.');
  const isolate = act('isolate-host', ['web-01'], 'Move web-01 to the quarantine VLAN.');
  const done = { reasoning: 'all done', contained: true, assessed: true, preserved: true, evicted: true, hardened: true, restored: true };

  it('is not biased towards the first candidates when the budget cuts the later ones', async () => {
    // The two first candidates change nothing (each rollout 7 steps = 13 calls); the last one finishes recovery at
    // once (1 call). Candidate by candidate, a budget of 62 calls would spend itself on the first two and leave the
    // best one unscored. Round by round, every candidate gets its rollouts before any gets a third one.
    const llm = new FakeLlm(
      world({
        candidates: [watch, notify, isolate],
        effect: (state, action) => (action.description === isolate.description ? done : { reasoning: 'applied', ...applyEffects(state, action) }),
      }),
    );
    const config = makeConfig({ rolloutConcurrency: 1, budgets: { maxLlmCalls: 62 } });
    const outcome = await runAgentStep(initialAgentState('inc-cut'), { alerts: bruteForceAlerts() }, makeDeps(llm), config, new AbortController().signal);
    const recommendation = Recommendation.parse(outcome.recommendation);

    expect(recommendation.budgetExhausted).toContain('LLM call budget of 62');
    expect(recommendation.decision).toEqual({ kind: 'act', action: isolate });
    const started = recommendation.candidates.map((item) => item.rollouts.length + (item.chargedRollouts ?? 0));
    expect(Math.max(...started) - Math.min(...started)).toBeLessThanOrEqual(1);
    const cutCount = recommendation.candidates.reduce((sum, item) => sum + item.unfinishedRollouts, 0);
    expect(cutCount).toBeGreaterThan(0);
    for (const item of recommendation.candidates) {
      const charged = item.chargedRollouts ?? 0;
      if (item.q !== null) expect(item.q).toBeCloseTo((item.rollouts.reduce((sum, length) => sum + length, 0) + 10 * charged) / (item.rollouts.length + charged));
    }
    expect(recommendation.rationale).toContain('Rollouts cut by the budget');
  });
});
