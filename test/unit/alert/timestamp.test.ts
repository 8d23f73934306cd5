import { NormalizedAlert, toIsoTimestamp } from '../../../src/core/alert';

const isoWithOffset = NormalizedAlert.shape['@timestamp'];

describe('toIsoTimestamp', () => {
  test.each([
    // Wazuh 3.x and Suricata write the offset without a colon; the fraction digits are kept.
    ['2020-03-04T13:55:05.224939+0000', '2020-03-04T13:55:05.224939+00:00'],
    ['2018-03-24T14:37:19.037299-0600', '2018-03-24T14:37:19.037299-06:00'],
    ['2022-01-17T09:44:35.000000Z', '2022-01-17T09:44:35.000000Z'],
    ['2023-04-27T11:03:57.906Z', '2023-04-27T11:03:57.906Z'],
    ['2024-02-29T23:59:59+05:30', '2024-02-29T23:59:59+05:30'],
    ['2024-02-29T23:59:59+05', '2024-02-29T23:59:59+05:00'],
    // The digital twin's Snort log: Python logging's comma, no offset (UTC).
    ['2026-06-10 13:10:51,405', '2026-06-10T13:10:51.405Z'],
    ['2026-06-10T13:10', '2026-06-10T13:10:00Z'],
    // Epochs by magnitude: seconds (Zeek, with microseconds kept), milliseconds (OpenSearch findings), µs, ns.
    [1599755680.178714, '2020-09-10T16:34:40.178714Z'],
    ['1599755680.178714', '2020-09-10T16:34:40.178714Z'],
    [1642991114, '2022-01-24T02:25:14.000Z'],
    [1664401088804, '2022-09-28T21:38:08.804Z'],
    [1664401088804123, '2022-09-28T21:38:08.804Z'],
    ['1664401088804123456', '2022-09-28T21:38:08.804Z'],
    // The bounds of the accepted range (1970–2200) and of the offsets (±18:00).
    [0, '1970-01-01T00:00:00.000Z'],
    ['2200-12-31T23:59:59.999Z', '2200-12-31T23:59:59.999Z'],
    ['2024-01-01T10:00:00-18:00', '2024-01-01T10:00:00-18:00'],
  ])('%p → %s', (input, expected) => {
    const output = toIsoTimestamp(input);
    expect(output).toBe(expected);
    expect(isoWithOffset.safeParse(output).success).toBe(true);
  });

  test.each([
    ['syslog time without a year', 'Jan 17 09:44:35'],
    ['Snort fast-alert time without a year', '03/04-13:55:05.224939'],
    ['February 30th', '2024-02-30T00:00:00Z'],
    ['hour 24', '2024-01-01T24:00:00Z'],
    ['offset hour 24', '2024-01-01T10:00:00+2400'],
    // Outside what both engines' date parser takes (java.time offsets are ±18:00) or outside the sane years.
    ['offset beyond ±18:00', '2024-01-01T10:00:00+19:00'],
    ['offset -18:30', '2024-01-01T10:00:00-18:30'],
    ['the year 5138 (the audit\'s poisoned clock)', '5138-11-16T09:46:40Z'],
    ['epoch seconds in the year 5138', 99_999_999_999],
    ['epoch milliseconds in the year 2255', Number.MAX_SAFE_INTEGER],
    ['before 1970', '1969-12-31T23:59:59Z'],
    ['the year 0001', '0001-01-01T00:00:00Z'],
    ['after 2200', '2201-01-01T00:00:00Z'],
    ['negative epoch', -1],
    ['not a number', Number.NaN],
    ['empty text', ''],
    ['an object', { seconds: 1 }],
    ['null', null],
  ])('refuses %s', (_case, input) => {
    expect(toIsoTimestamp(input)).toBeUndefined();
  });

  it('stays linear on long adversarial input', () => {
    const hostile = `2024-01-01T00:00:00${'0'.repeat(100_000)}`;
    expect(toIsoTimestamp(hostile)).toBeUndefined();
  });
});
