import fc from 'fast-check';
import { parseInput, type AlertFormat } from '../../../src/core/alert';
import { fixtureLines, readFixture } from '../alert/fixtures';

/**
 * Arbitraries for the intake fuzz tests. Alert-shaped input is built from the real fixtures of each format by
 * mutation (fields replaced by hostile values, fields added, lines cut and spliced), so the fuzzer spends its runs
 * past format detection, inside the normalisers, instead of on random JSON that is only ever `generic-json`.
 */

/** Fixed seed and bounds for every property: reproducible in CI, a few seconds each on a busy machine. */
export const FUZZ = { seed: 20260610, numRuns: 300, interruptAfterTimeLimit: 4000 } as const;

type Json = unknown;

/** The JSON body of a fixture line or document, out of its envelope (the unit the normalisers see). */
function bodyOf(raw: string): Record<string, Json> {
  const parsed = parseInput(raw);
  if (!parsed.ok || parsed.value.kind !== 'json') throw new Error(`fixture is not a JSON alert: ${raw.slice(0, 80)}`);
  return parsed.value.record;
}

const sample = <T>(items: readonly T[], count: number): T[] =>
  items.filter((_item, index) => index % Math.max(1, Math.floor(items.length / count)) === 0).slice(0, count);

export const JSON_FIXTURES: Readonly<Record<Exclude<AlertFormat, 'snort'>, readonly Record<string, Json>[]>> = {
  'elastic-security': [
    bodyOf(readFixture('elastic-security/kibana-cypress-query_alert.data.json')),
    bodyOf(readFixture('elastic-security/kibana-alerts-8.1.0.doc1.data.json')),
  ],
  'opensearch-finding': [
    ...fixtureLines('opensearch-finding/constructed-findings.ndjson'),
    ...fixtureLines('opensearch-finding/docs-example-findings.ndjson'),
  ].map(bodyOf),
  wazuh: [
    ...sample(fixtureLines('wazuh/ait-ads-fox/wazuh_attack_lines.ndjson'), 10),
    ...sample(fixtureLines('wazuh/ait-lds-v1.1/ossec_insect.json'), 10),
  ].map(bodyOf),
  'suricata-eve': [
    ...sample(fixtureLines('suricata-eve/wrccdc-2018.ndjson'), 10),
    ...sample(fixtureLines('suricata-eve/honeypot-2018.ndjson'), 5),
  ].map(bodyOf),
  'zeek-notice': sample(fixtureLines('zeek-notice/007-ssh-honeypot-notice.log'), 10).map(bodyOf),
  'generic-json': sample(fixtureLines('generic-json/ait-ads-russellmitchell-sample.ndjson'), 10).map(bodyOf),
};

export const TEXT_FIXTURES: Readonly<Record<'snort' | 'zeek-notice', readonly string[]>> = {
  snort: [
    ...sample(fixtureLines('snort/esorics26-digital-twin/logs.txt').filter((line) => line.includes('Alert:')), 10),
    ...sample(fixtureLines('snort/ait-lds-v1.1-fast-log/fast.log'), 10),
  ],
  'zeek-notice': fixtureLines('zeek-notice/009-kovter-notice.log.labeled')
    .filter((line) => !line.startsWith('#'))
    .slice(0, 10),
};

/** Values an attacker (or a broken producer) puts where an address, a time, a port or a name is expected. */
const hostileScalar: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(
    '999.1.1.1', '1.2.3', '1.2.3.4.5', '01.02.03.04', '1.2.3.4:99999', '[::1]:80', '[::1', '::1', '::', ':::',
    'fe80::1%eth0', '::ffff:1.2.3.4', '1:2:3:4:5:6:7:8:9', '1::2::3', 'gggg::1', 'localhost', 'dc01.corp.local',
    '10.0.0.5 (dc01)', '', ' ', '-', '(empty)', '\u0000', '\ud800', '\u2028', 'x'.repeat(40_000),
    '5138-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999999999Z',
    '2026-06-10T13:10:51+23:59', '2026-06-10T13:10:51-18:30', '2026-02-30T00:00:00Z', '2026-06-10 13:10:51,405',
    '99999999999', '1e21', '-1', 'NaN', 'Infinity',
  ),
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, 2 ** 63, 1e11 - 1, 1e14, 1e17, 1e20, 253402300800, 7258118400),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 64 }),
  fc.string({ unit: 'grapheme', maxLength: 64 }),
  fc.string({ minLength: 1000, maxLength: 5000 }),
);

export const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 5, arbitrary: hostileScalar },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.array(hostileScalar, { maxLength: 200 }) },
  { weight: 1, arbitrary: fc.array(fc.ipV4(), { minLength: 100, maxLength: 2000 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 12 }), hostileScalar, { maxKeys: 8 }) },
);

