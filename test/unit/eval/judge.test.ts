import { classifyActionStages, stagesOfText } from '../../../src/core/eval/action-stages';
import { meanStd, seedFigures, summarise, type RunRecord } from '../../../src/core/eval/aggregate';
import { GroundTruth } from '../../../src/core/eval/ground-truth';
import { judgeTrace, ruleReading } from '../../../src/core/eval/judge';
import { runMetrics, type RunMetrics } from '../../../src/core/eval/run-metrics';
import { summaryMarkdown, summaryText } from '../../../src/core/eval/summary-table';
import type { EvalTrace, TracedStep } from '../../../src/core/eval/trace';

/** The rule judge and the aggregation on small traces whose verdicts are worked out by hand in each test. */
const truth = GroundTruth.parse({
  id: 'toy',
  incident: true,
  tactics: ['Credential Access', 'Lateral Movement'],
  techniques: ['T1110.001', 'T1021.004'],
  entities: { attackers: ['203.0.113.7'], targets: ['10.0.0.5', '10.0.0.6'] },
  recoveryTargets: ['10.0.0.5'],
  aliases: { '10.0.0.5': ['web-01'] },
});
const falsePositive = GroundTruth.parse({ id: 'fp', incident: false, entities: {} });

const usage = { llmCalls: 3, promptTokens: 300, completionTokens: 30, latencyMs: 1000 };
let counter = 0;
const act = (kind: string, targets: string[], description = kind): TracedStep => ({ step: counter++, outcome: 'action', action: { kind, targets, description }, usage });
const abstain = (): TracedStep => ({ step: counter++, outcome: 'abstain', abstainReason: 'inconsistent', usage });
const rules = ruleReading;

function trace(steps: TracedStep[], extra: Partial<EvalTrace> = {}): EvalTrace {
  return {
    incidentDetected: true,
    tactics: ['Credential Access', 'Discovery'],
    techniques: ['T1110', 'T1046'],
    entities: { attackers: ['203.0.113.7'], targets: [] },
    evidenceEntities: ['203.0.113.7', '10.0.0.5', '10.0.0.6', 'web-01'],
    steps,
    ...extra,
  };
}

