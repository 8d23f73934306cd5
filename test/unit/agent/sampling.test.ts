import { runPool } from '../../../src/core/agent/pool';
import { runAgentStep } from '../../../src/core/agent/step';
import { initialAgentState } from '../../../src/core/agent/types';
import { FakeLlm, userOf } from './support/fake-llm';
import { act, bruteForceAlerts, makeConfig, makeDeps, world } from './support/world';

const signal = () => new AbortController().signal;
const isolate = act('isolate-host', ['web-01'], 'Move web-01 to the quarantine VLAN.');
const block = act('block-ip', ['203.0.113.5'], 'Block 203.0.113.5 at the firewall.');
const image = act('collect-forensics', ['web-01'], 'Image the disk of web-01.');

describe('runAgentStep: distinct candidates', () => {
  it('retries sampling until N distinct candidates, deduplicating on normalised kind, targets and description', async () => {
    const restated = act('isolate-host', ['WEB-01 '], 'move web-01 to the quarantine VLAN!');
    const llm = new FakeLlm(world({ candidates: [isolate, isolate, block, restated, image] }));
    const outcome = await runAgentStep(initialAgentState('inc-s1'), { alerts: bruteForceAlerts() }, makeDeps(llm), makeConfig(), signal());
    expect(outcome.recommendation.candidates.map((candidate) => candidate.action)).toEqual([isolate, block, image]);
    const sampling = llm.calls.filter((call) => call.purpose === 'generate-action' && !userOf(call).includes('"outcome":"simulated"'));
    expect(sampling).toHaveLength(5);
  });

  it('gives up after 3N attempts and plans with the distinct candidates it has', async () => {
    const llm = new FakeLlm(world({ candidates: Array.from({ length: 9 }, () => isolate) }));
    const outcome = await runAgentStep(initialAgentState('inc-s2'), { alerts: bruteForceAlerts() }, makeDeps(llm), makeConfig(), signal());
    const sampling = llm.calls.filter((call) => call.purpose === 'generate-action' && !userOf(call).includes('"outcome":"simulated"'));
    expect(sampling).toHaveLength(9);
    expect(outcome.recommendation.candidates).toHaveLength(1);
    expect(outcome.recommendation.decision).toEqual({ kind: 'act', action: isolate });
  });

  it('does not propose an action already in the history', async () => {
    const start = { ...initialAgentState('inc-s3'), step: 1, history: [{ step: 0, action: isolate, outcome: 'executed' as const }] };
    const llm = new FakeLlm(world({ candidates: [isolate, block, image, isolate, block] }));
    const outcome = await runAgentStep(start, { alerts: bruteForceAlerts() }, makeDeps(llm), makeConfig({ candidates: 2 }), signal());
    expect(outcome.recommendation.candidates.map((candidate) => candidate.action)).toEqual([block, image]);
    expect(outcome.state.history.map((entry) => entry.step)).toEqual([0, 1]);
  });

  it('abstains when no new candidate can be found', async () => {
    const start = { ...initialAgentState('inc-s4'), step: 1, history: [{ step: 0, action: isolate, outcome: 'executed' as const }] };
    const llm = new FakeLlm(world({ candidates: Array.from({ length: 9 }, () => isolate) }));
    const outcome = await runAgentStep(start, { alerts: bruteForceAlerts() }, makeDeps(llm), makeConfig(), signal());
    expect(outcome.recommendation.decision).toMatchObject({ kind: 'abstain', code: 'no-candidates' });
  });
});

describe('concurrency', () => {
  it.each([1, 2, 4])('keeps at most %i LLM calls in flight during the step', async (limit) => {
    const llm = new FakeLlm(world({ candidates: [isolate, block, image] }));
    await runAgentStep(initialAgentState('inc-p1'), { alerts: bruteForceAlerts() }, makeDeps(llm), makeConfig({ rolloutConcurrency: limit }), signal());
    expect(llm.maxInFlight).toBe(limit);
  });

  it('runPool keeps task order, respects the limit and rethrows the first failure after in-flight tasks settle', async () => {
    let inFlight = 0;
    let peak = 0;
    const settled: number[] = [];
    const task = (value: number, fail = false) => async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      for (let turn = 0; turn < value; turn++) await Promise.resolve();
      inFlight -= 1;
      settled.push(value);
      if (fail) throw new Error(`task ${value} failed`);
      return value * 10;
    };
    await expect(runPool([task(3), task(1), task(2), task(5)], 2)).resolves.toEqual([30, 10, 20, 50]);
    expect(peak).toBe(2);

    settled.length = 0;
    await expect(runPool([task(1, true), task(4), task(2), task(2)], 2)).rejects.toThrow('task 1 failed');
    expect(settled).toEqual([1, 4]);
    expect(inFlight).toBe(0);
  });
});
