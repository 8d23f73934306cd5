import { normalizeAlert, parseInput, type NormalizedAlert } from '../../../src/core/alert';
import { MAX_JSON_DEPTH, MAX_RECORD_BYTES } from '../../../src/core/alert/limits';
import { parseSnortLine } from '../../../src/core/alert/normalizers/snort';
import { observedSignatures } from '../../../src/core/agent/signatures';
import { fixtureLines, normalizeOk, normalizeRejected } from './fixtures';

/**
 * Regressions of issue 9 (hostile alert text): each input is the size the audit used. Wall-clock bounds are generous
 * (the quadratic versions took 12–28 s on these inputs; the linear ones take milliseconds), so a busy shared machine
 * does not make them flaky, while a return of the quadratic behaviour still fails them.
 */
const GENEROUS_MS = 1000;

function timed<T>(run: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = run();
  return { value, ms: performance.now() - start };
}

/**
 * The audit's crash: a Kibana alert whose rule threat nests `subtechnique` about 5,200 levels deep (~167 KB).
 * Built as text: JSON.stringify itself recurses and would overflow on the object.
 */
function deepElasticAlert(levels: number): string {
  const open = '{"id":"T1059.001","subtechnique":[';
  const technique = `${open.repeat(levels)}{"id":"T1059","name":"Command"}${']}'.repeat(levels)}`;
  const head = '{"@timestamp":"2026-06-10T13:10:51.405Z","kibana.alert.uuid":"deep-1","kibana.alert.rule.name":"deep rule",';
  return `${head}"kibana.alert.rule.threat":[{"framework":"MITRE ATT&CK","technique":[${technique}]}]}`;
}

