import { attackStageTactics, noIncidentDecision } from '../../../src/core/agent/guard';
import { runAgentStep } from '../../../src/core/agent/step';
import { initialAgentState, Recommendation, type StepInput } from '../../../src/core/agent/types';
import { FakeLlm } from './support/fake-llm';
import { bruteForceAlerts, incidentAnswer, makeConfig, makeDeps, world } from './support/world';

const signal = () => new AbortController().signal;
const benign = 'No incident can be inferred from the logs.';
const noIncident = () => incidentAnswer({ incident: false, description: benign, tactics: [], techniques: [] });
const high = { score: 75, tactics: ['Reconnaissance', 'Credential Access'] };

async function step(triage: StepInput['triage']) {
  const llm = new FakeLlm(world({ incident: noIncident(), candidates: [] }));
  const input: StepInput = { alerts: bruteForceAlerts(), ...(triage === undefined ? {} : { triage }) };
  const outcome = await runAgentStep(initialAgentState('inc-d'), input, makeDeps(llm), makeConfig(), signal());
  return { outcome, llm };
}

describe('disagreement: the analysis says "no incident", triage says otherwise', () => {
  it('abstains for an analyst with both views when triage scored the incident high with attack-stage alerts', async () => {
    const { outcome, llm } = await step(high);
    const recommendation = Recommendation.parse(outcome.recommendation);
    expect(recommendation.decision).toMatchObject({ kind: 'abstain', code: 'disagreement' });
    const reason = recommendation.decision.kind === 'abstain' ? recommendation.decision.reason : '';
    expect(reason).toContain('needs analyst');
    expect(reason).toContain(benign);
    expect(reason).toContain('75/100');
    expect(reason).toContain('Credential Access');
    expect(reason).not.toContain('Reconnaissance');
    // Nothing is planned on a disputed incident.
    expect(llm.calls.map((call) => call.purpose)).toEqual(['perceive']);
  });

  it.each([
    ['triage scored it low', { score: 40, tactics: ['Credential Access'] }],
    ['only reconnaissance and discovery', { score: 90, tactics: ['Reconnaissance', 'Discovery'] }],
    ['no triage view', undefined],
  ])('stays "no incident" with %s', async (_label, triage) => {
    const { outcome } = await step(triage);
    expect(outcome.recommendation.decision).toMatchObject({ kind: 'abstain', code: 'no-incident' });
  });

  it('keeps disagreeing at a later step without new evidence', async () => {
    const { outcome } = await step(high);
    const llm = new FakeLlm(world({ candidates: [] }));
    const later = await runAgentStep(outcome.state, { alerts: [], triage: high }, makeDeps(llm), makeConfig(), signal());
    expect(later.recommendation.decision).toMatchObject({ kind: 'abstain', code: 'disagreement' });
    expect(llm.calls).toHaveLength(0);
  });

  it('counts Initial Access onward as attack stages, by ATT&CK name or id', () => {
    expect(attackStageTactics({ score: 80, tactics: ['TA0043', 'Discovery', 'TA0001', 'lateral_movement', 'Impact'] })).toEqual([
      'TA0001',
      'lateral_movement',
      'Impact',
    ]);
    expect(noIncidentDecision('r', 'a', { score: 60, tactics: ['Execution'] })).toMatchObject({ code: 'disagreement' });
    expect(noIncidentDecision('r', 'a', { score: 59, tactics: ['Execution'] })).toEqual({ kind: 'abstain', code: 'no-incident', reason: 'r' });
  });
});
