import { runAgentStep } from '../../../src/core/agent/step';
import { Recommendation, initialAgentState } from '../../../src/core/agent/types';
import { FakeLlm, INVALID, userOf } from './support/fake-llm';
import { act, bruteForceAlerts, incidentAnswer, makeConfig, makeDeps, world } from './support/world';

const signal = () => new AbortController().signal;
const isolate = act('isolate-host', ['web-01'], 'Quarantine web-01.');
const allDone = { contained: true, assessed: true, preserved: true, evicted: true, hardened: true, restored: true };

describe('runAgentStep: perception', () => {
  it('abstains without planning when the evidence shows no incident', async () => {
    const llm = new FakeLlm(world({ candidates: [], incident: incidentAnswer({ incident: false, description: 'Routine scanner noise.', tactics: [] }) }));
    const outcome = await runAgentStep(initialAgentState('inc-n1'), { alerts: bruteForceAlerts() }, makeDeps(llm), makeConfig(), signal());
    expect(llm.calls.map((call) => call.purpose)).toEqual(['perceive']);
    expect(outcome.recommendation.decision).toMatchObject({ kind: 'abstain', code: 'no-incident' });
    expect(outcome.state.analysis).toEqual({ isIncident: false, description: 'Routine scanner noise.' });
    expect(outcome.state.step).toBe(1);
  });

  it('abstains with the reason when the analysis fails its schema twice', async () => {
    const llm = new FakeLlm(world({ candidates: [], override: (request) => (request.purpose === 'perceive' ? INVALID : undefined) }));
    const outcome = await runAgentStep(initialAgentState('inc-n2'), { alerts: bruteForceAlerts() }, makeDeps(llm), makeConfig(), signal());
    expect(llm.count('perceive')).toBe(2);
    expect(outcome.recommendation.decision).toMatchObject({ kind: 'abstain', code: 'invalid-answer' });
    expect(Recommendation.parse(outcome.recommendation).decision.kind).toBe('abstain');
  });

  it('merges the observed stages monotone and stops once recovery is complete', async () => {
    const llm = new FakeLlm(world({ candidates: [], incident: incidentAnswer({ state: allDone }) }));
    const responded = { ...initialAgentState('inc-n3'), step: 1, history: [{ step: 0, action: isolate, outcome: 'executed' as const }] };
    const outcome = await runAgentStep(responded, { alerts: bruteForceAlerts() }, makeDeps(llm), makeConfig(), signal());
    expect(outcome.recommendation.decision).toMatchObject({ kind: 'abstain', code: 'recovered' });
    expect(outcome.state.recoveryState).toEqual(allDone);

    const again = new FakeLlm(world({ candidates: [] }));
    const next = await runAgentStep(outcome.state, { alerts: bruteForceAlerts() }, makeDeps(again), makeConfig(), signal());
    expect(again.calls).toHaveLength(0);
    expect(next.recommendation.decision).toMatchObject({ code: 'recovered' });
  });

  it('ignores perceived recovery stages before anything was done in response', async () => {
    const candidates = [isolate, act('block-ip', ['203.0.113.5'], 'Block 203.0.113.5.'), act('analyse', [], 'Review the SSH logs.')];
    const llm = new FakeLlm(world({ candidates, incident: incidentAnswer({ state: allDone }) }));
    const outcome = await runAgentStep(initialAgentState('inc-n6'), { alerts: bruteForceAlerts() }, makeDeps(llm), makeConfig(), signal());
    expect(outcome.recommendation.currentState).toEqual(initialAgentState('x').recoveryState);
    expect(outcome.recommendation.decision.kind).toBe('act');
    expect(outcome.recommendation.rationale).toContain('perceived recovery stages ignored');
  });

  it('does not plan on a non-incident when no new evidence arrives', async () => {
    const llm = new FakeLlm(world({ candidates: [isolate], incident: incidentAnswer({ incident: false, description: 'Scanner noise.', tactics: [] }) }));
    const first = await runAgentStep(initialAgentState('inc-n7'), { alerts: bruteForceAlerts() }, makeDeps(llm), makeConfig(), signal());
    const calls = llm.calls.length;
    const second = await runAgentStep(first.state, { alerts: [] }, makeDeps(llm), makeConfig(), signal());
    expect(llm.calls).toHaveLength(calls);
    expect(second.recommendation.decision).toMatchObject({ kind: 'abstain', code: 'no-incident' });
  });

  it('keeps the earlier analysis when a step brings no new evidence', async () => {
    const llm = new FakeLlm(world({ candidates: [isolate, act('block-ip', ['203.0.113.5'], 'Block 203.0.113.5.'), act('analyse', [], 'Review the SSH logs.')] }));
    const first = await runAgentStep(initialAgentState('inc-n4'), { alerts: bruteForceAlerts() }, makeDeps(llm), makeConfig({ candidates: 1 }), signal());
    const perceived = llm.count('perceive');
    const second = await runAgentStep(first.state, { alerts: [] }, makeDeps(llm), makeConfig({ candidates: 1 }), signal());
    expect(llm.count('perceive')).toBe(perceived);
    expect(second.recommendation.rationale).toContain('no new evidence');
    expect(second.recommendation.decision.kind).toBe('act');
  });

  it('records analyst feedback on an earlier action and shows it to the model as data', async () => {
    const llm = new FakeLlm(world({ candidates: [isolate, act('block-ip', ['203.0.113.5'], 'Block 203.0.113.5.')] }));
    const first = await runAgentStep(initialAgentState('inc-n5'), { alerts: bruteForceAlerts() }, makeDeps(llm), makeConfig({ candidates: 1 }), signal());
    const feedback = [{ step: 0, outcome: 'rejected' as const, note: 'web-01 cannot go offline during sales' }];
    const second = await runAgentStep(first.state, { alerts: [], feedback }, makeDeps(llm), makeConfig({ candidates: 1 }), signal());
    expect(second.state.history[0]).toMatchObject({ step: 0, outcome: 'rejected', note: 'web-01 cannot go offline during sales' });
    const perceiveCall = llm.calls.filter((call) => call.purpose === 'perceive').at(-1);
    expect(userOf(perceiveCall!)).toMatch(/<<<FEEDBACK id=[0-9a-f]{12}>>>\n\{"step":0,"outcome":"rejected","note":"web-01 cannot go offline during sales"\}/);
  });
});
