import { runDirectStep } from '../../../src/core/agent/direct-step';
import { matchedSamples, plannerCallBudget, runSelfConsistencyStep, tallyVotes } from '../../../src/core/agent/self-consistency-step';
import { runAgentStep } from '../../../src/core/agent/step';
import { initialAgentState, Recommendation, type StepInput } from '../../../src/core/agent/types';
import type { ResponseAction } from '../../../src/core/agent/action';
import { FakeLlm, userOf } from './support/fake-llm';
import { act, bruteForceAlerts, incidentAnswer, makeConfig, makeDeps, world } from './support/world';

/**
 * The baselines on equal terms with the planner (issue 8, point 6): both make the planner's incident-analysis call and
 * stop the way the planner does; self-consistency spends the planner's calls on k action samples and a majority vote.
 */
const signal = () => new AbortController().signal;
const input: StepInput = { alerts: bruteForceAlerts() };
const noIncident = () => incidentAnswer({ incident: false, description: 'Routine scanner noise.', tactics: [], techniques: [] });
const isolate = act('isolate-host', ['web-01'], 'Quarantine web-01.');
const block = act('block-ip', ['203.0.113.5'], 'Block 203.0.113.5 at the edge.');
const analyse = act('analyse', ['web-01'], 'Review the SSH logs of web-01.');
const purposes = (llm: FakeLlm) => llm.calls.map((call) => call.purpose);

describe('runDirectStep (baseline): the planner\'s analysis, then one action', () => {
  it('makes the incident-analysis call first and acts on its description; guards only report', async () => {
    const unseen = act('block-ip', ['198.51.100.1'], 'Block 198.51.100.1.');
    const llm = new FakeLlm(world({ candidates: [unseen] }));
    const outcome = await runDirectStep(initialAgentState('inc-d1'), input, makeDeps(llm), makeConfig(), signal());
    expect(purposes(llm)).toEqual(['perceive', 'direct-plan', 'predict-state']);
    expect(userOf(llm.callsFor('direct-plan')[0]!)).toContain(incidentAnswer().description);
    const recommendation = Recommendation.parse(outcome.recommendation);
    expect(recommendation.mode).toBe('direct');
    expect(recommendation.decision).toEqual({ kind: 'act', action: unseen });
    expect(recommendation.candidates[0]?.guard.verdict).toBe('reject');
    expect(recommendation.predictedState.contained).toBe(true);
    expect(outcome.state.analysis).toEqual({ isIncident: true, description: incidentAnswer().description });
  });

  it.each([
    ['no triage view', undefined, 'no-incident'],
    ['triage scored it high with attack-stage alerts', { score: 75, tactics: ['Reconnaissance', 'Credential Access'] }, 'disagreement'],
  ])('stops after the analysis exactly as the planner does (%s)', async (_label, triage, code) => {
    const given: StepInput = { ...input, ...(triage === undefined ? {} : { triage }) };
    const direct = new FakeLlm(world({ incident: noIncident(), candidates: [isolate] }));
    const planner = new FakeLlm(world({ incident: noIncident(), candidates: [isolate] }));
    const baseline = await runDirectStep(initialAgentState('inc-d2'), given, makeDeps(direct), makeConfig(), signal());
    const reference = await runAgentStep(initialAgentState('inc-d2'), given, makeDeps(planner), makeConfig(), signal());
    expect(purposes(direct)).toEqual(['perceive']);
    expect(baseline.recommendation.decision).toEqual(reference.recommendation.decision);
    expect(baseline.recommendation.decision).toMatchObject({ kind: 'abstain', code });
    expect(baseline.state.analysis).toEqual(reference.state.analysis);
  });

  it('keeps the analysis on a step without new evidence, and does not act on a kept "no incident"', async () => {
    const acting = new FakeLlm(world({ candidates: [isolate, block] }));
    const first = await runDirectStep(initialAgentState('inc-d3'), input, makeDeps(acting), makeConfig(), signal());
    const second = await runDirectStep(first.state, { alerts: [] }, makeDeps(acting), makeConfig(), signal());
    expect(acting.count('perceive')).toBe(1);
    expect(second.recommendation.decision).toEqual({ kind: 'act', action: block });

    const idle = new FakeLlm(world({ incident: noIncident(), candidates: [isolate] }));
    const quiet = await runDirectStep(initialAgentState('inc-d4'), input, makeDeps(idle), makeConfig(), signal());
    const again = await runDirectStep(quiet.state, { alerts: [] }, makeDeps(idle), makeConfig(), signal());
    expect(purposes(idle)).toEqual(['perceive']);
    expect(again.recommendation.decision).toMatchObject({ kind: 'abstain', code: 'no-incident' });
  });
});

