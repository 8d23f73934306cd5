import { AIT_CSV_COLUMNS } from './ait-csv';

/**
 * What a replay file holds, decided from its first lines (content, never the file name: AIT-ADS publishes its CSV
 * as `*_alerts.txt`). The caller reads the file accordingly:
 * - `ait-csv`: the AIT-ADS flattened CSV (`parseAitAdsCsv`);
 * - `json-array`: one JSON array of alerts; `json-document`: one JSON object spread over several lines;
 * - `lines`: one record per line (NDJSON, Snort/Suricata/Zeek text lines, prose around them: the normaliser decides);
 * - `unsupported-csv`: a CSV header ira does not read (say so, do not read it as text lines);
 * - `empty`: only blank lines.
 */
export type FileFormat = 'ait-csv' | 'json-array' | 'json-document' | 'lines' | 'unsupported-csv' | 'empty';

export interface FileFormatGuess {
  readonly format: FileFormat;
  /** What decided it, for the replay's log line and its warning when a file yields no alerts. */
  readonly evidence: string;
}

/** Lines looked at, and characters of each: enough for any header, bounded for hostile files. */
export const HEAD_LINES = 16;
const HEAD_LINE_CHARS = 64 * 1024;
const MAX_HEADER_COLUMNS = 64;

/** The first `count` lines of a file's text (line terminators removed, a BOM dropped), each cut to 64 KiB. */
export function headLines(text: string, count: number = HEAD_LINES): string[] {
  const lines: string[] = [];
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (lines.length < count && start < text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    let line = text.slice(start, Math.min(end, start + HEAD_LINE_CHARS));
    if (line.endsWith('\r')) line = line.slice(0, -1);
    lines.push(line);
    start = end + 1;
  }
  return lines;
}

export function detectFileFormat(firstLines: readonly string[]): FileFormatGuess {
  const index = firstLines.findIndex((line) => line.trim() !== '');
  if (index < 0) return { format: 'empty', evidence: 'no non-blank line' };
  const first = (firstLines[index] as string).replace(/^\uFEFF/, '').trim();
  if (first.startsWith('{')) {
    return isJsonObjectLine(first)
      ? { format: 'lines', evidence: 'the first line is a whole JSON object (one alert per line)' }
      : { format: 'json-document', evidence: 'the first line opens a JSON object that continues on later lines' };
  }
  if (first.startsWith('[') && opensJsonArray(first, firstLines.slice(index + 1))) {
    return { format: 'json-array', evidence: 'the file opens a JSON array of objects' };
  }
  const header = csvHeader(first);
  if (header !== undefined) {
    if (sameColumns(header, AIT_CSV_COLUMNS)) return { format: 'ait-csv', evidence: `the AIT-ADS CSV header (${first})` };
    return {
      format: 'unsupported-csv',
      evidence: `a CSV header (${header.join(',')}) that is not the AIT-ADS one (${AIT_CSV_COLUMNS.join(',')})`,
    };
  }
  return { format: 'lines', evidence: 'text lines (each one an alert line, a JSON object or prose)' };
}

function isJsonObjectLine(line: string): boolean {
  if (!line.endsWith('}')) return false;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

// `[` alone, `[{`, `[[` or `[ {` open an array; `[**] …` (a fast-alert line without its time) does not.
function opensJsonArray(first: string, rest: readonly string[]): boolean {
  const after = first.slice(1).trimStart();
  if (after.startsWith('{') || after.startsWith('[') || after.startsWith(']')) return true;
  if (after !== '') return false;
  const next = rest.find((line) => line.trim() !== '');
  return next === undefined || next.trimStart().startsWith('{') || next.trimStart().startsWith('[');
}

/** The column names of a CSV header line: at least two, each a plain name (letters, digits, `_ .-`, spaces). */
function csvHeader(line: string): string[] | undefined {
  if (!line.includes(',')) return undefined;
  const columns = line.split(',', MAX_HEADER_COLUMNS + 1).map((column) => column.trim().replace(/^"(.*)"$/, '$1'));
  if (columns.length > MAX_HEADER_COLUMNS || columns.length < 2) return undefined;
  return columns.every(isColumnName) ? columns : undefined;
}

function isColumnName(name: string): boolean {
  if (name === '' || name.length > 64) return false;
  const first = name.charCodeAt(0);
  if (!isLetter(first) && first !== 0x5f && first !== 0x40) return false;
  for (let index = 1; index < name.length; index++) {
    const code = name.charCodeAt(index);
    if (!isLetter(code) && !(code >= 0x30 && code <= 0x39) && !' _.-'.includes(name[index] as string)) return false;
  }
  return true;
}

function isLetter(code: number): boolean {
  const lower = code | 0x20;
  return code >= 0x41 && lower >= 0x61 && lower <= 0x7a;
}

function sameColumns(header: readonly string[], expected: readonly string[]): boolean {
  return header.length === expected.length && header.every((name, index) => name === expected[index]);
}
