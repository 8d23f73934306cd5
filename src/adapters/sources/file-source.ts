import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseAitAdsCsv } from '../../core/sources/ait-csv';
import { detectFileFormat, headLines } from '../../core/sources/detect-file-format';
import { ErrorCodes, IraError } from '../../errors';
import type { AlertSource, RawRecord, ReplayInput } from '../../core/ports/alert-source';

/**
 * Alerts from a file or a folder. The format is read from the content (`detectFileFormat` on the first lines), never
 * from the file name, so the AIT-ADS alerts as published (`*_alerts.txt`, a CSV with a header) are read as such:
 * - a JSON array, one JSON document, or (as Wazuh writes `alerts.json`) one object per line;
 * - the AIT-ADS flattened CSV (labels are dropped: a replay never sees ground truth);
 * - anything else: one record per line; a line that parses as a JSON object is one, any other line is text (an
 *   alert line or prose — the normaliser decides). A CSV of another layout is refused with a warning.
 * A file over `maxFileBytes` is not read (a warning says so): replay holds a file in memory.
 * A folder holding `system.txt` is ONE incident (the digital-twin layout): system.txt is the system description and
 * every other alert file in it is evidence. Files that carry answers or metadata are never read as evidence.
 */
const ANSWER_FILES = [/^incident.*\.txt$/i, /^reference[-_]?plan.*\.json$/i, /^ground[-_]?truth.*\.json$/i, /^attack_phases\.json$/i, /\.labels\.json$/i];
const METADATA_FILES = [/^readme/i, /^licen[cs]e/i, /\.rules$/i, /\.md$/i, /^system\.txt$/i, /^\./];

export function isEvidenceFile(name: string): boolean {
  return ![...ANSWER_FILES, ...METADATA_FILES].some((pattern) => pattern.test(name));
}

function jsonRecords(text: string, file: string): RawRecord[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    const parsed = JSON.parse(trimmed) as unknown;
    if (!Array.isArray(parsed)) throw new IraError(ErrorCodes.sourceInvalid, `${file}: expected a JSON array`);
    // The array's elements have no verbatim text of their own; their compact serialisation stands in for it.
    return parsed.map((value, index) => ({ raw: JSON.stringify(value), origin: `${file}[${index}]`, text: false }));
  }
  try {
    JSON.parse(trimmed);
    return [{ raw: trimmed, origin: file, text: false }];
  } catch {
    return lineRecords(text, file);
  }
}

function lineRecords(text: string, file: string): RawRecord[] {
  const records: RawRecord[] = [];
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    // A line that starts like JSON is a JSON record: if it does not parse, the normaliser reports it.
    records.push({ raw: line.replace(/\r$/, ''), origin: `${file}:${index + 1}`, text: !trimmed.startsWith('{') });
  }
  return records;
}

function csvRecords(text: string, file: string): RawRecord[] {
  const parsed = parseAitAdsCsv(text);
  if (!parsed.ok) throw new IraError(ErrorCodes.sourceInvalid, `${file}:${parsed.error.line}: ${parsed.error.message}`);
  return parsed.value.alerts.map((alert, index) => ({ raw: JSON.stringify(alert), origin: `${file}:${index + 2}`, text: false }));
}

/** Files larger than this are not read by replay (they are held in memory whole). */
export const DEFAULT_MAX_FILE_BYTES = 512 * 1024 * 1024;

export interface ReadFileResult {
  readonly records: RawRecord[];
  readonly warning?: string;
}

function recordsOf(text: string, path: string): ReadFileResult {
  const guess = detectFileFormat(headLines(text));
  switch (guess.format) {
    case 'ait-csv':
      return { records: csvRecords(text, path) };
    case 'json-array':
    case 'json-document':
      return { records: jsonRecords(text, path) };
    case 'lines':
      return { records: lineRecords(text, path) };
    case 'empty':
      return { records: [], warning: `${path}: empty file` };
    case 'unsupported-csv':
      return { records: [], warning: `${path}: not read: ${guess.evidence}` };
  }
}

/** Reads one file's records, the format detected from its content; a file that cannot be used comes with a warning. */
export async function readAlertFileChecked(path: string, maxFileBytes: number = DEFAULT_MAX_FILE_BYTES): Promise<ReadFileResult> {
  let text: string;
  try {
    const size = (await stat(path)).size;
    if (size > maxFileBytes) return { records: [], warning: `${path}: not read: ${size} bytes is over the ${maxFileBytes}-byte limit` };
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new IraError(ErrorCodes.sourceInvalid, `cannot read ${path}`, { cause: error });
  }
  try {
    const result = recordsOf(text, path);
    return { ...result, records: result.records.map((record) => ({ ...record, file: path })) };
  } catch (error) {
    if (IraError.isInstance(error)) throw error;
    throw new IraError(ErrorCodes.sourceInvalid, `${path}: cannot parse`, { cause: error });
  }
}

export async function readAlertFile(path: string): Promise<RawRecord[]> {
  return (await readAlertFileChecked(path)).records;
}

async function readFolder(folder: string): Promise<ReplayInput> {
  const names = (await readdir(folder)).sort();
  const files: string[] = [];
  const records: RawRecord[] = [];
  const warnings: string[] = [];
  for (const name of names) {
    const path = join(folder, name);
    if (!isEvidenceFile(name) || !(await stat(path)).isFile()) continue;
    files.push(path);
    const read = await readAlertFileChecked(path);
    for (const record of read.records) records.push(record);
    if (read.warning !== undefined) warnings.push(read.warning);
  }
  const systemPath = names.includes('system.txt') ? join(folder, 'system.txt') : undefined;
  const systemDescription = systemPath === undefined ? undefined : (await readFile(systemPath, 'utf8')).trim();
  if (files.length === 0) throw new IraError(ErrorCodes.sourceInvalid, `${folder}: no alert files in the folder`);
  return {
    name: basename(folder),
    records,
    files: systemPath === undefined ? files : [systemPath, ...files],
    ...(systemDescription === undefined ? {} : { systemDescription }),
    ...(warnings.length === 0 ? {} : { warnings }),
  };
}

export function fileSource(path: string): AlertSource {
  return {
    description: `path ${path}`,
    async read(signal: AbortSignal): Promise<ReplayInput> {
      signal.throwIfAborted();
      let info;
      try {
        info = await stat(path);
      } catch (error) {
        throw new IraError(ErrorCodes.sourceInvalid, `no such file or folder: ${path}`, { cause: error });
      }
      if (info.isDirectory()) return readFolder(path);
      const read = await readAlertFileChecked(path);
      return { name: basename(path), records: read.records, files: [path], ...(read.warning === undefined ? {} : { warnings: [read.warning] }) };
    },
  };
}