/** The most frequent (kind, targets) of `samples`, ties to the one sampled first: an independent count for the tests. */
function expectedWinner(samples: readonly ResponseAction[]): ResponseAction {
  const key = (action: ResponseAction) => `${action.kind}|${action.targets.map((target) => target.trim().toLowerCase()).sort().join(',')}`;
  const counts = samples.map((action) => samples.filter((other) => key(other) === key(action)).length);
  const best = Math.max(...counts);
  return samples[counts.indexOf(best)]!;
}

describe('runSelfConsistencyStep (compute-matched baseline)', () => {
  // One call at a time, so the world serves the scripted samples in the order the step asks for them.
  const config = makeConfig({ rolloutConcurrency: 1 });

  it('draws k samples after the analysis, commits the majority (kind and targets), and lists the votes', async () => {
    const reworded = act('isolate-host', ['WEB-01'], 'Move web-01 to the quarantine VLAN.');
    const samples = [block, isolate, analyse, reworded, isolate];
    const llm = new FakeLlm(world({ candidates: samples }));
    const outcome = await runSelfConsistencyStep(initialAgentState('inc-s1'), input, makeDeps(llm), config, signal(), samples.length);
    expect(purposes(llm)).toEqual(['perceive', ...samples.map(() => 'direct-plan'), 'predict-state']);
    const winner = expectedWinner(samples);
    expect(winner).toBe(isolate);
    const recommendation = Recommendation.parse(outcome.recommendation);
    expect(recommendation.decision).toEqual({ kind: 'act', action: winner });
    expect(actionIn(llm)).toEqual(winner);
    expect(recommendation.candidates.map((candidate) => candidate.action.kind)).toEqual(['isolate-host', 'block-ip', 'analyse']);
    expect(recommendation.rationale).toContain('isolate-host on web-01 ×3');
    // Every sample saw the same prompt: the planner's analysis, no conjecture, no simulated history.
    const prompts = new Set(llm.callsFor('direct-plan').map(userOf));
    expect(prompts.size).toBe(1);
  });

  it('breaks a tie by the action sampled first', async () => {
    const samples = [analyse, block, block, analyse];
    const llm = new FakeLlm(world({ candidates: samples }));
    const outcome = await runSelfConsistencyStep(initialAgentState('inc-s2'), input, makeDeps(llm), config, signal(), samples.length);
    expect(outcome.recommendation.decision).toEqual({ kind: 'act', action: expectedWinner(samples) });
    expect(expectedWinner(samples)).toBe(analyse);
  });

  it('never recommends an action already in the history', async () => {
    const history = [{ step: 0, action: isolate, outcome: 'recommended' as const }];
    const state = { ...initialAgentState('inc-s3'), step: 1, history };
    const samples = [isolate, isolate, block];
    const llm = new FakeLlm(world({ candidates: samples }));
    const outcome = await runSelfConsistencyStep(state, input, makeDeps(llm), config, signal(), samples.length);
    expect(outcome.recommendation.decision).toEqual({ kind: 'act', action: block });
    expect(outcome.recommendation.rationale).toContain('2 repeated earlier actions');
  });

  it('stops after the analysis on "no incident", like the planner, without sampling', async () => {
    const llm = new FakeLlm(world({ incident: noIncident(), candidates: [isolate] }));
    const outcome = await runSelfConsistencyStep(initialAgentState('inc-s4'), input, makeDeps(llm), config, signal(), 8);
    expect(purposes(llm)).toEqual(['perceive']);
    expect(outcome.recommendation.decision).toMatchObject({ kind: 'abstain', code: 'no-incident' });
  });

  it('keeps k within the step\'s call cap (one call for the analysis, one reserved for the commit)', async () => {
    const capped = makeConfig({ rolloutConcurrency: 1, budgets: { maxLlmCalls: 6 } });
    const samples = [block, block, block, block, block, block, block, block];
    const llm = new FakeLlm(world({ candidates: samples }));
    const outcome = await runSelfConsistencyStep(initialAgentState('inc-s5'), input, makeDeps(llm), capped, signal(), samples.length);
    expect(llm.count('direct-plan')).toBe(6 - 2);
    expect(llm.calls).toHaveLength(6);
    expect(outcome.recommendation.decision).toEqual({ kind: 'act', action: block });
    expect(outcome.recommendation.rationale).toContain('8 wanted, cut to the step\'s call cap');
  });

  it('abstains when no sample is usable', async () => {
    const llm = new FakeLlm(world({ candidates: [], override: (request) => (request.purpose === 'direct-plan' ? 'not json' : undefined) }));
    const outcome = await runSelfConsistencyStep(initialAgentState('inc-s6'), input, makeDeps(llm), config, signal(), 2);
    expect(outcome.recommendation.decision).toMatchObject({ kind: 'abstain', code: 'invalid-answer' });
  });

  it('tallies by kind and targets, not wording', () => {
    const votes = tallyVotes([block, isolate, act('isolate-host', [' web-01 '], 'other words')].map((action) => ({ action, explanation: '' })));
    expect(votes.map((vote) => [vote.proposed.action, vote.votes])).toEqual([[isolate, 2], [block, 1]]);
  });
});

