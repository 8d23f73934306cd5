import { alertScore, alertStage, createTriageState, NEUTRAL_STAGE, triageBatch, type Novelty } from '../../../src/core/triage';
import { HOUR, alert } from './helpers';

const NOVELTIES: Novelty[] = ['repeat', 'known-rule', 'new-rule'];

describe('alert score', () => {
  it('stays within 0–100 and is monotonic in severity, stage and novelty', () => {
    for (const novelty of NOVELTIES) {
      for (let stage = 0; stage <= 1; stage += 0.05) {
        let previous = -1;
        for (let severity = 0; severity <= 100; severity += 1) {
          const score = alertScore(severity, stage, novelty);
          expect(score).toBeGreaterThanOrEqual(Math.max(0, previous));
          expect(score).toBeLessThanOrEqual(100);
          previous = score;
        }
        expect(alertScore(50, stage + 0.05 > 1 ? 1 : stage + 0.05, novelty)).toBeGreaterThanOrEqual(alertScore(50, stage, novelty));
      }
    }
    expect(alertScore(100, 1, 'new-rule')).toBe(100);
    expect(alertScore(0, 0, 'repeat')).toBeGreaterThanOrEqual(0);
    expect(alertScore(50, 0.5, 'repeat')).toBeLessThan(alertScore(50, 0.5, 'known-rule'));
    expect(alertScore(50, 0.5, 'known-rule')).toBeLessThan(alertScore(50, 0.5, 'new-rule'));
  });

  it('weighs later kill-chain tactics more: reconnaissance < discovery < lateral movement < exfiltration < impact', () => {
    const order = ['Reconnaissance', 'Discovery', 'Lateral Movement', 'Exfiltration', 'Impact'].map((t) => alertStage([], [t]));
    for (let i = 1; i < order.length; i++) expect(order[i]).toBeGreaterThan(order[i - 1]!);
  });

  it('maps TA ids and name spellings to the same stage; unknown or missing tactics are neutral', () => {
    expect(alertStage(['TA0010'], [])).toBe(alertStage([], ['Exfiltration']));
    expect(alertStage([], ['command_and_control'])).toBe(alertStage(['TA0011'], []));
    expect(alertStage([], ['Command and Control'])).toBe(alertStage(['ta0011'], []));
    expect(alertStage([], [])).toBe(NEUTRAL_STAGE);
    expect(alertStage(['TA9999'], ['Inhibit Response Function'])).toBe(NEUTRAL_STAGE);
    // The latest known stage wins when an alert carries several.
    expect(alertStage(['TA0043', 'TA0040'], [])).toBe(alertStage(['TA0040'], []));
  });

  it('in triage, a more severe or later-stage alert scores higher in the same situation', () => {
    const score = (spec: { severity: number; tactics: string[] }) =>
      triageBatch(createTriageState({ windowMs: HOUR }), [alert({ id: 'x', at: 0, host: 'h', ...spec })]).results[0]!.score;
    expect(score({ severity: 80, tactics: [] })).toBeGreaterThan(score({ severity: 20, tactics: [] }));
    expect(score({ severity: 50, tactics: ['Exfiltration'] })).toBeGreaterThan(score({ severity: 50, tactics: ['Reconnaissance'] }));
  });

  it('a new rule in the incident adds more than another sighting of a known rule', () => {
    const out = triageBatch(createTriageState({ windowMs: HOUR }), [
      alert({ id: 'a', at: 0, host: 'h', rule: 'R', src: '203.0.113.1' }),
      alert({ id: 'b', at: 1, host: 'h', rule: 'R', src: '203.0.113.2' }),
      alert({ id: 'c', at: 2, host: 'h', rule: 'Q', src: '203.0.113.3' }),
    ]);
    const [, known, fresh] = out.results;
    expect(known!.repeat).toBe(false);
    expect(fresh!.score).toBeGreaterThan(known!.score);
  });

  it('incident score never drops as alerts are added, and reflects tactics', () => {
    const state = createTriageState({ windowMs: HOUR });
    let previous = 0;
    const tactics = ['Reconnaissance', 'Initial Access', 'Execution', 'Lateral Movement', 'Exfiltration'];
    for (let i = 0; i < 20; i++) {
      const out = triageBatch(state, [alert({ id: `a${i}`, at: i, host: 'h', rule: `R${i % 3}`, tactics: [tactics[i % 5]!], severity: (i * 37) % 100 })]);
      const incident = out.changes[0]!.incident;
      expect(incident.score).toBeGreaterThanOrEqual(previous);
      expect(incident.score).toBeLessThanOrEqual(100);
      previous = incident.score;
      if (i === 19) expect(incident.tactics.sort()).toEqual([...tactics].sort());
    }
  });
});
