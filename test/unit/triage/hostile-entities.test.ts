import { createTriageState, triageBatch } from '../../../src/core/triage';
import { HOUR, alert, change } from './helpers';

/** Distinct, linkable IPv4 addresses (10.x.y.z, never loopback/multicast). */
function ips(count: number, offset = 0): string[] {
  return Array.from({ length: count }, (_, i) => {
    const n = i + offset;
    return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${(n & 255) + 0}`;
  }).map((ip) => (ip.endsWith('.0') || ip.endsWith('.255') ? ip.replace(/\.(0|255)$/, '.77') : ip));
}

describe('entity flood in one alert', () => {
  it('handles 60,000 host.ip values in linear time, keeps a per-alert cap and records what was cut', () => {
    const state = createTriageState({ windowMs: HOUR });
    const flood = [...new Set(ips(60_000))];
    const started = performance.now();
    const out = triageBatch(state, [alert({ id: 'flood', at: 0, host: 'victim', hostIp: flood })]);
    const elapsed = performance.now() - started;
    // Linear work on 60k values is milliseconds; quadratic de-duplication took 40 s.
    expect(elapsed).toBeLessThan(2000);
    const incident = change(out, out.results[0]!.incidentId).incident;
    expect(incident.entities.ips.length).toBeLessThanOrEqual(32);
    // Every value the cap dropped is counted, on the alert's result and on the incident.
    expect(out.results[0]!.entitiesTruncated).toBe(flood.length - incident.entities.ips.length);
    expect(incident.entities_truncated).toBe(flood.length - incident.entities.ips.length);
  });

  it('one alert cannot fill the incident: a later alert\'s entities still join its lists', () => {
    const state = createTriageState({ windowMs: HOUR });
    triageBatch(state, [alert({ id: 'flood', at: 0, host: 'victim', hostIp: ips(5000) })]);
    const out = triageBatch(state, [alert({ id: 'real', at: 1, host: 'victim', src: '203.0.113.66', user: 'alice' })]);
    const incident = change(out, out.results[0]!.incidentId).incident;
    expect(incident.entities.ips).toContain('203.0.113.66');
    expect(incident.entities.users).toContain('alice');
    expect(incident.alert_count).toBe(2);
  });

  it('duplicate values inside one alert count once and are not reported as cut', () => {
    const state = createTriageState({ windowMs: HOUR });
    const out = triageBatch(state, [alert({ id: 'dup', at: 0, host: 'h', hostIp: Array.from({ length: 10_000 }, () => '10.1.2.3') })]);
    expect(change(out, out.results[0]!.incidentId).incident.entities.ips).toEqual(['10.1.2.3']);
    expect(out.results[0]!.entitiesTruncated ?? 0).toBe(0);
  });
});
