import { checkEntities, containsWord } from '../../../src/core/agent/entity-guard';
import { consistency, argmin } from '../../../src/core/agent/consistency';
import { collectEntities } from '../../../src/core/agent/evidence';
import { runAgentStep } from '../../../src/core/agent/step';
import { initialAgentState } from '../../../src/core/agent/types';
import { FakeLlm, userOf } from './support/fake-llm';
import { act, bruteForceAlerts, makeConfig, makeDeps, system, world } from './support/world';

const signal = () => new AbortController().signal;
const entities = collectEntities({ hosts: [], ips: [], users: [] }, bruteForceAlerts());
const evidence = { entities, text: bruteForceAlerts().map((alert) => alert.message).join('\n').toLowerCase() };

describe('entity guard', () => {
  it('collects hosts, IPs (also from alert messages) and users from the alerts only', () => {
    expect(entities.hosts).toEqual(['web-01']);
    expect(entities.users).toEqual(['deploy']);
    expect(entities.ips).toEqual(expect.arrayContaining(['203.0.113.5', '10.0.0.17']));
    expect(entities.ips).not.toContain('10.0.0.20');
  });

  it.each([
    [['203.0.113.5'], 'pass'],
    [['203.0.113.5:22'], 'pass'],
    [['203.0.113.55'], 'reject'],
    [['10.0.0.1'], 'reject'],
    [['WEB-01'], 'pass'],
    [['db-01'], 'reject'],
    [['10.0.0.20'], 'reject'],
    [['deploy'], 'pass'],
    [['web-0'], 'reject'],
    [['mail-01'], 'reject'],
    [['10.0.0.0/24'], 'reject'],
    [['2001:db8::1'], 'reject'],
  ])('targets %j → %s', (targets, verdict) => {
    expect(checkEntities(act('block-ip', targets, 'Block it.'), evidence).verdict).toBe(verdict);
  });

  it('rejects an IP that appears only in the description', () => {
    const verdict = checkEntities(act('contain', ['web-01'], 'Drop traffic from 198.51.100.9 on web-01.'), evidence);
    expect(verdict.verdict).toBe('reject');
    expect(verdict.reasons[0]).toContain('198.51.100.9');
  });

  it('matches names only as whole words', () => {
    expect(containsWord('host web-01 is up', 'web-01')).toBe(true);
    expect(containsWord('host web-011 is up', 'web-01')).toBe(false);
    expect(containsWord('xweb-01', 'web-01')).toBe(false);
  });

  it('drops a candidate naming an unseen IP before scoring and records why', async () => {
    const fake = act('block-ip', ['198.51.100.77'], 'Block 198.51.100.77 at the firewall.');
    const good = act('block-ip', ['203.0.113.5'], 'Block 203.0.113.5 at the firewall.');
    const other = act('isolate-host', ['web-01'], 'Quarantine web-01.');
    const llm = new FakeLlm(world({ candidates: [fake, good, other] }));
    const outcome = await runAgentStep(initialAgentState('inc-g1'), { alerts: bruteForceAlerts(), systemDescription: system }, makeDeps(llm), makeConfig(), signal());
    const [rejected, ...rest] = outcome.recommendation.candidates;
    expect(rejected?.guard).toEqual({ verdict: 'reject', reasons: ['IP 198.51.100.77 does not appear in the evidence'] });
    expect(rejected?.q).toBeNull();
    expect(rejected?.rollouts).toEqual([]);
    expect(rest.every((candidate) => candidate.guard.verdict === 'pass' && candidate.q !== null)).toBe(true);
    expect(llm.calls.some((call) => call.purpose === 'predict-state' && userOf(call).includes('198.51.100.77'))).toBe(false);
    expect(outcome.recommendation.decision).toEqual({ kind: 'act', action: good });
    expect(outcome.recommendation.rationale).toContain('1 candidate(s) rejected by the entity guard');
  });

  it('rejects a host the system description lists but no alert shows', async () => {
    const described = act('isolate-host', ['db-01'], 'Quarantine db-01 (10.0.0.20).');
    const good = act('block-ip', ['203.0.113.5'], 'Block 203.0.113.5 at the firewall.');
    const other = act('isolate-host', ['web-01'], 'Quarantine web-01.');
    const llm = new FakeLlm(world({ candidates: [described, good, other] }));
    const outcome = await runAgentStep(initialAgentState('inc-g3'), { alerts: bruteForceAlerts(), systemDescription: system }, makeDeps(llm), makeConfig(), signal());
    const rejected = outcome.recommendation.candidates.find((candidate) => candidate.action.targets.includes('db-01'));
    expect(rejected?.guard.verdict).toBe('reject');
    expect(rejected?.guard.reasons.join(' ')).toContain('db-01');
    expect(outcome.recommendation.decision.kind).toBe('act');
    expect(outcome.recommendation.decision).not.toMatchObject({ action: { targets: ['db-01'] } });
  });

  it('abstains when every candidate names something the evidence does not show', async () => {
    const llm = new FakeLlm(
      world({
        candidates: [
          act('block-ip', ['198.51.100.77'], 'Block it.'),
          act('isolate-host', ['mail-01'], 'Quarantine mail-01.'),
          act('disable-account', ['root2'], 'Disable root2.'),
        ],
      }),
    );
    const outcome = await runAgentStep(initialAgentState('inc-g2'), { alerts: bruteForceAlerts(), systemDescription: system }, makeDeps(llm), makeConfig(), signal());
    expect(outcome.recommendation.decision).toMatchObject({ kind: 'abstain', code: 'entity-guard' });
    expect(llm.count('predict-state')).toBe(0);
  });
});

describe('consistency (NOMS, on the chosen candidate\'s rollouts)', () => {
  it('is 1 for agreeing rollouts, falls with their spread relative to the horizon, and needs two rollouts', () => {
    expect(consistency([4, 4, 4], 10, 0.9)).toBe(1);
    // Costs 3, 4, 5 in units of (H − 1)/2 = 4.5: variance (2/3)/20.25.
    expect(consistency([3, 4, 5], 10, 0.9)).toBeCloseTo(Math.exp((-0.9 * (2 / 3)) / 20.25));
    expect(consistency([1, 10, 1], 10, 0.9)!).toBeLessThan(consistency([3, 4, 5], 10, 0.9)!);
    // Half at once, half at the cap: the largest spread, λ = exp(−β).
    expect(consistency([1, 10], 10, 0.9)).toBeCloseTo(Math.exp(-0.9));
    expect(consistency([1, 1], 1, 0.9)).toBe(1);
    expect(consistency([4], 10, 0.9)).toBeNull();
    expect(consistency([], 10, 0.9)).toBeNull();
  });

  it('argmin takes the first of equal values', () => {
    expect(argmin([5, 3, 3, 4])).toBe(1);
    expect(argmin([2])).toBe(0);
  });
});