describe('compute matching', () => {
  it('the planner\'s call budget is what the planner spends when every rollout runs to the depth cap', async () => {
    const shape = { candidates: 2, rollouts: 2, depth: 3, rolloutConcurrency: 1 };
    // No action changes the predicted state, so every rollout runs all H steps.
    const stuck = (state: unknown) => ({ reasoning: 'nothing changes', ...(state as object) });
    const llm = new FakeLlm(world({ candidates: [isolate, block], effect: stuck }));
    await runAgentStep(initialAgentState('inc-m1'), input, makeDeps(llm), makeConfig(shape), signal());
    const planned = llm.calls.filter((call) => call.purpose !== 'conjecture-test' && call.purpose !== 'conjecture-revise').length;
    expect(plannerCallBudget(makeConfig(shape))).toBe(planned);
    expect(planned).toBe(1 + 2 + 2 * 2 * (2 * 3 - 1) + 1);
  });

  it('caps the budget at the step\'s call cap and leaves at least one sample', () => {
    expect(plannerCallBudget(makeConfig({ candidates: 3, rollouts: 3, depth: 10, budgets: { maxLlmCalls: 200 } }))).toBe(1 + 3 + 3 * 3 * 19 + 1);
    expect(plannerCallBudget(makeConfig({ candidates: 3, rollouts: 3, depth: 10, budgets: { maxLlmCalls: 14 } }))).toBe(14);
    expect(matchedSamples(10)).toBe(8);
    expect(matchedSamples(1)).toBe(1);
  });
});

function actionIn(llm: FakeLlm): ResponseAction {
  const commit = llm.callsFor('predict-state').at(-1)!;
  const match = /Action being carried out now \(JSON\): (\{.*\})/.exec(userOf(commit));
  return JSON.parse(match![1]!) as ResponseAction;
}
