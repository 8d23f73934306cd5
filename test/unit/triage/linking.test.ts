import { createTriageState, triageBatch } from '../../../src/core/triage';
import { HOUR, alert, type AlertSpec } from './helpers';

const WINDOW = HOUR;

function linked(first: Partial<AlertSpec>, second: Partial<AlertSpec>, gapMinutes = 5): boolean {
  const state = createTriageState({ windowMs: WINDOW });
  const out = triageBatch(state, [
    alert({ id: 'first', at: 0, rule: 'Rule one', ...first }),
    alert({ id: 'second', at: gapMinutes, rule: 'Rule two', ...second }),
  ]);
  return out.results[0]!.incidentId === out.results[1]!.incidentId;
}

describe('correlation by shared entities', () => {
  it.each<[string, Partial<AlertSpec>, Partial<AlertSpec>]>([
    ['host name (case-insensitive)', { host: 'WEB01' }, { host: 'web01' }],
    ['source ip', { src: '203.0.113.9', host: 'a' }, { src: '203.0.113.9', host: 'b' }],
    ['destination ip', { dst: '10.0.0.5', host: 'a' }, { dst: '10.0.0.5', host: 'b' }],
    ['source ip of one = destination ip of the other', { src: '10.0.0.5' }, { dst: '10.0.0.5' }],
    ['host.ip = source ip', { host: 'db01', hostIp: ['10.0.0.7'] }, { src: '10.0.0.7' }],
    ['user name', { user: 'alice', host: 'a' }, { user: 'Alice', host: 'b' }],
  ])('links on %s', (_name, first, second) => {
    expect(linked(first, second)).toBe(true);
  });

  it('does not link alerts with nothing in common', () => {
    expect(linked({ host: 'a', src: '203.0.113.9', user: 'alice' }, { host: 'b', src: '203.0.113.10', user: 'bob' })).toBe(false);
  });

  it('links only within the window', () => {
    expect(linked({ host: 'web01' }, { host: 'web01' }, 60)).toBe(true);
    expect(linked({ host: 'web01' }, { host: 'web01' }, 61)).toBe(false);
  });

  it.each([
    ['loopback', '127.0.0.1'],
    ['IPv6 loopback', '::1'],
    ['unspecified', '0.0.0.0'],
    ['broadcast', '255.255.255.255'],
    ['multicast', '224.0.0.251'],
    ['link-local', '169.254.10.1'],
  ])('never links on a %s address', (_name, ip) => {
    expect(linked({ src: ip, host: 'a' }, { src: ip, host: 'b' })).toBe(false);
  });

  it('never links on generic accounts or placeholders', () => {
    expect(linked({ user: 'root', host: 'a' }, { user: 'root', host: 'b' })).toBe(false);
    expect(linked({ user: 'SYSTEM', host: 'a' }, { user: 'SYSTEM', host: 'b' })).toBe(false);
    expect(linked({ host: '-' }, { host: '-' })).toBe(false);
  });

  it('treats the host of a network-IDS flow alert as the sensor, not a party', () => {
    const ids = { host: 'sensor-1', format: 'suricata-eve' as const };
    expect(linked({ ...ids, src: '203.0.113.1', dst: '10.0.0.1' }, { ...ids, src: '203.0.113.2', dst: '10.0.0.2' })).toBe(false);
    // The same sensor's own alerts (no flow) are about the sensor host and do link.
    expect(linked({ ...ids }, { ...ids })).toBe(true);
  });

  it('is transitive: a chain of shared entities builds one incident', () => {
    const state = createTriageState({ windowMs: WINDOW });
    const out = triageBatch(state, [
      alert({ id: '1', at: 0, host: 'web01', src: '203.0.113.9' }),
      alert({ id: '2', at: 1, src: '203.0.113.9', dst: '10.0.0.8', rule: 'Lateral' }),
      alert({ id: '3', at: 2, host: 'db01', hostIp: ['10.0.0.8'], user: 'svc-backup', rule: 'Dump' }),
      alert({ id: '4', at: 3, user: 'svc-backup', host: 'files01', rule: 'Exfil' }),
    ]);
    expect(new Set(out.results.map((r) => r.incidentId)).size).toBe(1);
    const incident = out.changes.find((c) => c.incident.id === out.results[0]!.incidentId)!.incident;
    expect(incident.entities.hosts.sort()).toEqual(['db01', 'files01', 'web01']);
    expect(incident.entities.ips.sort()).toEqual(['10.0.0.8', '203.0.113.9']);
    expect(incident.entities.users).toEqual(['svc-backup']);
  });
});
