import { ConjectureRevision, Recommendation, initialAgentState, AgentState } from '../../../src/core/agent/types';
import { runAgentStep } from '../../../src/core/agent/step';
import { RecoveryStateFields } from '../../../src/core/agent/recovery-state';
import { FakeLlm, INVALID, userOf } from './support/fake-llm';
import { act, applyEffects, bruteForceAlerts, incidentAnswer, makeConfig, makeDeps, system, world } from './support/world';

const signal = () => new AbortController().signal;
const monitor = act('monitor', ['web-01'], 'Watch web-01 for further SSH attempts.');
const isolate = act('isolate-host', ['web-01'], 'Move web-01 to the quarantine VLAN.');
const forensics = act('collect-forensics', ['web-01'], 'Image the disk and memory of web-01.');

describe('runAgentStep: planning', () => {
  it('scores every candidate by the mean rollout length and commits the argmin (ties to the first)', async () => {
    const llm = new FakeLlm(world({ candidates: [monitor, isolate, forensics] }));
    const config = makeConfig();
    const outcome = await runAgentStep(initialAgentState('inc-1'), { alerts: bruteForceAlerts(), systemDescription: system }, makeDeps(llm), config, signal());
    const recommendation = Recommendation.parse(outcome.recommendation);

    // monitor flips nothing (1 + 6 policy steps), isolate and forensics flip one stage each (1 + 5).
    expect(recommendation.candidates.map((candidate) => candidate.q)).toEqual([7, 6, 6]);
    for (const candidate of recommendation.candidates) {
      expect(candidate.rollouts).toHaveLength(config.rollouts);
      const mean = candidate.rollouts.reduce((sum, length) => sum + length, 0) / candidate.rollouts.length;
      expect(candidate.q).toBeCloseTo(mean);
    }
    expect(recommendation.decision).toEqual({ kind: 'act', action: isolate });
    expect(recommendation.predictedState).toEqual(applyEffects(recommendation.currentState, isolate));
    // The chosen candidate's rollouts agree (6, 6, 6): λ = 1, however much the candidates differ.
    expect(recommendation.consistency).toBe(1);
    expect(recommendation.usage.llmCalls).toBe(llm.calls.length);
    expect(recommendation.usage.callsByPurpose['perceive']).toBe(1);

    const state = AgentState.parse(outcome.state);
    expect(state.step).toBe(1);
    expect(state.history).toEqual([{ step: 0, action: isolate, outcome: 'recommended' }]);
    expect(state.recoveryState.contained).toBe(true);
    expect(state.counters.llmCalls).toBe(llm.calls.length);
  });

  it('adds simulated actions to the rollout history and never lets a rollout exceed the depth cap', async () => {
    const llm = new FakeLlm(world({ candidates: [monitor, isolate, forensics] }));
    const outcome = await runAgentStep(initialAgentState('inc-1'), { alerts: bruteForceAlerts() }, makeDeps(llm), makeConfig({ depth: 4 }), signal());
    for (const candidate of outcome.recommendation.candidates) {
      for (const length of candidate.rollouts) expect(length).toBeLessThanOrEqual(4);
    }
    const rolloutActionCalls = llm.calls.filter((call) => call.purpose === 'generate-action' && userOf(call).includes('"outcome":"simulated"'));
    expect(rolloutActionCalls.length).toBeGreaterThan(0);
    // The n-th simulated action prompt lists n simulated actions: each one joins the history.
    for (const call of rolloutActionCalls) expect(userOf(call).match(/"outcome":"simulated"/g)?.length).toBeGreaterThanOrEqual(1);
  });

  it('never moves the recovery state back, even when the model predicts a reset', async () => {
    const observed = { contained: true, assessed: true, preserved: false, evicted: false, hardened: false, restored: false };
    const llm = new FakeLlm(
      world({
        incident: incidentAnswer({ state: observed }),
        candidates: [forensics, act('eradicate', ['web-01'], 'Remove the dropped web shell from web-01.'), act('patch', ['web-01'], 'Patch OpenSSH on web-01.')],
        // The world model "forgets" containment and assessment on every prediction.
        effect: (state, action) => ({ reasoning: 'reset', ...applyEffects(state, action), contained: false, assessed: false }),
      }),
    );
    const earlier = { step: 0, action: act('isolate-host', ['web-01'], 'Quarantine web-01.'), outcome: 'executed' as const };
    const start = { ...initialAgentState('inc-2'), step: 1, history: [earlier], recoveryState: { ...observed, contained: true, assessed: false } };
    const outcome = await runAgentStep(start, { alerts: bruteForceAlerts() }, makeDeps(llm), makeConfig(), signal());
    for (const field of RecoveryStateFields) {
      if (start.recoveryState[field]) expect(outcome.recommendation.currentState[field]).toBe(true);
      if (outcome.recommendation.currentState[field]) expect(outcome.recommendation.predictedState[field]).toBe(true);
      if (outcome.recommendation.predictedState[field]) expect(outcome.state.recoveryState[field]).toBe(true);
    }
    expect(outcome.state.recoveryState.contained).toBe(true);
    expect(outcome.state.recoveryState.assessed).toBe(true);
  });

  it('abstains with "needs analyst" when the best candidate\'s rollouts disagree about its value', async () => {
    let isolateStarts = 0;
    const llm = new FakeLlm(
      world({
        candidates: [isolate, monitor, forensics],
        // isolate's first rollout finishes recovery at once, its others fail (cost H = 10): rollouts 1, 10, 10.
        // Every rollout of the other candidates fails: 10, 10, 10. isolate is the argmin (Q = 7) on no agreement.
        effect: (state, action, request) => {
          const user = request.messages.find((message) => message.role === 'user')?.content ?? '';
          if (action.kind !== 'isolate-host') return INVALID;
          if (user.includes('"outcome":"simulated"')) return { reasoning: 'applied', ...applyEffects(state, action) };
          isolateStarts += 1;
          return isolateStarts === 1
            ? { reasoning: 'all done', contained: true, assessed: true, preserved: true, evicted: true, hardened: true, restored: true }
            : INVALID;
        },
      }),
    );
    const before = initialAgentState('inc-3');
    const outcome = await runAgentStep(before, { alerts: bruteForceAlerts() }, makeDeps(llm), makeConfig({ rolloutConcurrency: 1 }), signal());
    const { recommendation } = outcome;
    expect(recommendation.candidates.map((candidate) => candidate.rollouts)).toEqual([[1, 10, 10], [10, 10, 10], [10, 10, 10]]);
    expect(recommendation.consistency ?? 1).toBeLessThanOrEqual(0.5);
    expect(recommendation.decision).toMatchObject({ kind: 'abstain', code: 'inconsistent' });
    expect(recommendation.rationale).toContain('needs analyst');
    expect(recommendation.rationale).toContain('lengths 1, 10, 10');
    expect(recommendation.predictedState).toEqual(recommendation.currentState);
    expect(outcome.state.history).toEqual([]);
    expect(outcome.state.counters.abstentions).toBe(1);
  });

  it('retries an answer that fails its schema once, with the validation message, then costs the rollout H', async () => {
    let failures = 0;
    const llm = new FakeLlm(
      world({
        candidates: [isolate, forensics, monitor],
        override: (request, user) => {
          if (request.purpose === 'predict-state' && user.includes('"kind":"monitor"')) {
            failures += 1;
            return INVALID;
          }
          return undefined;
        },
      }),
    );
    const outcome = await runAgentStep(initialAgentState('inc-4'), { alerts: bruteForceAlerts() }, makeDeps(llm), makeConfig({ consistencyGamma: 0 }), signal());
    const monitorReport = outcome.recommendation.candidates.find((candidate) => candidate.action.kind === 'monitor');
    expect(monitorReport?.rollouts).toEqual([10, 10, 10]);
    expect(failures).toBe(6); // three rollouts, two attempts each
    const retries = llm.calls.filter((call) => call.messages.length === 4);
    expect(retries).toHaveLength(3);
    for (const retry of retries) expect(retry.messages[3]?.content).toContain('does not match the required JSON schema');
  });

  it('returns schema-valid documents for the replay and the store', async () => {
    const llm = new FakeLlm(world({ candidates: [isolate, forensics, monitor] }));
    const outcome = await runAgentStep(initialAgentState('inc-5'), { alerts: bruteForceAlerts(), systemDescription: system }, makeDeps(llm), makeConfig(), signal());
    expect(() => AgentState.parse(outcome.state)).not.toThrow();
    expect(() => Recommendation.parse(outcome.recommendation)).not.toThrow();
    for (const revision of outcome.revisions) expect(() => ConjectureRevision.parse(revision)).not.toThrow();
    expect(JSON.parse(JSON.stringify(outcome.state))).toEqual(outcome.state);
  });
});
