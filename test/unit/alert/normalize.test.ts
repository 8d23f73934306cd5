import { normalizeAlert } from '../../../src/core/alert';
import { validateAlert } from '../../../src/core/alert/normalize';
import { fixtureLines, normalizeOk, normalizeRejected } from './fixtures';

const EVE = fixtureLines('suricata-eve/honeypot-2018.ndjson')[0] ?? '';

describe('normalizeAlert failure paths', () => {
  it.each([
    ['truncated JSON', '{"timestamp": "2018-03-24T14:37:19Z", "event_type": '],
    ['a broken JSON array', '[{"a": 1}'],
    ['an empty message', ''],
    ['a blank message', ' \r\n'],
  ])('%s is unparseable', (_case, raw) => {
    expect(normalizeRejected(raw).reason).toBe('unparseable');
  });

  it('says what is wrong with unparseable JSON, without echoing a long message', () => {
    const rejection = normalizeRejected(`{"message": "${'x'.repeat(10_000)}"`);
    expect(rejection.message).toMatch(/^invalid JSON: /);
    expect(rejection.message.length).toBeLessThan(300);
  });

  it('refuses a JSON array (one alert per message) as unknown-format', () => {
    expect(normalizeRejected(`[${EVE}]`)).toEqual({
      reason: 'unknown-format',
      message: 'a JSON array is not an alert: send one alert object per message',
    });
  });

  it.each([
    ['free text', 'hello world'],
    ['a JSON string', '"2018-03-24T14:37:19Z"'],
    ['a JSON number', '42'],
    ['a Zeek header line', '#fields\tts\tuid\tnote'],
    ['text opening with a bracket', '[2025-01-17 09:44:35] something happened'],
  ])('refuses %s as unknown-format', (_case, raw) => {
    expect(normalizeRejected(raw)).toMatchObject({ reason: 'unknown-format' });
  });

  it('rejects a missing timestamp as invalid, with the format and a readable issue', () => {
    const { timestamp: _time, ...record } = JSON.parse(EVE) as Record<string, unknown>;
    const rejection = normalizeRejected(JSON.stringify(record));
    expect(rejection).toMatchObject({ reason: 'invalid', format: 'suricata-eve' });
    expect(rejection.message).toBe('suricata-eve: @timestamp: no timestamp (looked in timestamp)');
  });

  it('reports schema failures path by path (the safety net behind the typed normalisers)', () => {
    const alert = normalizeOk(EVE);
    const broken = {
      ...alert,
      '@timestamp': '2018-03-24 14:37:19',
      event: { ...alert.event, severity: 140 },
      source: { ip: '10.0.0.1', port: 80.5 },
    };
    const result = validateAlert('suricata-eve', broken);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ reason: 'invalid', format: 'suricata-eve' });
    expect(result.error.issues).toEqual([
      expect.stringMatching(/^@timestamp: /),
      expect.stringMatching(/^event\.severity: /),
      expect.stringMatching(/^source\.port: /),
    ]);
    expect(result.error.message).toBe(`suricata-eve: ${result.error.issues?.join('; ')}`);
  });
});

describe('normalizeAlert behaviour', () => {
  it('is deterministic: the same message gives the same alert and the same id', () => {
    expect(normalizeOk(EVE)).toEqual(normalizeOk(EVE));
  });

  it('follows a hint instead of detecting', () => {
    expect(normalizeOk(EVE, 'generic-json').ira.format).toBe('generic-json');
    expect(normalizeOk(EVE).ira.format).toBe('suricata-eve');
  });

  it('ignores a byte-order mark but keeps it in event.original', () => {
    const alert = normalizeOk(`\uFEFF${EVE}`);
    expect(alert.ira.alert_id).toBe(normalizeOk(EVE).ira.alert_id);
    expect(alert.event.original.startsWith('\uFEFF')).toBe(true);
  });

  it('returns values, never throws, on hostile input', () => {
    const hostile = [
      '{"__proto__": {"polluted": 1}, "@timestamp": "2025-01-17T09:44:35Z"}',
      `{"a": ${'['.repeat(5000)}`,
      '\u0000\u0001\u0002',
      `${'[**] '.repeat(10_000)}`,
      `2026-06-10 13:10:51,405 [ INFO] Alert: [pri=1 cls=${'x'.repeat(100_000)}`,
    ];
    for (const raw of hostile) expect(() => normalizeAlert(raw)).not.toThrow();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
