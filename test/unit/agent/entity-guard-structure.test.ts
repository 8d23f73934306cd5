import { checkEntities } from '../../../src/core/agent/entity-guard';
import {
  collectEntities, collectEntityReport, MAX_ENTITIES_PER_ALERT, MAX_ENTITIES_PER_INCIDENT,
} from '../../../src/core/agent/evidence';
import type { KnownEntities } from '../../../src/core/agent/types';
import type { NormalizedAlert } from '../../../src/core/alert/schema';
import { act, makeAlert } from './support/world';

const none: KnownEntities = { hosts: [], ips: [], users: [] };
const ipsOf = (n: number, third = 0) => Array.from({ length: n }, (_, i) => `10.7.${third + Math.floor(i / 250)}.${(i % 250) + 1}`);
const withHostIps = (alert: NormalizedAlert, ips: string[]): NormalizedAlert => ({ ...alert, host: { ...alert.host, ip: ips } });

describe('entities for the guard come from structured fields only', () => {
  it('an IP or name that appears only in free text is context, never a guard entity', () => {
    const alert = makeAlert({ id: 'a', host: 'web-01', src: '203.0.113.5', message: 'UA: dc01.corp.local (10.0.0.5) user ceo' });
    const report = collectEntityReport(none, [alert]);
    expect(report.entities).toEqual({ hosts: ['web-01'], ips: ['203.0.113.5'], users: [] });
    expect(report.context.ips).toContain('10.0.0.5');
    expect(collectEntities(none, [alert]).ips).not.toContain('10.0.0.5');
    const evidence = { entities: report.entities, text: alert.message.toLowerCase() };
    expect(checkEntities(act('isolate-host', ['dc01.corp.local'], 'x'), evidence).verdict).toBe('reject');
    expect(checkEntities(act('block-ip', ['10.0.0.5'], 'x'), evidence).verdict).toBe('reject');
    expect(checkEntities(act('disable-account', ['ceo'], 'x'), evidence).verdict).toBe('reject');
    expect(checkEntities(act('block-ip', ['203.0.113.5'], 'x'), evidence).verdict).toBe('pass');
  });

  it('caps one alert\'s values per kind and records what was cut', () => {
    const flood = withHostIps(makeAlert({ id: 'f', host: 'web-01' }), ipsOf(500));
    const report = collectEntityReport(none, [flood]);
    expect(report.entities.ips).toHaveLength(MAX_ENTITIES_PER_ALERT);
    expect(report.cut.perAlert).toBe(500 - MAX_ENTITIES_PER_ALERT);
  });

  it('the newest alerts\' entities always fit: a flood that filled the incident\'s list cannot crowd out the real C2', () => {
    let known = none;
    // Many earlier alerts, each at the per-alert cap, fill the per-incident list.
    const per = MAX_ENTITIES_PER_ALERT;
    const floods = Array.from({ length: Math.ceil(MAX_ENTITIES_PER_INCIDENT / per) + 2 }, (_, k) =>
      withHostIps(makeAlert({ id: `f${k}`, host: 'web-01' }), ipsOf(per, k * 4)),
    );
    known = collectEntities(known, floods);
    expect(known.ips).toHaveLength(MAX_ENTITIES_PER_INCIDENT);
    const report = collectEntityReport(known, [makeAlert({ id: 'c2', host: 'web-01', dst: '198.51.100.200' })]);
    expect(report.entities.ips).toContain('198.51.100.200');
    expect(report.entities.ips.length).toBeLessThanOrEqual(MAX_ENTITIES_PER_INCIDENT);
    expect(report.cut.perIncident).toBeGreaterThan(0);
    const evidence = { entities: report.entities, text: '' };
    expect(checkEntities(act('block-ip', ['198.51.100.200'], 'Block 198.51.100.200.'), evidence).verdict).toBe('pass');
  });

  it('one step\'s alerts share the incident cap fairly: one alert\'s flood cannot push out another alert\'s values', () => {
    const floods = Array.from({ length: 40 }, (_, k) => withHostIps(makeAlert({ id: `f${k}`, host: `h${k}` }), ipsOf(40, k * 4)));
    const real = makeAlert({ id: 'real', host: 'web-01', src: '203.0.113.5', user: 'deploy' });
    const entities = collectEntities(none, [...floods, real]);
    expect(entities.ips).toContain('203.0.113.5');
    expect(entities.hosts).toContain('web-01');
    expect(entities.users).toContain('deploy');
  });

  it('is linear: 60,000 values in one alert take milliseconds', () => {
    const flood = withHostIps(makeAlert({ id: 'f', host: 'web-01' }), ipsOf(60_000));
    const started = performance.now();
    collectEntityReport(none, [flood]);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
