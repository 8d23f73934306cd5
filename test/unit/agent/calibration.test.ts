import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calibratedGamma } from '../../../src/app/calibration-file';
import { calibrate, CalibrationResult, CalibrationSituation, conformalGamma, labelAction, type CalibrationDecision } from '../../../src/core/agent/calibration';
import { act, seededRandom } from './support/world';

describe('split-conformal γ', () => {
  it('is the ⌈(n+1)(1−α)⌉-th smallest λ of the wrong decisions', () => {
    const lambdas = [0.9, 0.5, 0.7, 0.6, 0.8, 0.95, 0.55, 0.65, 0.75, 0.85];
    // n = 10, α = 0.2: k = ⌈11 · 0.8⌉ = 9 → the 9th smallest, 0.9.
    expect(conformalGamma(lambdas, 0.2)).toEqual({ gamma: 0.9, n: 10, rank: 9 });
    // Too few wrong decisions for α = 0.05 (k = 11 > n): abstain on everything.
    expect(conformalGamma(lambdas, 0.05)).toEqual({ gamma: 1, n: 10, rank: null });
  });

  it('lets at most a share α of new wrong decisions through (seeded exchangeable draws)', () => {
    const random = seededRandom(3);
    const draw = (): number => Math.exp(-0.9 * random() ** 2);
    let missed = 0;
    const trials = 400;
    for (let trial = 0; trial < trials; trial++) {
      const { gamma } = conformalGamma(Array.from({ length: 49 }, draw), 0.1);
      if (draw() > gamma) missed += 1;
    }
    // The guarantee is ≤ α = 0.1 in expectation; 400 trials put a 0.15 bound well outside sampling error.
    expect(missed / trials).toBeLessThanOrEqual(0.15);
  });
});

const situation = CalibrationSituation.parse({
  id: 'weak-credential-3@0',
  case: 'weak-credential-3',
  state: { contained: false, assessed: false, preserved: false, evicted: false, hardened: false, restored: false },
  history: [],
  right: { kinds: ['block-ip', 'isolate-host'], targets: ['10.0.1.11', '10.0.2.11'], targetRequired: true },
});

describe('labelling a decision', () => {
  it.each([
    [act('block-ip', ['10.0.1.11'], 'Block the attacker.'), true],
    [act('patch', ['10.0.2.11'], 'Patch.'), false],
    [act('isolate-host', ['10.0.2.99'], 'Isolate a bystander.'), false],
    [act('isolate-host', [], 'Isolate something.'), false],
  ])('%j → right %s', (action, right) => {
    expect(labelAction(action, situation).right).toBe(right);
  });
});

describe('calibration result and the agent reading it', () => {
  const decision = (lambda: number | null, right: boolean | null): CalibrationDecision => ({
    situation: 's', seed: 1, decision: right === null ? 'abstain:budget' : 'act', action: null, rollouts: [], depth: 3, lambda, right, label: '',
  });

  it('reports the set, γ and what γ costs on the right decisions', () => {
    const decisions = [...[0.5, 0.6, 0.7, 0.8].map((lambda) => decision(lambda, false)), decision(1, true), decision(0.6, true), decision(null, null)];
    const result = calibrate(decisions, { profile: 'smollm2', model: 'm', alpha: 0.25, beta: 0.9, createdAt: '2026-01-01T00:00:00.000Z' });
    expect(CalibrationResult.parse(result)).toMatchObject({ gamma: 0.8, n: 4, rank: 4, right: 2, wrong: 4, unusable: 1, flaggedWrong: 1, abstainedRight: 0.5 });
  });

  it('gives the profile\'s calibrated γ when its file exists, else the configured one', () => {
    const directory = mkdtempSync(join(tmpdir(), 'ira-calibration-'));
    const result = calibrate([0.4, 0.5, 0.6].map((lambda) => decision(lambda, false)), { profile: 'p', model: 'm', alpha: 0.5, beta: 0.9, createdAt: '2026-01-01T00:00:00.000Z' });
    writeFileSync(join(directory, 'p.json'), JSON.stringify(result));
    expect(calibratedGamma('p', 0.5, directory)).toEqual({ gamma: 0.5, source: join(directory, 'p.json') });
    expect(calibratedGamma('other', 0.3, directory)).toEqual({ gamma: 0.3, source: 'IRA_AGENT_CONSISTENCY_GAMMA' });
    writeFileSync(join(directory, 'bad.json'), '{"gamma": 2}');
    expect(() => calibratedGamma('bad', 0.5, directory)).toThrow(/not a calibration result/);
  });
});