/** The field names the normalisers read, so that added fields land where they are looked for. */
const KNOWN_KEYS = [
  '@timestamp', 'timestamp', 'time', 'ts', 'event.created', 'kibana.alert.original_time', 'id', 'uuid', 'event.id',
  'kibana.alert.uuid', 'message', 'msg', 'description', 'full_log', 'host.name', 'host.ip', 'ip', 'host', 'hostname',
  'source.ip', 'src_ip', 'srcip', 'src', 'id.orig_h', 'destination.ip', 'dest_ip', 'dstip', 'dst', 'id.resp_h',
  'source.port', 'src_port', 'dest_port', 'id.orig_p', 'p', 'user.name', 'user', 'proto', 'app_proto',
  'network.transport', 'rule', 'rule.name', 'rule.id', 'rule.level', 'rule.mitre', 'rule.groups', 'agent', 'agent.ip',
  'agent.name', 'data', 'data.srcip', 'data.dstip', 'alert', 'alert.signature', 'alert.severity', 'alert.metadata',
  'kibana.alert.rule.threat', 'kibana.alert.risk_score', 'kibana.alert.case_ids', 'threat.tactic.id',
  'threat.technique.name', 'queries', 'related_doc_ids', 'document_list', 'note', 'uid', 'severity', 'priority',
  'risk_score', 'case_id', 'observer.vendor', 'event.dataset', 'event.action', '_source', '_id', 'flow_id',
  'event_type', 'index', 'level', 'category', '__proto__', 'constructor',
];

/** Every path to a value inside a record (through objects and arrays), as key lists. */
function leafPaths(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (prefix.length > 0) out.push(prefix);
  if (Array.isArray(value)) value.forEach((item, index) => leafPaths(item, [...prefix, index], out));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) leafPaths(item, [...prefix, key], out);
  }
  return out;
}

function setAt(record: Json, path: readonly (string | number)[], value: Json): void {
  let target = record as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, Json>;
  const last = path[path.length - 1];
  if (last !== undefined) Object.defineProperty(target, last, { value, enumerable: true, writable: true, configurable: true });
}

type Edit = { kind: 'replace'; pick: number; value: Json } | { kind: 'add'; key: string; value: Json } | { kind: 'drop'; pick: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), value: hostileValue }),
  fc.record({ kind: fc.constant('add' as const), key: fc.oneof(fc.constantFrom(...KNOWN_KEYS), fc.string({ maxLength: 16 })), value: hostileValue }),
  fc.record({ kind: fc.constant('drop' as const), pick: fc.nat() }),
);

function applyEdits(base: Record<string, Json>, edits: readonly Edit[]): Record<string, Json> {
  const record = structuredClone(base);
  for (const change of edits) {
    const paths = leafPaths(record);
    if (change.kind === 'add') setAt(record, [change.key], change.value);
    else if (paths.length > 0) {
      const path = paths[change.pick % paths.length] as (string | number)[];
      if (change.kind === 'replace') setAt(record, path, change.value);
      else setAt(record, path, undefined);
    }
  }
  return record;
}

/** A real alert of `format` with a few of its fields replaced, dropped or added, serialised as one message. */
export function mutatedJsonAlert(format: keyof typeof JSON_FIXTURES): fc.Arbitrary<string> {
  const bases = JSON_FIXTURES[format];
  return fc
    .tuple(fc.nat({ max: bases.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 6 }))
    .map(([index, edits]) => JSON.stringify(applyEdits(bases[index] as Record<string, Json>, edits)));
}

/** A real text line with pieces cut out, hostile text spliced in, or its whitespace blown up. */
export function mutatedLine(format: keyof typeof TEXT_FIXTURES): fc.Arbitrary<string> {
  const lines = TEXT_FIXTURES[format];
  const piece = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom(' '.repeat(5000), '\t', '\t'.repeat(200), '\r', '\u2028', '[**]', ' [**] ', '[Priority: 1]',
      '[Classification: ', '{TCP}', ' -> ', '999.999.1.1', '[1:2:3]', '13/45/2026-99:99:99.0', '-', '(empty)'),
    fc.string({ minLength: 500, maxLength: 3000 }),
  );
  return fc
    .tuple(fc.nat({ max: lines.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 40 }), piece), { minLength: 1, maxLength: 4 }))
    .map(([index, splices]) => {
      let line = lines[index] as string;
      for (const [at, cut, text] of splices) {
        const start = at % (line.length + 1);
        line = line.slice(0, start) + text + line.slice(start + cut);
      }
      return line;
    });
}

/** Objects nested up to `depth` levels through objects and arrays (fc.letrec), JSON-serialisable. */
export function deepJson(depth: number): fc.Arbitrary<Json> {
  const { node } = fc.letrec<{ node: Json }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      hostileScalar,
      fc.array(tie('node'), { maxLength: 3 }),
      fc.dictionary(fc.oneof(fc.constantFrom(...KNOWN_KEYS), fc.string({ maxLength: 8 })), tie('node'), { maxKeys: 4 }),
    ),
  }));
  return fc.oneof(
    node,
    fc.nat({ max: depth }).chain((levels) =>
      hostileScalar.map((leaf) => {
        let value: Json = leaf;
        for (let level = 0; level < levels; level++) value = level % 2 === 0 ? [value] : { subtechnique: value, note: 'x' };
        return value;
      }),
    ),
  );
}
