import fc from 'fast-check';
import { AlertFormats, detectFormat, normalizeAlert, parseInput, type AlertFormat } from '../../../src/core/alert';
import { detectFileFormat, headLines } from '../../../src/core/sources/detect-file-format';
import { deepJson, FUZZ, hostileValue, JSON_FIXTURES, mutatedJsonAlert, mutatedLine } from './arbitraries';
import { expectSafeOutcome } from './invariants';

/**
 * Intake fuzzing (issue 9): whatever arrives, detection and every normaliser return a schema-valid, indexable alert
 * or a rejection with a reason; nothing throws. Seeded and bounded (FUZZ), so a CI failure replays exactly.
 */

/** Detection, then the message forced through every normaliser (a connector may promise any format). */
function normalizeEveryWay(raw: string): void {
  const parsed = parseInput(raw);
  if (parsed.ok) detectFormat(parsed.value);
  expectSafeOutcome(raw, normalizeAlert(raw));
  for (const format of AlertFormats) expectSafeOutcome(raw, normalizeAlert(raw, { format }));
}

const bytesAsText = fc.uint8Array({ maxLength: 2000 }).map((bytes) => Buffer.from(bytes).toString('utf8'));

describe('intake fuzzing: arbitrary input never throws and never yields an unindexable alert', () => {
  it.each([
    ['arbitrary strings', fc.string({ maxLength: 500 })],
    ['arbitrary unicode', fc.string({ unit: 'grapheme', maxLength: 300 })],
    ['arbitrary bytes decoded as UTF-8', bytesAsText],
    ['arbitrary JSON values', fc.jsonValue().map((value) => JSON.stringify(value))],
    ['deep objects (letrec) and deep chains', deepJson(200).map((value) => JSON.stringify(value) ?? 'null')],
    ['JSON objects of hostile values under known field names', fc.dictionary(fc.string({ maxLength: 20 }), hostileValue).map((value) => JSON.stringify(value))],
  ])('%s', (_label, arbitrary) => {
    fc.assert(fc.property(arbitrary, normalizeEveryWay), FUZZ);
  });

  it.each(Object.keys(JSON_FIXTURES) as (keyof typeof JSON_FIXTURES)[])('mutated real %s alerts', (format) => {
    const seen = { runs: 0, alerts: 0 };
    fc.assert(
      fc.property(mutatedJsonAlert(format), (raw) => {
        const detected = normalizeAlert(raw);
        expectSafeOutcome(raw, detected);
        expectSafeOutcome(raw, normalizeAlert(raw, { format }));
        seen.runs += 1;
        if (detected.ok && detected.value.ira.format === format) seen.alerts += 1;
      }),
      FUZZ,
    );
    // The mutations must mostly keep the format, or the fuzzer would only be testing rejections.
    expect(seen.alerts / seen.runs).toBeGreaterThan(0.3);
  });

  it.each(['snort', 'zeek-notice'] as const)('mutated real %s text lines', (format: AlertFormat & ('snort' | 'zeek-notice')) => {
    fc.assert(fc.property(mutatedLine(format), (raw) => normalizeEveryWay(raw)), FUZZ);
  });

  it('mutated alerts inside search-hit and es_archiver envelopes', () => {
    const enveloped = fc
      .tuple(mutatedJsonAlert('elastic-security'), hostileValue, fc.boolean())
      .map(([raw, id, archiver]) =>
        archiver
          ? `{"type":"doc","value":{"id":${JSON.stringify(id) ?? 'null'},"source":${raw}}}`
          : `{"_index":"x","_id":${JSON.stringify(id) ?? 'null'},"_source":${raw}}`,
      );
    fc.assert(fc.property(enveloped, normalizeEveryWay), FUZZ);
  });

  it('file format detection: any text gives one of the formats with its evidence', () => {
    const formats = new Set(['ait-csv', 'json-array', 'json-document', 'lines', 'unsupported-csv', 'empty']);
    const text = fc.oneof(
      fc.string({ maxLength: 2000 }),
      fc.array(fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom('time,name,ip,host,short,time_label,event_label', '[', '{', '\r')), { maxLength: 30 }).map((lines) => lines.join('\n')),
      bytesAsText,
    );
    fc.assert(
      fc.property(text, (value) => {
        const guess = detectFileFormat(headLines(value));
        expect(formats.has(guess.format)).toBe(true);
        expect(guess.evidence).not.toBe('');
      }),
      FUZZ,
    );
  });
});