describe('rule judge', () => {
  beforeEach(() => (counter = 0));

  it('recovers after six effective actions and one abstention (cost 1): recovery time 7', () => {
    // block the attacker 1, analyse the recovery target 1, abstain 1, forensics on web-01 (alias of the recovery
    // target) 1, eradicate 1, patch 1, restore 1 → all six stages at the 7th step, T = 7. (No reference plan: the
    // recovery target needs one evicting and one hardening action of any kind.)
    const steps = [
      act('block-ip', ['203.0.113.7']),
      act('analyse', ['10.0.0.5']),
      abstain(),
      act('collect-forensics', ['web-01']),
      act('eradicate', ['10.0.0.5']),
      act('patch', ['10.0.0.5']),
      act('restore-service', ['10.0.0.5']),
    ];
    const judged = judgeTrace(steps, truth, rules);
    expect(judged.map((v) => v.cost)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(judged.filter((v) => v.effective)).toHaveLength(6);
    const metrics = runMetrics(trace(steps), truth, judged, 10);
    expect(metrics).toMatchObject({ recovered: true, recoveryTime: 7, recoveryStep: 6, actions: 6, ineffective: 0, abstentions: 1 });
    expect(metrics.abstentionRate).toBeCloseTo(1 / 7, 10);
    // tactics: predicted {credential-access, discovery} vs {credential-access, lateral-movement} → P 1/2, R 1/2
    expect(metrics.tactics).toEqual({ precision: 0.5, recall: 0.5 });
    // techniques: T1110 matches T1110.001 (parent), T1046 matches nothing → P 1/2; T1021.004 unmatched → R 1/2
    expect(metrics.techniques).toEqual({ precision: 0.5, recall: 0.5 });
    expect(metrics.recoveryTargetCoverage).toBe(1);
  });

  it('calls a vague action ineffective but not unnecessary, and a repeat or a stranger unnecessary', () => {
    const steps = [
      act('isolate-host', ['10.0.0.6']), // contained needs the attacker or a recovery target; .6 is a target only → ineffective, cost 1
      act('isolate-host', ['10.0.0.5']), // → contained, cost 1
      act('block-ip', ['203.0.113.7']), // contained already holds → unnecessary, cost 2
      act('harden', ['192.0.2.1']), // a host outside the ground truth → unnecessary, cost 2
      act('monitor', ['10.0.0.5'], 'keep watching the server'), // no stage (monitor advances nothing) → unnecessary
    ];
    const judged = judgeTrace(steps, truth, rules);
    expect(judged.map((v) => [v.effective, v.unnecessary, v.cost])).toEqual([
      [false, false, 1],
      [true, false, 1],
      [false, true, 2],
      [false, true, 2],
      [false, true, 2],
    ]);
    // Not recovered within T_max = 10: charged 2 × 10 = 20 (its own costs 1+1+2+2+2 = 8 are less).
    expect(runMetrics(trace(steps), truth, judged, 10)).toMatchObject({ failed: true, recoveryTime: 20 });
  });

  it('treats every action on a false positive as unnecessary, and no action as handled', () => {
    const acted = judgeTrace([act('block-ip', ['10.1.1.1'])], falsePositive, rules);
    expect(acted[0]).toMatchObject({ unnecessary: true, cost: 2 });
    expect(runMetrics(trace([act('block-ip', ['10.1.1.1'])]), falsePositive, acted, 10)).toMatchObject({ falsePositiveHandled: false, failed: true, recoveryTime: 2, minimum: 0 });
    const quiet: TracedStep = { step: 0, outcome: 'no-incident', abstainReason: 'benign', usage };
    const handled = runMetrics(trace([quiet], { incidentDetected: false }), falsePositive, judgeTrace([quiet], falsePositive, rules), 10);
    expect(handled.falsePositiveHandled).toBe(true);
    expect(handled.missedIncident).toBe(false);
  });

  it('reads stages from the typed kind (the shared action effects) and from the verbs for an untyped kind', () => {
    expect(classifyActionStages({ kind: 'reset-credentials', targets: [], description: '' })).toEqual(['evicted', 'hardened']);
    expect(classifyActionStages({ kind: 'monitor', targets: [], description: 'Take a disk image of the server for forensics' })).toEqual([]);
    expect(classifyActionStages({ kind: 'snapshot', targets: [], description: 'Take a disk image of the server for forensics' })).toEqual(['preserved']);
    expect(stagesOfText('Disable the vulnerable CGI module and restart Apache')).toEqual(['hardened', 'restored']);
  });
});

describe('aggregation over seeds', () => {
  const base = (overrides: Partial<RunMetrics>): RunMetrics => ({
    incident: true, recovered: false, recoveryTime: 10, minimum: 6, failed: true, recoveryStep: null, steps: 4, actions: 4, ineffective: 1, unnecessary: 0,
    abstentions: 0, ineffectiveRate: 0.25, abstentionRate: 0, tactics: { precision: 1, recall: 0.5 }, techniques: { precision: 0, recall: 0 },
    attackers: { precision: 1, recall: 1 }, entityGrounding: 1, targetPrecision: 1, recoveryTargetCoverage: 0.5,
    falsePositiveHandled: null, missedIncident: false, llmCallsPerStep: 10, tokensPerStep: 1000, latencyMsPerStep: 2000, ...overrides,
  });

  it('computes each seed over its incidents, then mean ± sample std over seeds', () => {
    // seed 1: incidents T = 8 (recovered) and 12 (failed) → mean 10, failed 50 %; ineffective (1+3)/(4+4) = 50 %
    // seed 2: incidents T = 14 and 16, both failed → mean 15, failed 100 %; ineffective (1+1)/8 = 25 %
    // plus one false-positive case per seed: handled in seed 1 only → 100 % and 0 %
    // recovery time over seeds: mean 12.5, sample std sqrt(((10−12.5)² + (15−12.5)²)/1) = sqrt(12.5) ≈ 3.5355
    const records: RunRecord[] = [
      { method: 'ira', seed: 1, incidentId: 'a', metrics: base({ recovered: true, failed: false, recoveryTime: 8, recoveryStep: 3 }) },
      { method: 'ira', seed: 1, incidentId: 'b', metrics: base({ recoveryTime: 12, ineffective: 3 }) },
      { method: 'ira', seed: 1, incidentId: 'fp', metrics: base({ incident: false, failed: false, falsePositiveHandled: true, actions: 0, ineffective: 0 }) },
      { method: 'ira', seed: 2, incidentId: 'a', metrics: base({ recoveryTime: 14 }) },
      { method: 'ira', seed: 2, incidentId: 'b', metrics: base({ recoveryTime: 16 }) },
      { method: 'ira', seed: 2, incidentId: 'fp', metrics: base({ incident: false, falsePositiveHandled: false }) },
    ];
    expect(seedFigures(records.slice(0, 3).map((r) => r.metrics))).toMatchObject({ recoveryTime: 10, failedPct: 50, ineffectivePct: 50, falsePositiveHandledPct: 100 });
    const summary = summarise(records).get('ira')!;
    expect(summary.recoveryTime?.mean).toBe(12.5);
    expect(summary.recoveryTime?.std).toBeCloseTo(Math.sqrt(12.5), 10);
    expect(summary.failedPct).toMatchObject({ mean: 75, n: 2 });
    expect(summary.ineffectivePct?.mean).toBe(37.5);
    expect(summary.falsePositiveHandledPct?.mean).toBe(50);
    // Per-step costs pool all steps: every run has 4 steps of 10 calls → 10.
    expect(summary.llmCallsPerStep?.mean).toBe(10);
    expect(meanStd([3])).toEqual({ mean: 3, std: 0, n: 1 });
    expect(meanStd([])).toBeNull();
    const markdown = summaryMarkdown(summarise(records));
    expect(markdown).toContain('| ira | 12.50 ± 3.54 |');
    expect(summaryText(summarise(records))).toMatch(/recovery time/);
  });
});
