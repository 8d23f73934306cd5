import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAitAdsCsv, parseCsv } from '../../../src/core/sources/ait-csv';

const HEADER = 'time,name,ip,host,short,time_label,event_label';

describe('CSV parsing', () => {
  it('handles quoted fields with commas, doubled quotes, line breaks and CRLF', () => {
    const parsed = parseCsv('a,"b,c","say ""hi"""\r\n"multi\nline",,x\n');
    expect(parsed).toEqual({ ok: true, value: [['a', 'b,c', 'say "hi"'], ['multi\nline', '', 'x']] });
  });

  it('keeps a final record without a trailing newline, and rejects an unterminated quote', () => {
    expect(parseCsv('a,b\nc,d')).toEqual({ ok: true, value: [['a', 'b'], ['c', 'd']] });
    const bad = parseCsv('a,b\n"c,d\n');
    expect(bad.ok).toBe(false);
  });
});

describe('AIT-ADS CSV', () => {
  it('turns rows into generic JSON alerts without the labels, and returns the labels apart', () => {
    const text = `${HEADER}\n1642991114,Wazuh: ClamAV database update,192.168.231.56,davey_mail,W-Sys-Cav,false_positive,-\n` +
      `1642996607,"AMiner: New event type, with a comma",10.143.2.4,intranet_server,A-Val-New,dirb,dirb\n`;
    const parsed = parseAitAdsCsv(text);
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.value.alerts[0]).toEqual({
      '@timestamp': '2022-01-24T02:25:14.000Z',
      message: 'Wazuh: ClamAV database update',
      rule: { name: 'Wazuh: ClamAV database update', id: 'W-Sys-Cav' },
      host: { name: 'davey_mail', ip: ['192.168.231.56'] },
      observer: { product: 'Wazuh' },
      event: { id: '0-1642991114-W-Sys-Cav' },
    });
    expect(parsed.value.alerts[1]?.observer.product).toBe('AMiner');
    expect(parsed.value.alerts[1]?.message).toBe('AMiner: New event type, with a comma');
    expect(parsed.value.labels).toEqual([{ time_label: 'false_positive', event_label: '-' }, { time_label: 'dirb', event_label: 'dirb' }]);
    expect(JSON.stringify(parsed.value.alerts)).not.toMatch(/false_positive|"dirb"/);
  });

  it('reports the line of a bad row', () => {
    const parsed = parseAitAdsCsv(`${HEADER}\n1642991114,Wazuh: x,1.2.3.4,h,W,fp,-\nnot-a-time,Wazuh: y,1.2.3.4,h,W,fp,-\n`);
    expect(parsed).toMatchObject({ ok: false, error: { line: 3 } });
    expect(parseAitAdsCsv('a,b,c\n').ok).toBe(false);
    expect(parseAitAdsCsv(`${HEADER}\n1642991114,Splunk: x,1.2.3.4,h,W,fp,-\n`).ok).toBe(false);
  });

  it('parses the whole fixture: one alert per data row, ids unique', () => {
    const text = readFileSync(join(__dirname, '../../fixtures/ait-ads/russellmitchell_attack_window.csv'), 'utf8');
    const parsed = parseAitAdsCsv(text);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const dataLines = text.split('\n').filter((l) => l.length > 0).length - 1;
    expect(parsed.value.alerts).toHaveLength(dataLines);
    expect(parsed.value.labels).toHaveLength(dataLines);
    expect(new Set(parsed.value.alerts.map((a) => a.event.id)).size).toBe(dataLines);
    for (const a of parsed.value.alerts) expect(Number.isNaN(Date.parse(a['@timestamp']))).toBe(false);
  });
});
