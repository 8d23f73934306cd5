import { runAgentStep } from '../../../src/core/agent/step';
import { ConjectureRevision, initialAgentState } from '../../../src/core/agent/types';
import { FakeLlm, userOf } from './support/fake-llm';
import { act, bruteForceAlerts, incidentAnswer, makeAlert, makeConfig, makeDeps, world } from './support/world';

const signal = () => new AbortController().signal;
const candidates = () => [
  act('block-ip', ['203.0.113.5'], 'Block 203.0.113.5 at the perimeter firewall.'),
  act('isolate-host', ['web-01'], 'Move web-01 to the quarantine VLAN.'),
  act('collect-forensics', ['web-01'], 'Image the disk and memory of web-01.'),
];
const infoLeak = { classification: 'Attempted Information Leak', priority: 2 };
const adminGain = { classification: 'attempted-admin privilege gain', priority: 1 };

function privilegeAlerts() {
  return [1, 2].map((n) =>
    makeAlert({
      id: `p${n}`,
      message: `[1:2100:5] Sudo abuse [Classification: Attempted Administrator Privilege Gain] [Priority: 1] {TCP} 203.0.113.5:5${n} -> 10.0.0.17:22`,
      host: 'web-01',
      src: '203.0.113.5',
      dst: '10.0.0.17',
    }),
  );
}