describe('hostile input: nesting depth and record size are rejections, never throws', () => {
  // 5,200 levels crashed `ira serve` (whose stack is already deep when it normalises); 20,000 overflow the old
  // recursive walk from any caller.
  it.each([5200, 20_000])('rejects an Elastic alert with %i nested subtechniques as too-deep', (levels) => {
    const raw = deepElasticAlert(levels);
    expect(raw.length).toBeGreaterThan(160_000);
    const rejection = normalizeRejected(raw);
    expect(rejection).toMatchObject({ reason: 'unparseable', code: 'too-deep' });
    expect(rejection.message).toMatch(/deeper than 64/);
  });

  it.each([
    ['arrays', `{"@timestamp":"2026-01-01T00:00:00Z","a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`],
    ['objects', `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`],
    ['an unclosed stack of brackets', '['.repeat(200_000)],
  ])('rejects JSON nested 50k+ levels deep (%s) without parsing it', (_label, raw) => {
    expect(normalizeAlert(raw)).toMatchObject({ ok: false, error: { code: 'too-deep' } });
  });

  it('keeps brackets inside strings out of the depth count', () => {
    const raw = JSON.stringify({ '@timestamp': '2026-01-01T00:00:00Z', message: '['.repeat(10_000) + '"\\{' });
    expect(normalizeOk(raw).message).toHaveLength(10_003);
  });

  it('accepts nesting up to the limit and rejects one level more', () => {
    const nested = (depth: number): string =>
      `{"@timestamp":"2026-01-01T00:00:00Z","x":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
    expect(normalizeAlert(nested(MAX_JSON_DEPTH)).ok).toBe(true);
    expect(normalizeAlert(nested(MAX_JSON_DEPTH + 1))).toMatchObject({ ok: false, error: { code: 'too-deep' } });
  });

  it('rejects a record over the size limit (counted in UTF-8 bytes) as too-large, JSON or text', () => {
    const json = JSON.stringify({ '@timestamp': '2026-01-01T00:00:00Z', message: 'x'.repeat(MAX_RECORD_BYTES) });
    expect(normalizeRejected(json)).toMatchObject({ reason: 'unparseable', code: 'too-large' });
    // 400k three-byte characters: under the limit in UTF-16 code units, over it in bytes.
    expect(parseInput('€'.repeat(400_000))).toMatchObject({ ok: false, error: { code: 'too-large' } });
    expect(normalizeAlert('x'.repeat(MAX_RECORD_BYTES - 100)).ok).toBe(false);
    expect(normalizeAlert('x'.repeat(MAX_RECORD_BYTES - 100))).not.toMatchObject({ error: { code: 'too-large' } });
  });

  it('bounds the nested OpenSearch matched document too (a second parse of attacker text)', () => {
    const finding = JSON.parse(fixtureLines('opensearch-finding/docs-example-findings.ndjson')[0] ?? '{}') as Record<string, unknown>;
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const raw = JSON.stringify({ ...finding, document_list: [{ found: true, document: deep }] });
    const result = normalizeAlert(raw);
    expect(result.ok).toBe(true);
  });
});

describe('hostile input: regular expressions over alert text are linear', () => {
  const twinHead =
    '2026-06-10 13:10:51,405 [    INFO] Alert: [pri=2 cls=Attempted Information Leak] {ICMP} 10.0.0.1 -> 10.0.0.2 [1:1000001:2]';

  it.each([
    ['a line separator', '\u2028'],
    ['a carriage return', '\r'],
    ['a line feed', 'x\n'],
  ])('parses a Snort line with 160k spaces after the rule id and %s in linear time', (_label, tail) => {
    const { value, ms } = timed(() => parseSnortLine(twinHead + ' '.repeat(160_000) + tail));
    expect(ms).toBeLessThan(GENEROUS_MS);
    expect(value?.sid).toBe('1000001');
  });

  it('parses fast-alert lines padded with 160k spaces between every part in linear time', () => {
    const pad = ' '.repeat(160_000);
    const line = `03/04/2020-13:55:05.224939 [**] [1:2221028:1] msg [**]${pad}[Classification: x]${pad}[Priority: 3]${pad}{TCP}${pad}1.2.3.4:1${pad}->${pad}5.6.7.8:2${pad}\u2028`;
    const { ms } = timed(() => parseSnortLine(line));
    expect(ms).toBeLessThan(GENEROUS_MS);
  });

  it('reads classification pairs from 272 KB of repeated "[Classification:x" in linear time', () => {
    const text = '[Classification:x'.repeat(16_000);
    expect(text.length).toBeGreaterThan(270_000);
    const alert = { message: text, event: { original: text }, rule: {} } as unknown as NormalizedAlert;
    const { value, ms } = timed(() => observedSignatures([alert]));
    expect(ms).toBeLessThan(GENEROUS_MS);
    expect([...value]).toEqual([]);
  });

  it('still reads every classification pair of the real fast-alert fixture lines', () => {
    const lines = fixtureLines('snort/ait-lds-v1.1-fast-log/fast.log').slice(0, 50);
    const alerts = lines.map((line) => normalizeOk(line));
    const keys = observedSignatures(alerts);
    expect(keys.size).toBeGreaterThan(0);
    for (const key of keys) expect(key).toMatch(/^[a-z0-9 ]+\|\d$/);
  });

  it('keeps the pair pattern semantics: whitespace, case, several pairs per text', () => {
    const text = 'a [classification:  Misc Activity ] [Priority: 3] b [Classification: Bad-Unknown]  [PRIORITY: 2 ]';
    const alert = { message: text, event: { original: '' }, rule: {} } as unknown as NormalizedAlert;
    expect([...observedSignatures([alert])]).toEqual(['misc activity|3', 'bad unknown|2']);
  });

  it('reads an epoch-shaped or ISO-shaped 1 MB timestamp string in linear time', () => {
    const raw = JSON.stringify({ '@timestamp': `2026-01-01T00:00:00${'0'.repeat(900_000)}` });
    const { value, ms } = timed(() => normalizeAlert(raw));
    expect(ms).toBeLessThan(GENEROUS_MS);
    expect(value.ok).toBe(false);
  });

  it('detects and parses a Zeek TSV line with 100k tab-separated columns in linear time', () => {
    const line = fixtureLines('zeek-notice/009-kovter-notice.log.labeled').find((row) => !row.startsWith('#'));
    const { value, ms } = timed(() => normalizeAlert(`${line ?? ''}${'\tx'.repeat(100_000)}`));
    expect(ms).toBeLessThan(GENEROUS_MS);
    expect(value.ok).toBe(true);
  });
});
