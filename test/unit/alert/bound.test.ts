import { isIP } from 'node:net';
import fc from 'fast-check';
import { MAX_HOST_IPS } from '../../../src/core/alert/bound';
import { isIpAddress } from '../../../src/core/alert/ip';
import { MAX_KEYWORD_LENGTH } from '../../../src/core/alert/limits';
import { expectAlertInvariants, normalizeOk } from './fixtures';

const generic = (fields: Record<string, unknown>): string =>
  JSON.stringify({ '@timestamp': '2026-06-10T13:10:51Z', message: 'm', ...fields });

describe('isIpAddress: what the ip field type of both engines takes', () => {
  test.each([
    '10.0.0.5', '0.0.0.0', '255.255.255.255', '::', '::1', '1::', 'fe80::1', '2001:db8::8a2e:370:7334',
    '::ffff:192.0.2.1', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6::8', 'ABCD:ef01::', '1:2:3:4:5:6:1.2.3.4',
  ])('accepts %s', (text) => {
    expect(isIpAddress(text)).toBe(true);
  });

  test.each([
    '', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.4 ', '1.2.3.-4', '1.2.3.4:80', '[::1]', ':::', '1::2::3',
    ':1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::8', '12345::', 'g::1', 'fe80::1%eth0', '::1.2.3',
    '1.2.3.4::', 'dc01.corp.local', '\u00101::', '\u0661.1.1.1',
  ])('refuses %p', (text) => {
    expect(isIpAddress(text)).toBe(false);
  });

  it('agrees with node:net on every accepted value (no zone ids), over random addresses and near misses', () => {
    const candidates = fc.oneof(
      fc.ipV4(),
      fc.ipV6(),
      fc.ipV4Extended(),
      fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:.'), maxLength: 45 }),
    );
    fc.assert(
      fc.property(candidates, (text) => {
        if (isIpAddress(text)) expect(isIP(text)).not.toBe(0);
        else if (isIP(text) !== 0) expect(/^0\d|\.0\d/.test(text) || text.includes('%')).toBe(true);
      }),
      { seed: 7, numRuns: 2000 },
    );
  });
});

describe('bounded alerts: indexable whatever the source wrote, and saying what changed', () => {
  it('moves an address field that holds no IP address to source/destination.address', () => {
    const raw = generic({ src_ip: 'dc01.corp.local', dest_ip: '999.1.1.1', dest_port: 445 });
    const alert = normalizeOk(raw);
    expectAlertInvariants(alert, raw, 'generic-json');
    expect(alert.source).toEqual({ address: 'dc01.corp.local' });
    expect(alert.destination).toEqual({ address: '999.1.1.1', port: 445 });
    expect(alert.ira.truncated).toEqual(['source.ip', 'destination.ip']);
  });

  it('keeps valid addresses as they are and adds no note', () => {
    const alert = normalizeOk(generic({ src_ip: '10.0.0.1', dest_ip: '2001:db8::1', host: { ip: ['10.0.0.2'] } }));
    expect(alert.source.ip).toBe('10.0.0.1');
    expect(alert.destination.ip).toBe('2001:db8::1');
    expect(alert.ira.truncated).toBeUndefined();
  });

  it('keeps the first host addresses of a flood and drops host entries that are not addresses', () => {
    const flood = Array.from({ length: 60_000 }, (_unused, index) => `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`);
    const alert = normalizeOk(generic({ host: { ip: ['not-an-ip', ...flood] } }));
    expect(alert.host.ip).toHaveLength(MAX_HOST_IPS);
    expect(alert.host.ip?.[0]).toBe('10.0.0.0');
    expect(alert.ira.truncated).toEqual(['host.ip']);
  });

  it('cuts keyword values over the limit without splitting a surrogate pair, and lists the fields', () => {
    const long = `${'a'.repeat(MAX_KEYWORD_LENGTH - 1)}😀tail`;
    const raw = generic({ rule: { name: long, id: 'r1' }, user: 'x'.repeat(40_000), threat: { tactic: { name: [long] } } });
    const alert = normalizeOk(raw);
    expectAlertInvariants(alert, raw, 'generic-json');
    expect(alert.rule.name).toBe('a'.repeat(MAX_KEYWORD_LENGTH - 1));
    expect(alert.user.name).toHaveLength(MAX_KEYWORD_LENGTH);
    expect(alert.threat.tactic.name).toEqual(['a'.repeat(MAX_KEYWORD_LENGTH - 1)]);
    expect(alert.ira.truncated).toEqual(['rule.name', 'user.name', 'threat.tactic.name']);
    expect(alert.event.original).toBe(raw);
  });

  it('derives the alert id from the whole event id, before the stored one is cut', () => {
    const a = normalizeOk(generic({ id: `${'i'.repeat(2000)}a` }));
    const b = normalizeOk(generic({ id: `${'i'.repeat(2000)}b` }));
    expect(a.event.id).toBe(b.event.id);
    expect(a.ira.alert_id).not.toBe(b.ira.alert_id);
    expect(a.ira.truncated).toEqual(['event.id']);
  });
});
