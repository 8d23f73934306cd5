import { createHash } from 'node:crypto';
import { deadLetterMessage, DeadLetter } from '../../../src/stages/dead-letter';
import type { InboundMessage } from '../../../src/core/ports/messaging';

function inbound(value: Buffer): InboundMessage {
  return { topic: 'ira.alerts', partition: 2, offset: '41', key: Buffer.from('k'), value, timestamp: '1714557600000' };
}

describe('deadLetterMessage', () => {
  test('a small input is kept byte for byte', () => {
    const original = Buffer.from('{"not": "an alert"}');
    const record = deadLetterMessage(inbound(original), { reason: 'invalid', message: 'no timestamp' }, 900_000);
    const letter = DeadLetter.parse(JSON.parse(record.value.toString()));
    expect(Buffer.from(letter.original_base64, 'base64')).toEqual(original);
    expect(letter.original_truncated).toBeUndefined();
  });

  test('an input of 1 MB becomes a record under the limit: reason, sha256 and a prefix of the original', () => {
    const original = Buffer.alloc(1_000_000, 'A');
    original.write('{"head":', 0);
    const record = deadLetterMessage(inbound(original), { reason: 'unparseable', message: 'x'.repeat(200_000), issues: ['y'.repeat(300_000)] }, 900_000);
    expect(Buffer.byteLength(record.value)).toBeLessThanOrEqual(900_000);
    const letter = DeadLetter.parse(JSON.parse(record.value.toString()));
    expect(letter.reason).toBe('unparseable');
    expect(letter.original_truncated).toBe(true);
    expect(letter.original_bytes).toBe(1_000_000);
    expect(letter.original_sha256).toBe(createHash('sha256').update(original).digest('hex'));
    const prefix = Buffer.from(letter.original_base64, 'base64');
    expect(prefix.length).toBeGreaterThan(1000);
    expect(original.subarray(0, prefix.length).equals(prefix)).toBe(true);
    expect(record.headers?.['ira-reason']).toBe('unparseable');
  });

  test('a tight limit still yields a record that fits', () => {
    const original = Buffer.alloc(50_000, 'B');
    const record = deadLetterMessage(inbound(original), { reason: 'invalid', message: 'm'.repeat(10_000) }, 4096);
    expect(Buffer.byteLength(record.value)).toBeLessThanOrEqual(4096);
    expect(DeadLetter.parse(JSON.parse(record.value.toString())).original_sha256).toHaveLength(64);
  });
});