describe('runAgentStep: attack conjecture', () => {
  it('keeps the conjecture when its expected signatures match the observed ones', async () => {
    const llm = new FakeLlm(world({ candidates: candidates(), signatures: { Reconnaissance: [infoLeak] } }));
    const outcome = await runAgentStep(initialAgentState('inc-c1'), { alerts: bruteForceAlerts() }, makeDeps(llm), makeConfig(), signal());
    expect(llm.count('conjecture-test')).toBe(1);
    expect(llm.count('conjecture-revise')).toBe(0);
    expect(outcome.state.conjecture?.version).toBe(1);
    expect(outcome.state.conjecture?.tactics).toEqual(['Reconnaissance']);
    expect(outcome.state.conjecture?.confidence).toBe(1);
    expect(outcome.revisions).toHaveLength(1);
    const initial = ConjectureRevision.parse(outcome.revisions[0]);
    expect(initial).toMatchObject({ version: 1, previousVersion: null, passed: true, precision: 1, recall: 1 });
    expect(outcome.recommendation.adaptation).toMatchObject({ conjectureTested: true, conjectureRevised: false });
    expect(outcome.state.lastPrediction?.expectedSignatures).toEqual(['attempted information leak|2']);
  });

  it('revises the conjecture when predicted and observed signatures diverge, re-tests it and says why', async () => {
    const llm = new FakeLlm(
      world({
        candidates: candidates(),
        incident: incidentAnswer({ tactics: ['Reconnaissance'] }),
        signatures: { Reconnaissance: [infoLeak], 'Privilege Escalation': [{ classification: 'Attempted Administrator Privilege Gain', priority: 1 }] },
        revision: { reasoning: 'The alerts show sudo abuse, not scanning.', tactics: ['Privilege Escalation'], techniques: ['T1548 Abuse Elevation Control Mechanism'] },
      }),
    );
    const outcome = await runAgentStep(initialAgentState('inc-c2'), { alerts: privilegeAlerts() }, makeDeps(llm), makeConfig(), signal());
    expect(llm.count('conjecture-revise')).toBe(1);
    expect(llm.count('conjecture-test')).toBe(2);
    const revisionCall = llm.calls.find((call) => call.purpose === 'conjecture-revise');
    expect(userOf(revisionCall!)).toContain('Reconnaissance: expected ["attempted information leak|2"], precision 0.00');
    expect(userOf(revisionCall!)).toContain('attempted administrator privilege gain|1');

    expect(outcome.revisions).toHaveLength(2);
    const [initial, revised] = outcome.revisions.map((revision) => ConjectureRevision.parse(revision));
    expect(initial).toMatchObject({ version: 1, previousVersion: null, passed: false, precision: 0 });
    expect(revised).toMatchObject({
      version: 2,
      previousVersion: 1,
      tacticsBefore: ['Reconnaissance'],
      tacticsAfter: ['Privilege Escalation'],
      passed: true,
      precision: 1,
      recall: 1,
    });
    expect(revised?.reason).toContain('Reconnaissance (precision 0.00) below the precision threshold 0.7');
    expect(revised?.reason).toContain('sudo abuse');
    expect(outcome.state.conjecture).toMatchObject({ version: 2, tactics: ['Privilege Escalation'], basis: { source: 'revision' } });
    expect(outcome.recommendation.conjectureVersion).toBe(2);
    expect(outcome.recommendation.adaptation).toMatchObject({ conjectureTested: true, conjectureRevised: true });
    expect(outcome.state.counters.revisions).toBe(1);
    // Planning used the revised conjecture.
    const planningCall = llm.calls.find((call) => call.purpose === 'generate-action');
    expect(userOf(planningCall!)).toContain('Tactics: Privilege Escalation');
  });

  it('matches signatures after normalisation (case, punctuation)', async () => {
    const llm = new FakeLlm(world({ candidates: candidates(), signatures: { Reconnaissance: [{ classification: 'attempted-INFORMATION  leak!', priority: 2 }] } }));
    const outcome = await runAgentStep(initialAgentState('inc-c3'), { alerts: bruteForceAlerts() }, makeDeps(llm), makeConfig(), signal());
    expect(llm.count('conjecture-revise')).toBe(0);
    expect(outcome.state.conjecture?.confidence).toBe(1);
  });

  it('compares the last prediction with the new observation and reuses earlier tests', async () => {
    const llm = new FakeLlm(
      world({
        candidates: [...candidates(), act('analyse', ['web-01'], 'Review auth logs on web-01.'), act('patch', ['web-01'], 'Patch sudo on web-01.'), act('eradicate', ['web-01'], 'Remove the attacker account.')],
        signatures: { Reconnaissance: [infoLeak], 'Privilege Escalation': [adminGain] },
        revision: { reasoning: 'privilege abuse now', tactics: ['Privilege Escalation'], techniques: [] },
      }),
    );
    const deps = makeDeps(llm);
    const first = await runAgentStep(initialAgentState('inc-c4'), { alerts: bruteForceAlerts() }, deps, makeConfig(), signal());
    const testsBefore = llm.count('conjecture-test');
    const second = await runAgentStep(first.state, { alerts: bruteForceAlerts() }, deps, makeConfig(), signal());
    expect(llm.count('conjecture-test')).toBe(testsBefore); // cached expected signatures reused
    // The analysis sees no stage done, so every stage the last step predicted is reported as not observed.
    const predicted = first.state.lastPrediction?.state;
    expect(predicted?.contained).toBe(true);
    expect(second.recommendation.adaptation).toMatchObject({ signaturePrecision: 1, signatureRecall: 1, stateMismatch: ['contained'] });
    expect(second.revisions).toHaveLength(0);
    expect(second.recommendation.step).toBe(1);
  });

  it('skips the test and the revision when the ablation switches them off', async () => {
    const llm = new FakeLlm(world({ candidates: candidates(), signatures: { Reconnaissance: [adminGain] } }));
    const config = makeConfig({ features: { conjectureTest: false } });
    const outcome = await runAgentStep(initialAgentState('inc-c5'), { alerts: bruteForceAlerts() }, makeDeps(llm), config, signal());
    expect(llm.count('conjecture-test')).toBe(0);
    expect(outcome.state.conjecture?.tactics).toEqual(['Reconnaissance']);

    const noAdapt = new FakeLlm(world({ candidates: candidates(), signatures: { Reconnaissance: [adminGain] } }));
    const kept = await runAgentStep(initialAgentState('inc-c6'), { alerts: bruteForceAlerts() }, makeDeps(noAdapt), makeConfig({ features: { adaptation: false } }), signal());
    expect(noAdapt.count('conjecture-test')).toBe(1);
    expect(noAdapt.count('conjecture-revise')).toBe(0);
    expect(kept.state.conjecture?.confidence).toBe(0);
  });
});
