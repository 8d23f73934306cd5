import { join } from 'node:path';
import { loadPromptSet } from '../../../src/adapters/prompts/load-prompts';
import { readAlertFile } from '../../../src/adapters/sources/file-source';
import { defaultAgentConfig } from '../../../src/config';
import type { AgentDeps } from '../../../src/core/agent/context';
import { runDirectStep } from '../../../src/core/agent/direct-step';
import { judgeTrace } from '../../../src/core/eval/judge';
import { runMetrics } from '../../../src/core/eval/run-metrics';
import { loadDataset } from '../../../src/eval/load-dataset';
import { traceOf } from '../../../src/eval/trace-from-replay';
import { prepareRecords } from '../../../src/replay/prepare';
import { seededRandom } from '../../../src/replay/rng';
import { runIncident } from '../../../src/replay/run-incident';
import { ScriptedLlm } from '../../doubles/scripted-llm';

/**
 * End to end on a case whose metrics are worked out by hand: the bundled Weak-Credential-3 incident (its real alerts
 * and ground truth), replayed with the direct baseline over a scripted model. runDirectStep makes the planner's
 * incident-analysis call when there is new evidence (step 0: every alert arrives at once; later steps bring none, so
 * the analysis is kept), then one action call and one state call per step. The script:
 *
 *   step 0  analysis: an incident (no stages done, no entities named)
 *   step 0  block-ip [10.0.1.11]            → cuts off the only attacker: contained on every host → effective, cost 1
 *   step 1  analyse [10.0.2.11]             → meets assessed@10.0.2.11 (not .12, .13)         → effective, cost 1
 *   step 2  block-ip [10.0.1.11] again      → contained already holds                         → unnecessary, cost 2
 *   step 3  patch [10.0.2.99]               → a host that is not in the ground truth          → unnecessary, cost 2
 *   step 4  reset-credentials [10.0.2.11, admin] → meets the admin-account foothold and the credential weakness
 *                                           of 10.0.2.11 (reference-plan.json)              → effective, cost 1
 *
 * The scripted state prediction never sets a stage, so the agent runs to the step cap (5 steps).
 * Evaluator state after step 4: only contained holds (the other stages need .12 and .13 as well).
 *
 *   actions 5, effective 3, ineffective 2 (steps 2, 3), unnecessary 2          → % ineffective = 2/5 = 0.4
 *   not recovered within T_max = 5 steps: charged 2 × 5 = 10 (more than its own costs 1+1+2+2+1 = 7)
 *   tactics/techniques: the direct baseline forms no conjecture → precision 0, recall 0 (7 labels each)
 *   named entities {10.0.1.11, 10.0.2.11, 10.0.2.99, admin}; in the Snort alerts: 10.0.1.11, 10.0.2.11
 *                                                                           → grounded = 2/4 = 0.5
 *   hosts named {10.0.1.11, 10.0.2.11, 10.0.2.99}; in the ground truth: 2    → target precision = 2/3
 *   recovery targets {10.0.2.11, .12, .13}; named by an effective action: 10.0.2.11 → coverage = 1/3
 *   LLM: 1 analysis + 5 × 2 = 11 calls over 5 steps, 100 + 20 tokens each   → 11/5 = 2.2 calls and
 *        11 × 120 / 5 = 264 tokens per step
 */
const incidentFolder = join(__dirname, '..', '..', '..', 'datasets', 'digital-twin', 'weak-credential-3');

const action = (kind: string, targets: string[], description: string) => ({ reasoning: 'scripted', kind, targets, description });
const analysis = {
  reasoning: 'scripted',
  incident: true,
  description: 'SSH brute force from 10.0.1.11 against the SSH servers.',
  tactics: [],
  techniques: [],
  entities: { attackers: [], systems: [], targets: [] },
  state: { contained: false, assessed: false, preserved: false, evicted: false, hardened: false, restored: false },
};
const noProgress = { reasoning: 'scripted', contained: false, assessed: false, preserved: false, evicted: false, hardened: false, restored: false };

describe('metrics of a scripted direct-baseline replay (hand-computed)', () => {
  it('matches the figures worked out in the comment above', async () => {
    const llm = ScriptedLlm.keyed(
      {
        perceive: [analysis],
        'direct-plan': [
          action('block-ip', ['10.0.1.11'], 'Block all traffic from the attacker 10.0.1.11 at the gateway firewall'),
          action('analyse', ['10.0.2.11'], 'Review the SSH authentication log of 10.0.2.11 for the brute force'),
          action('block-ip', ['10.0.1.11'], 'Block 10.0.1.11 at the gateway once more'),
          action('patch', ['10.0.2.99'], 'Patch the web server on 10.0.2.99'),
          action('reset-credentials', ['10.0.2.11', 'admin'], 'Reset the password of the admin account on 10.0.2.11'),
        ],
        'predict-state': Array.from({ length: 5 }, () => noProgress),
      },
      { usage: () => ({ promptTokens: 100, completionTokens: 20 }) },
    );
    const deps: AgentDeps = { llm, prompts: loadPromptSet(), now: () => 1_700_000_000_000, random: seededRandom(1) };
    const config = defaultAgentConfig({});
    const alerts = prepareRecords(await readAlertFile(join(incidentFolder, 'logs.txt'))).alerts;
    const loop = await runIncident(
      'inc-test',
      alerts,
      (state, input, signal) => runDirectStep(state, input, deps, config, signal),
      { maxSteps: 5, chunkSize: 500 },
      {},
      new AbortController().signal,
    );
    expect(loop.stopReason).toBe('step-cap');
    expect(llm.remaining()).toBe(0);

    const truth = (await loadDataset(incidentFolder))[0]!.truth;
    const trace = traceOf({ finalState: loop.state, recommendations: loop.recommendations }, alerts);
    const judged = judgeTrace(trace.steps, truth);
    expect(judged.map((verdict) => [verdict.effective, verdict.unnecessary, verdict.cost])).toEqual([
      [true, false, 1],
      [true, false, 1],
      [false, true, 2],
      [false, true, 2],
      [true, false, 1],
    ]);
    expect(judged[4]?.met).toEqual(['evicted:account:admin@10.0.2.11', 'hardened:credential@10.0.2.11']);
    expect(judged.at(-1)?.stateAfter).toMatchObject({ contained: true, assessed: false, evicted: false, hardened: false });

    const metrics = runMetrics(trace, truth, judged, 5);
    expect(metrics).toMatchObject({
      incident: true,
      recovered: false,
      recoveryTime: 10,
      failed: true,
      recoveryStep: null,
      steps: 5,
      actions: 5,
      ineffective: 2,
      unnecessary: 2,
      abstentions: 0,
      ineffectiveRate: 0.4,
      abstentionRate: 0,
      tactics: { precision: 0, recall: 0 },
      techniques: { precision: 0, recall: 0 },
      attackers: { precision: 0, recall: 0 },
      entityGrounding: 0.5,
      falsePositiveHandled: null,
      missedIncident: false,
      llmCallsPerStep: (1 + 5 * 2) / 5,
      tokensPerStep: ((1 + 5 * 2) * (100 + 20)) / 5,
    });
    expect(metrics.targetPrecision).toBeCloseTo(2 / 3, 10);
    expect(metrics.recoveryTargetCoverage).toBeCloseTo(1 / 3, 10);
  });
});
