import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectFileFormat, headLines } from '../../../src/core/sources/detect-file-format';
import { readFixture } from './fixtures';

const AIT_CSV = join(__dirname, '..', '..', 'fixtures', 'ait-ads', 'russellmitchell_attack_window.csv');
const head = (text: string) => detectFileFormat(headLines(text));

describe('detectFileFormat: a replay file by its content, whatever its name', () => {
  it('recognises the AIT-ADS CSV as published (the header line), also with a BOM and CRLF line ends', () => {
    const text = readFileSync(AIT_CSV, 'utf8');
    expect(head(text)).toEqual({ format: 'ait-csv', evidence: expect.stringContaining('time,name,ip,host') });
    expect(head(`\uFEFF${text.slice(0, 2000).replaceAll('\n', '\r\n')}`).format).toBe('ait-csv');
  });

  it.each([
    ['Wazuh alerts.json (one object per line)', 'wazuh/ait-ads-fox/wazuh_attack_lines.ndjson', 'lines'],
    ['Suricata EVE NDJSON', 'suricata-eve/honeypot-2018.ndjson', 'lines'],
    ['the digital-twin Snort log (prose and alert lines)', 'snort/esorics26-digital-twin/logs.txt', 'lines'],
    ['a fast.log', 'snort/ait-lds-v1.1-fast-log/fast.log', 'lines'],
    ['a Zeek notice.log TSV with its # header', 'zeek-notice/009-kovter-notice.log.labeled', 'lines'],
    ['a pretty-printed es_archiver document', 'elastic-security/kibana-cypress-query_alert.data.json', 'json-document'],
  ])('%s', (_label, fixture, format) => {
    expect(head(readFixture(fixture)).format).toBe(format);
  });

  it.each([
    ['[\n  {"a": 1}\n]', 'json-array'],
    ['[{"a":1},{"a":2}]', 'json-array'],
    ['  \n\n[ {"a": 1} ]', 'json-array'],
    ['[**] [1:2:3] a text alert line [**]', 'lines'],
    ['', 'empty'],
    ['\n \n\t\n', 'empty'],
  ])('%p is %s', (text, format) => {
    expect(head(text).format).toBe(format);
  });

  it('says so when a file is CSV with a header but not one ira reads', () => {
    expect(head('timestamp,src,dst,signature\n1,2,3,4\n')).toEqual({
      format: 'unsupported-csv',
      evidence: 'a CSV header (timestamp,src,dst,signature) that is not the AIT-ADS one (time,name,ip,host,short,time_label,event_label)',
    });
  });

  it('reads only a bounded head of a hostile file', () => {
    const start = performance.now();
    const lines = headLines(`{"a":${'['.repeat(500_000)}\n${'x\n'.repeat(1_000_000)}`);
    expect(lines.length).toBeLessThanOrEqual(16);
    expect(detectFileFormat(lines).format).toBe('json-document');
    expect(performance.now() - start).toBeLessThan(1000);
  });
});
